"""The child's audit hook (PEP 578): which actions it refuses and how it says so.

`handlers(box)` maps audit event names to checks; the hook looks the event
up and does nothing else for the many events it does not watch (``id()`` is
one), so user code pays one dict lookup per event. A check either lets the
action go on (after the scratch folder made its path real, see `scratch`) or
calls ``box.refuse`` with one line naming the action, which records the line
and raises PermissionError in the code that tried.

Watched: writes, deletions, renames, chmod/chown/utime, links and folders
outside the scratch folder (its ``work`` mirror and ``tmp``; /dev/null is
allowed); outgoing connections and datagrams; starting processes; signals
to any process but the child itself. Reads are never refused. Not seen: C
code that calls ``fopen``/``write`` itself, ctypes, and writes through file
descriptors that were open before the child started (the backend points
those at /dev/null first).
"""
from __future__ import annotations

import os
import signal
import sys
import sysconfig
import types
from collections.abc import Callable
from typing import Any, Protocol

from .scratch import ATTRIBUTES, ENTRY, TREE, TRUNCATE, WRITE

Check = Callable[[tuple[Any, ...]], None]
CREATING_FOLDER = "creating the folder"
_WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


class Box(Protocol):
    """What a check needs from the containment."""

    def refuse(self, action: str) -> None: ...

    def guard_path(self, path: Any, dir_fd: Any, last: str, verb: str, *, follow: bool = False,
                   descriptor_api: bool = False) -> None: ...

    def note_read_open(self, path: Any) -> None: ...

    def note_listing(self, path: Any) -> None: ...


def handlers(box: Box) -> dict[str, Check]:
    def on_path(verb: str, last: str, dir_fd_at: int | None, follow: bool = False) -> Check:
        def check(args: tuple[Any, ...]) -> None:
            dir_fd = args[dir_fd_at] if dir_fd_at is not None and len(args) > dir_fd_at else None
            box.guard_path(args[0], dir_fd, last, verb, follow=follow)
        return check

    def on_open(args: tuple[Any, ...]) -> None:
        path, mode, flags = args
        if isinstance(path, int):
            return  # a descriptor that is already open
        descriptor_api = mode is None  # os.open: it alone can open a folder, and take a dir_fd
        if not flags & _WRITING:
            if descriptor_api:
                box.note_read_open(path)
            return
        box.guard_path(path, None, TRUNCATE if flags & os.O_TRUNC else WRITE, "writing", follow=True,
                       descriptor_api=descriptor_api)

    def on_truncate(args: tuple[Any, ...]) -> None:
        if not isinstance(args[0], int):  # ftruncate needs a descriptor opened for writing: already checked
            box.guard_path(args[0], None, TRUNCATE if args[1] == 0 else WRITE, "writing", follow=True)

    def on_rename(args: tuple[Any, ...]) -> None:
        box.guard_path(args[0], _at(args, 2), ENTRY, "renaming")
        box.guard_path(args[1], _at(args, 3), ENTRY, "renaming to")

    def on_link(args: tuple[Any, ...]) -> None:
        # a hard link to a user's file would let a later write reach that file
        box.guard_path(args[0], _at(args, 2), ENTRY, "linking to", follow=True)
        box.guard_path(args[1], _at(args, 3), ENTRY, "creating the link")

    def on_sqlite(args: tuple[Any, ...]) -> None:
        database = os.fsdecode(args[0]) if isinstance(args[0], (str, bytes, os.PathLike)) else ""
        if database.startswith("file:"):
            if "mode=memory" in database:
                return
            database = database[5:].split("?")[0]
        if database not in ("", ":memory:"):  # sqlite opens (and may create) it from C
            box.guard_path(database, None, WRITE, "writing", follow=True)

    def on_bind(args: tuple[Any, ...]) -> None:
        address = args[1]
        if isinstance(address, (str, bytes)) and address and not os.fsdecode(address).startswith("\0"):
            box.guard_path(address, None, ENTRY, "creating the socket file")  # a Unix socket is a file

    def refuse_with(describe: Callable[[tuple[Any, ...]], str | None]) -> Check:
        def check(args: tuple[Any, ...]) -> None:
            action = describe(args)
            if action is not None:
                box.refuse(action)
        return check

    checks: dict[str, Check] = {
        "open": on_open,
        "os.truncate": on_truncate,
        "os.remove": on_path("deleting", ENTRY, 1),
        "os.rmdir": on_path("deleting", ENTRY, 1),
        "shutil.rmtree": on_path("deleting", TREE, 1),
        "os.rename": on_rename,
        "os.mkdir": on_path(CREATING_FOLDER, ENTRY, 2),
        "os.mkfifo": on_path("creating", ENTRY, 2),
        "os.mknod": on_path("creating", ENTRY, 3),
        "os.symlink": lambda args: box.guard_path(args[1], _at(args, 2), ENTRY, "creating the link"),
        "os.link": on_link,
        "os.chmod": on_path("changing the permissions of", ATTRIBUTES, 2, follow=True),
        "os.lchmod": on_path("changing the permissions of", ENTRY, None),
        "os.chown": on_path("changing the owner of", ATTRIBUTES, 3, follow=True),
        "os.utime": on_path("changing the times of", ATTRIBUTES, 3, follow=True),
        "os.chflags": on_path("changing the flags of", ATTRIBUTES, None, follow=True),
        "os.lchflags": on_path("changing the flags of", ENTRY, None),
        "os.setxattr": on_path("changing the attributes of", ATTRIBUTES, None, follow=True),
        "os.removexattr": on_path("changing the attributes of", ATTRIBUTES, None, follow=True),
        "sqlite3.connect": on_sqlite,
        "socket.connect": refuse_with(lambda a: f"connecting to {_address(a[1])}"),
        "socket.sendto": refuse_with(lambda a: f"sending data to {_address(a[1])}"),
        "socket.sendmsg": refuse_with(lambda a: None if a[1] is None else f"sending data to {_address(a[1])}"),
        "os.kill": refuse_with(_kill),
        "os.killpg": refuse_with(_killpg),
        "socket.bind": on_bind,
        "os.listdir": lambda args: box.note_listing(args[0]),
        "os.scandir": lambda args: box.note_listing(args[0]),
        "resource.setrlimit": refuse_with(lambda a: f"changing its resource limits ({a[0]})"),
        "resource.prlimit": refuse_with(lambda a: f"changing the resource limits of process {a[0]}"),
        "ctypes.dlsym": refuse_with(_native_call),
    }
    for event, what in _PROCESS_EVENTS.items():
        checks[event] = refuse_with(_starting(what))
    return checks


def _starting(what: Callable[[tuple[Any, ...]], str]) -> Callable[[tuple[Any, ...]], str]:
    return lambda args: f"starting a process ({what(args)})"


def _at(args: tuple[Any, ...], k: int) -> Any:
    return args[k] if len(args) > k else None


_PROCESS_EVENTS: dict[str, Callable[[tuple[Any, ...]], str]] = {
    "subprocess.Popen": lambda a: f"subprocess.Popen {_argv(a[1])}",
    "os.system": lambda a: f"os.system {os.fsdecode(a[0])!r}",
    "os.exec": lambda a: f"os.exec {os.fsdecode(a[0])}",
    "os.posix_spawn": lambda a: f"os.posix_spawn {os.fsdecode(a[0])}",
    "os.spawn": lambda a: f"os.spawn {os.fsdecode(a[1])}",
    "os.fork": lambda a: "os.fork",
    "os.forkpty": lambda a: "os.forkpty",
    "os.startfile": lambda a: f"os.startfile {a[0]}",
    "pty.spawn": lambda a: f"pty.spawn {_argv(a[0])}",
    "_winapi.CreateProcess": lambda a: f"CreateProcess {a[0] or ''} {a[1] or ''}".rstrip(),  # Windows
}


# C functions that start processes or signal others: looked up through ctypes, they would pass unseen
_NATIVE_REFUSED = frozenset({"kill", "killpg", "tgkill", "tkill", "sigqueue", "pidfd_send_signal", "pidfd_open",
                             "fork", "vfork", "clone", "clone3", "system", "popen", "posix_spawn", "posix_spawnp",
                             "execv", "execve", "execvp", "execvpe", "execl", "execle", "execlp", "fexecve",
                             "syscall", "setrlimit", "prlimit", "prlimit64"})


def _native_call(args: tuple[Any, ...]) -> str | None:
    name = args[1] if len(args) > 1 else None
    if isinstance(name, bytes):
        name = name.decode(errors="replace")
    return f"calling the C function {name} through ctypes" if name in _NATIVE_REFUSED else None


def _argv(argv: Any) -> str:
    if isinstance(argv, (str, bytes)):
        return repr(os.fsdecode(argv))
    try:
        return repr([os.fsdecode(x) if isinstance(x, (str, bytes, os.PathLike)) else x for x in argv])
    except TypeError:
        return repr(argv)


def _address(address: Any) -> str:
    if isinstance(address, tuple) and len(address) >= 2:
        host = f"[{address[0]}]" if ":" in str(address[0]) else str(address[0])
        return f"{host}:{address[1]}"
    if isinstance(address, (str, bytes)):
        return os.fsdecode(address) or "an abstract socket"
    return repr(address)


def _signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"


def _kill(args: tuple[Any, ...]) -> str | None:
    pid, sig = args
    if pid == os.getpid():
        return None
    name = _signal_name(sig)
    if pid == 0:
        return f"sending {name} to its process group"
    if pid == -1:
        return f"sending {name} to every process"
    if pid < 0:
        return f"sending {name} to process group {-pid}"
    return f"sending {name} to process {pid}"


def _killpg(args: tuple[Any, ...]) -> str | None:
    pgid, sig = args
    if pgid == os.getpid():  # the child leads its own group: that is itself
        return None
    return f"sending {_signal_name(sig)} to process group {pgid}"


# -- the tool's own files -----------------------------------------------------

_paths = sysconfig.get_paths()
_STDLIB = tuple({_paths["stdlib"], _paths["platstdlib"]})
_SITE = tuple({_paths["purelib"], _paths["platlib"]})
_HERE = os.path.dirname(os.path.abspath(__file__))


def caller_is(prefixes: tuple[str, ...]) -> bool:
    """Whether the nearest caller outside the standard library (and this
    package's sandbox) lives under *prefixes*: a library writing its own
    cache through pathlib or tempfile, not user code asking for it."""
    frame: types.FrameType | None = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        stdlib = name.startswith("<frozen ") or (name.startswith(_STDLIB) and not name.startswith(_SITE))
        if not stdlib and not name.startswith(_HERE):
            return name.startswith(prefixes)
        frame = frame.f_back
    return False

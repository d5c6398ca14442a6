"""What a child may do to the world outside it, and what it did inside its scratch folder.

The judge codes against `current()` and the `Containment` methods
(`take_refusals`, `reset_files`, `files_written`); the fork backend calls
`install` in every child it starts. Outside a contained child `current()` is
None and nothing is refused. `INSTALLED_BY_BACKEND` tells this real
containment from the interface stub it replaced.

How it works (see `scratch` and `audit`): the child's cwd is a mirror of the
user's working folder, copied on first write; an audit hook refuses every
action that would reach outside it. Refusing records one line and raises
PermissionError, so a candidate that catches the exception is still caught.

The tool's own IO in the child is exempt in two ways, both narrow: the
containment's own copying and resetting runs under a per-thread guard the
hook skips, and a *tool folder* (hypothesis's cache) may be written only when
the nearest non-standard-library caller is the library that owns it, never
user code. The result goes back to the parent through a pipe opened before
the fork (`os.write` is not an audited event), so it needs no exemption.
"""
from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NoReturn

from . import audit
from .scratch import Scratch, inside

INSTALLED_BY_BACKEND = True  # the stub had no such name: the judge may check for it
CREATING_FOLDER = audit.CREATING_FOLDER


@dataclass(frozen=True)
class ToolFolder:
    """A folder a library of the tool writes its cache in, from code under *owners*."""

    path: str
    owners: tuple[str, ...]

    def holds(self, landing: str, verb: str) -> bool:
        """Whether an action on *landing* is within the folder (or creates a folder on the way to it)."""
        return inside(landing, self.path) or (verb == CREATING_FOLDER and inside(self.path, landing))


class Containment:
    """One per sandbox child: its scratch folder and its record of refused actions."""

    def __init__(self, scratch: Scratch | None = None, tool_folders: Sequence[ToolFolder] = ()):
        self.scratch = scratch
        self.tool_folders = tuple(tool_folders)
        self._refusals: list[str] = []
        self._own = threading.local()
        self.outside_folder_opened = False  # see note_read_open

    # -- the interface the judge uses -------------------------------------------

    def take_refusals(self) -> tuple[str, ...]:
        """The actions refused since the last call, one line each
        (e.g. "writing /root/notes.txt, outside the scratch folder"), and forget them."""
        taken, self._refusals[:] = tuple(self._refusals), []
        return taken

    def reset_files(self) -> None:
        """Put the scratch folder back as it was when the child started (a mirror of the
        user's folder), empty its tmp folder and make its mirror the cwd again."""
        if self.scratch is not None:
            with self.own_io():
                self.scratch.reset()

    def files_written(self) -> dict[str, bytes | None]:
        """Files created, changed or deleted in the scratch folder since the last reset:
        path relative to the scratch's working folder (the child's cwd) -> new contents
        (None: deleted). Only the paths an action touched are looked at."""
        if self.scratch is None:
            return {}
        with self.own_io():
            return self.scratch.changes()

    # -- for the hook ------------------------------------------------------------

    @contextmanager
    def own_io(self) -> Iterator[None]:
        """The containment's own file work, which the hook lets through (this thread only)."""
        self._own.busy = True
        try:
            yield
        finally:
            self._own.busy = False

    def busy(self) -> bool:
        return getattr(self._own, "busy", False)

    def _tool_is_calling(self, landing: str, verb: str) -> bool:
        owners = tuple(o for t in self.tool_folders if t.holds(landing, verb) for o in t.owners)
        return audit.caller_is(owners)

    def refuse(self, action: str) -> None:
        self._refusals.append(action)
        raise PermissionError(f"jupyter-optimize refused {action}")

    def guard_path(self, path: Any, dir_fd: Any, last: str, verb: str, *, follow: bool = False,
                   descriptor_api: bool = False) -> None:
        """Let an action on *path* go on if it lands in the scratch folder (made real first), else refuse it.
        *descriptor_api*: an ``os.open``, whose audit event leaves out its ``dir_fd``."""
        for absolute in self._resolutions(path, dir_fd, verb, descriptor_api):
            self._guard(absolute, last, verb, follow)

    def note_read_open(self, path: Any) -> None:
        """An ``os.open`` for reading: a folder outside opened so gives a ``dir_fd`` that a
        later ``os.open`` for writing could use unseen (its event has no ``dir_fd``)."""
        if isinstance(path, int) or self.outside_folder_opened:
            return
        absolute = _absolute(path, None)
        if absolute and os.path.isdir(absolute) and not (self.scratch and inside(os.path.realpath(absolute),
                                                                                 self.scratch.root)):
            self.outside_folder_opened = True

    def note_listing(self, path: Any) -> None:
        """A folder of the mirror is being listed: its mirrored sub-folders become real folders of links
        first, so a walk that does not follow symlinks (``os.walk``, ``glob``) sees your tree as it is."""
        scratch = self.scratch
        if scratch is None or isinstance(path, int):
            return
        folder = os.path.realpath(os.getcwd() if path is None else os.fsdecode(os.fspath(path)))
        if inside(folder, scratch.work):
            with self.own_io():
                scratch.show_folders_in(folder)

    def _resolutions(self, path: Any, dir_fd: Any, verb: str, descriptor_api: bool) -> list[str]:
        if isinstance(path, int):
            named = _descriptor_path(path)
            return [named] if named else []  # cannot be named (no /proc): its open was checked
        name = os.fsdecode(os.fspath(path))
        if os.path.isabs(name):
            return [name]
        if isinstance(dir_fd, int) and dir_fd >= 0:
            base = _descriptor_path(dir_fd)
            if base is None:
                self.refuse(f"{verb} {name} in a folder it could not name")
            return [os.path.join(str(base), name)]
        found = []
        if descriptor_api and self.outside_folder_opened:  # any open folder may be its dir_fd
            folders = _open_folders()
            if folders is None:
                self.refuse(f"{verb} {name} in a folder it could not name")
            found = [os.path.join(f, name) for f in folders or ()]
        # the cwd last: a refusal through another folder stops before the mirror is prepared
        return found + [os.path.join(os.getcwd(), name)]

    def _guard(self, absolute: str, last: str, verb: str, follow: bool) -> None:
        scratch = self.scratch
        if scratch is not None:
            with self.own_io():
                try:
                    scratch.prepare(absolute, last)
                except OSError:  # could not make it real: the landing check below still decides
                    pass
        landing = _landing(absolute, follow)
        if scratch is not None and (inside(landing, scratch.work) or inside(landing, scratch.tmp)):
            if inside(landing, scratch.work) and landing != scratch.work:
                scratch.touched.add(os.path.relpath(landing, scratch.work))
            return
        if landing == os.devnull and verb == "writing":
            return
        if any(t.holds(landing, verb) for t in self.tool_folders) and self._tool_is_calling(landing, verb):
            return
        shown = scratch.as_user_sees(landing) if scratch is not None else landing
        self.refuse(f"{verb} {shown}, outside the scratch folder")


def _absolute(path: Any, dir_fd: Any) -> str | None:
    if isinstance(path, int):
        return _descriptor_path(path)
    name = os.fsdecode(os.fspath(path))
    if os.path.isabs(name):
        return name
    base = _descriptor_path(dir_fd) if isinstance(dir_fd, int) and dir_fd >= 0 else os.getcwd()
    return os.path.join(base or os.getcwd(), name)


def _descriptor_path(fd: int) -> str | None:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        pass
    try:  # macOS
        import fcntl

        named = fcntl.fcntl(fd, getattr(fcntl, "F_GETPATH"), bytes(1024))  # noqa: B009 - macOS only
        return os.fsdecode(named.split(b"\0", 1)[0]) or None
    except (OSError, AttributeError, ImportError, ValueError):
        return None


def _open_folders() -> list[str] | None:
    """Every folder this process holds open (None: cannot tell)."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return None
    found = []
    for name in names:
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue
        if target.startswith(os.sep) and os.path.isdir(target):
            found.append(target)
    return found


def _landing(path: str, follow: bool) -> str:
    """Where the action really lands: the folders on the way resolved (symlinks, ..);
    the last component too when the action follows it."""
    head, tail = os.path.split(path.rstrip(os.sep) or os.sep)
    if follow or tail in ("", ".", ".."):
        return os.path.realpath(path)
    return os.path.join(os.path.realpath(head), tail)


_current: Containment | None = None


def current() -> Containment | None:
    """The containment of this child, or None outside a contained child."""
    return _current


def install(root: str, user_folder: str, tool_folders: Sequence[ToolFolder] = ()) -> Containment:
    """In a fresh child only (an audit hook cannot be removed): build the scratch
    mirror in *root*, make it the cwd and TMPDIR, and start refusing."""
    global _current
    scratch = Scratch(root, user_folder)
    scratch.build()
    os.chdir(scratch.work)
    os.environ["TMPDIR"] = scratch.tmp
    tempfile.tempdir = scratch.tmp
    sys.dont_write_bytecode = True  # an import must not try (and be refused) to write a .pyc
    box = _current = Containment(scratch, tool_folders)
    watched = audit.handlers(box)

    def hook(event: str, args: tuple[Any, ...], _get: Any = watched.get) -> None:
        check = _get(event)
        if check is not None and not box.busy():
            check(args)

    sys.addaudithook(hook)
    _close_unaudited_doors(box)
    return box


def _close_unaudited_doors(box: Containment) -> None:
    """Functions that start a process or signal one without an audit event of their own
    (pidfds, and the fork-exec under subprocess and multiprocessing) refuse in the child."""
    import signal

    def refusing(action: str) -> Callable[..., NoReturn]:
        def refuse(*args: object, **kwargs: object) -> NoReturn:
            box.refuse(action)
            raise PermissionError(f"jupyter-optimize refused {action}")  # refuse() raises; this is for the type checker
        return refuse

    own_pid = os.getpid()
    pidfd_open = getattr(os, "pidfd_open", None)
    if pidfd_open is not None:
        def guarded_pidfd_open(pid: int, flags: int = 0) -> int:
            if pid != own_pid:
                box.refuse(f"opening a handle on process {pid} (os.pidfd_open)")
            return int(pidfd_open(pid, flags))
        setattr(os, "pidfd_open", guarded_pidfd_open)  # noqa: B010 (typed module attributes)
    if hasattr(signal, "pidfd_send_signal"):
        setattr(signal, "pidfd_send_signal", refusing("sending a signal through a process handle"))  # noqa: B010
    try:
        import _posixsubprocess
    except ImportError:  # Windows: its process creation (_winapi.CreateProcess) raises an audit event
        return
    setattr(_posixsubprocess, "fork_exec", refusing("starting a process (_posixsubprocess.fork_exec)"))  # noqa: B010

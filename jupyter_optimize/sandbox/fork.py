"""The fork backend: run a job in a forked child so nothing it does reaches the kernel.

The child gets a copy of the whole process (the user's namespace included),
a cap on extra address space, its stdout/stderr captured (it must never write
into the kernel's streams or iopub), and a timeout after which the parent
kills it. The job's return value comes back pickled through a pipe.

Containment (issue 14, see `containment`): the parent makes a scratch folder
before the fork and removes it after the child is reaped, whatever happened.
The child starts its own session (so it is its own process group, outside
the kernel's: a signal to the kernel's group cannot be sent through it, and
the parent kills the child's whole group, grandchildren too, when the run
ends), points every descriptor it inherited for writing, and every inherited
socket, pipe and folder, at /dev/null, then installs the containment: a mirror of
the user's working folder as its cwd and an audit hook that refuses effects
outside it.

`CONTAIN` is a measurement switch only: benchmarks/containment_cost.py sets
it False to time the same run without containment. Nothing else may.
"""
from __future__ import annotations

import faulthandler
import fcntl
import gc
import io
import os
import pickle
import select
import signal
import stat
import sys
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import containment, nans, scratch, tools
from .child import FORK_UNSAFE_THREAD, ChildResult, crash_error, from_reply, timed_out
from .memory import limit_address_space

CONTAIN = True  # measurement switch (benchmarks/containment_cost.py): False runs children uncontained
_cancelled = threading.Event()  # set by `cancel`: every child being waited for is killed


def cancel() -> None:
    """Kill every child being waited for now (Ctrl-C during parallel verification)."""
    _cancelled.set()


def resume() -> None:
    """After `cancel`, once its waiters have returned: children may run again."""
    _cancelled.clear()


def run_forked(job: Callable[[], Any], *, timeout: float, memory_limit_mb: int) -> ChildResult:
    """Run *job()* in a forked child and return what it returned."""
    started = start_forked(job, timeout=timeout, memory_limit_mb=memory_limit_mb)
    return started if isinstance(started, ChildResult) else started.wait()


@dataclass
class Started:
    """A forked child running its job: `wait` reads its reply, reaps it and removes its scratch folder."""

    pid: int
    read_end: int
    root: str | None
    deadline: float
    timeout: float
    memory_limit_mb: int

    def wait(self) -> ChildResult:
        payload, stopped = b"", "interrupted"  # stays so if reading is interrupted
        try:
            try:
                payload, stopped = _read_until(self.read_end, self.deadline)
            finally:  # also on KeyboardInterrupt: never leave a child behind
                os.close(self.read_end)
                status = _reap(self.pid, grace=2.0 if not stopped else 0.0)
        finally:  # after the child is reaped, also on timeout and KeyboardInterrupt
            if self.root is not None:
                scratch.remove_root(self.root)
        if stopped == "cancelled":
            return ChildResult(False, error="stopped")
        if stopped:
            return ChildResult(False, error=timed_out(self.timeout), timed_out=True)
        return _decode(payload, status, self.memory_limit_mb)


def start_forked(job: Callable[[], Any], *, timeout: float, memory_limit_mb: int) -> Started | ChildResult:
    """Fork a child running *job()* now, in this thread; a ChildResult when it could not start (cancelled)."""
    root = scratch.create_root() if CONTAIN else None
    try:
        tool_folders = tools.tool_folders() if root is not None else ()
        try:
            user_folder = os.getcwd()
        except OSError:  # the working folder was deleted: mirror nothing
            user_folder = os.path.join(root or os.sep, "no-working-folder")
        if not _waited_for_fork_unsafe_threads(time.monotonic() + timeout):
            raise _NotStarted()
        read_end, write_end = os.pipe()
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns that forking a threaded process (a kernel is one)
                # may deadlock the child; the child here only runs the job, with its own
                # streams, and is killed at its timeout if it ever hangs.
                warnings.filterwarnings("ignore", category=DeprecationWarning, message=".*fork")
                pid = os.fork()
        except BaseException:  # no child (out of processes or memory): the pipe goes too
            os.close(read_end)
            os.close(write_end)
            raise
        if pid == 0:  # the child never returns from this branch
            os.close(read_end)
            _child_main(job, write_end, memory_limit_mb, root, user_folder, tool_folders)
        os.close(write_end)
    except BaseException as exc:  # not started (or interrupted before the fork): nothing is left behind
        if root is not None:
            scratch.remove_root(root)
        if isinstance(exc, _NotStarted):
            return ChildResult(False, error="stopped")
        if isinstance(exc, OSError):  # the system refused a process: said in one line, as a child's failure
            return ChildResult(False, error=f"could not start a child process ({exc.strerror or exc})")
        raise
    return Started(pid, read_end, root, time.monotonic() + timeout, timeout, memory_limit_mb)


class _NotStarted(Exception):
    pass


def _waited_for_fork_unsafe_threads(deadline: float) -> bool:
    """A child forked while numba compiles in another thread can inherit the compiler's locks held and
    hang on them (a timeout, for no fault of the candidate): wait for such a thread to end first, but
    no longer than the child's own timeout (a compile that never ends must not hang the run: the
    child is forked then, under its timeout as always). False when the run is cancelled meanwhile."""
    for thread in threading.enumerate():
        if thread.name.startswith(FORK_UNSAFE_THREAD) and thread is not threading.current_thread():
            while thread.is_alive() and time.monotonic() < deadline:
                if _cancelled.is_set():
                    return False
                thread.join(0.05)
    return not _cancelled.is_set()


def _child_main(job: Callable[[], Any], write_end: int, memory_limit_mb: int, root: str | None,
                user_folder: str, tool_folders: tuple[containment.ToolFolder, ...]) -> None:
    code = 1
    try:
        os.setsid()  # its own session and process group, outside the kernel's
        gc.freeze()  # the kernel's objects are no garbage here: collections skip them (hypothesis' runs ~25% faster)
        captured = _silence_child()
        limit_address_space(memory_limit_mb)  # before the containment, which refuses changing resource limits
        if root is not None:
            _neutralize_inherited(keep=write_end)
            containment.install(root, user_folder, tool_folders)
        try:
            message = ("ok", job())
        except MemoryError:
            message = ("error", f"ran out of memory (limit {memory_limit_mb} MB)")
        except BaseException as exc:  # the job's own failure, reported as data
            message = ("error", f"{type(exc).__name__}: {exc}")
        _send(write_end, message, captured.getvalue())
        code = 0
    finally:
        os._exit(code)


def _silence_child() -> io.StringIO:
    """Point the child's streams away from the kernel's; return the capture."""
    faulthandler.disable()  # it writes crash dumps to a saved copy of the parent's stderr
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    captured = io.StringIO()
    sys.stdout = sys.stderr = captured
    sys.stdin = io.StringIO()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    return captured


def _neutralize_inherited(keep: int) -> None:
    """Point inherited descriptors that could reach outside at /dev/null: files open
    for writing (a kernel's log, IPython's history database), sockets (the kernel's
    own, a database connection) and pipes (another child's). Writing through an open
    descriptor is not an audited event, so the hook alone would not see it."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in _open_descriptors():
        if fd > 2 and fd not in (keep, devnull) and _reaches_out(fd):
            try:
                os.dup2(devnull, fd, inheritable=False)
            except OSError:
                pass
    os.close(devnull)


def _open_descriptors() -> list[int]:
    for folder in ("/proc/self/fd", "/dev/fd"):
        try:
            return [int(name) for name in os.listdir(folder)]
        except (OSError, ValueError):
            continue
    return []


def _reaches_out(fd: int) -> bool:
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISSOCK(mode) or stat.S_ISFIFO(mode) or stat.S_ISDIR(mode):
            return True  # a folder: an os.open(..., dir_fd=) through it would not be seen
        return stat.S_ISREG(mode) and fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE != os.O_RDONLY
    except OSError:
        return False


def _send(write_end: int, message: tuple[str, Any], output: str) -> None:
    try:
        payload = nans.dumps((*message, output))
    except Exception as exc:
        payload = pickle.dumps(("error", f"its result could not be sent back ({exc})", output))
    view = memoryview(payload)
    while view:
        written = os.write(write_end, view)
        view = view[written:]
    os.close(write_end)


def _read_until(fd: int, deadline: float) -> tuple[bytes, str]:
    """The child's whole reply, and '' or why reading stopped first ('timeout', 'cancelled')."""
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return b"", "timeout"
        if _cancelled.is_set():
            return b"", "cancelled"
        ready, _, _ = select.select([fd], [], [], min(left, 0.25))
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks), ""
        chunks.append(chunk)


def _reap(pid: int, grace: float) -> int:
    """Wait up to *grace* seconds for the child to end, then kill it; either way kill
    its process group (what the child left running) before reaping it, while its pid,
    the group's id, cannot yet be reused."""
    deadline = time.monotonic() + grace
    while not _has_ended(pid) and time.monotonic() < deadline:
        time.sleep(0.005)
    _kill_group(pid)
    return os.waitpid(pid, 0)[1]


def _has_ended(pid: int) -> bool:
    """Whether the child has ended, without reaping it (it stays a zombie)."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True


def _kill_group(pid: int) -> None:
    for kill in (os.killpg, os.kill):  # the group; the child itself if it never made one
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _decode(payload: bytes, status: int, memory_limit_mb: int) -> ChildResult:
    if payload:
        return from_reply(payload)
    return ChildResult(False, error=crash_error(os.waitstatus_to_exitcode(status), memory_limit_mb))

"""The fork backend: run a job in a forked child so nothing it does reaches the kernel.

The child gets a copy of the whole process (the user's namespace included),
a cap on extra address space, its stdout/stderr captured (it must never write
into the kernel's streams or iopub), and a timeout after which the parent
kills it. The job's return value comes back pickled through a pipe.
"""
from __future__ import annotations

import faulthandler
import io
import os
import pickle
import select
import signal
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

from .child import ChildResult


def run_forked(job: Callable[[], Any], *, timeout: float, memory_limit_mb: int) -> ChildResult:
    """Run *job()* in a forked child and return what it returned."""
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns that forking a threaded process (a kernel is one)
        # may deadlock the child; the child here only runs the job, with its own
        # streams, and is killed at its timeout if it ever hangs.
        warnings.filterwarnings("ignore", category=DeprecationWarning, message=".*fork")
        pid = os.fork()
    if pid == 0:  # the child never returns from this branch
        os.close(read_end)
        _child_main(job, write_end, memory_limit_mb)
    os.close(write_end)
    payload, timed_out = b"", True  # stays so if reading is interrupted
    try:
        payload, timed_out = _read_until(read_end, time.monotonic() + timeout)
    finally:  # also on KeyboardInterrupt: never leave a child behind
        os.close(read_end)
        status = _reap(pid, grace=0.0 if timed_out else 2.0)
    if timed_out:
        return ChildResult(False, error=f"timed out after {timeout:g} s", timed_out=True)
    return _decode(payload, status, memory_limit_mb)


def _child_main(job: Callable[[], Any], write_end: int, memory_limit_mb: int) -> None:
    code = 1
    try:
        captured = _silence_child()
        _limit_memory(memory_limit_mb)
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


def _limit_memory(memory_limit_mb: int) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return
    current = _address_space_bytes()
    limit = current + memory_limit_mb * 2**20
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):  # macOS ignores or refuses RLIMIT_AS
        pass


def _address_space_bytes() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _send(write_end: int, message: tuple[str, Any], output: str) -> None:
    try:
        payload = pickle.dumps((*message, output), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        payload = pickle.dumps(("error", f"its result could not be sent back ({exc})", output))
    view = memoryview(payload)
    while view:
        written = os.write(write_end, view)
        view = view[written:]
    os.close(write_end)


def _read_until(fd: int, deadline: float) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return b"", True
        ready, _, _ = select.select([fd], [], [], min(left, 0.5))
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)


def _reap(pid: int, grace: float) -> int:
    """Wait up to *grace* seconds for the child to end, then kill it."""
    deadline = time.monotonic() + grace
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)
            return os.waitpid(pid, 0)[1]
        time.sleep(0.005)


def _decode(payload: bytes, status: int, memory_limit_mb: int) -> ChildResult:
    if payload:
        kind, value, output = pickle.loads(payload)
        if kind == "ok":
            return ChildResult(True, value=value, output=output)
        return ChildResult(False, error=value, output=output)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        name = signal.Signals(sig).name if sig in signal.valid_signals() else str(sig)
        hint = f" (out of memory? limit {memory_limit_mb} MB)" if sig == signal.SIGKILL else ""
        return ChildResult(False, error=f"crashed with {name}{hint}")
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else status
    return ChildResult(False, error=f"ended the process (exit code {code}) without returning")

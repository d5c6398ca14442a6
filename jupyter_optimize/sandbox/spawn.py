"""The spawn backend: jobs run in a fresh interpreter, the kernel's worker, sent by value.

For macOS (where forking a process that loaded Accelerate or an
Objective-C framework can crash or hang the child) and Windows (no fork).
One worker (`worker.py`) is started per kernel and reused across candidates
and runs, so Python's start and numpy's import are paid once; it is
restarted when a job crashed it, ran past its timeout, grew its memory or
left something behind (see `worker`), when the memory cap or the kernel's
working folder changes, and the kernel stops it at exit.

What the fork backend guarantees holds here too: a timeout per job (the
worker is killed past it), a memory cap (the worker's own address-space
limit where the OS has one, else the kernel watches its resident memory),
output captured in the worker, the containment, nothing of the kernel's
changed (everything is sent by value), and no worker left behind (killed
with its process group; it also ends by itself when the kernel is gone).
"""
from __future__ import annotations

import atexit
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from . import protocol, readback, scratch, sending, tools
from .child import ChildResult, crash_error
from .memory import MemoryWatch
from .worker import Init

START_TIMEOUT_S = 120.0  # Python's start and the imports, on a loaded machine
GROWTH_LIMIT_MB = 512  # a worker whose resident memory grew by more than this after a job is replaced
_POLL_S = 0.05
MAX_IDLE = max(1, os.cpu_count() or 1)  # workers kept between runs: one per core (what --jobs uses by default)
_PRELOAD = ("numpy", "pandas", "scipy", "polars")  # imported at the worker's start when the kernel has them
CONTAIN = True  # measurement switch, as fork.CONTAIN (benchmarks/containment_cost.py)
ADDRESS_LIMIT = True  # False: the worker sets no address-space limit, so the kernel watches (as on macOS, Windows)
_LAUNCH = "from jupyter_optimize.sandbox.worker import main; main()"


class Worker:
    """One fresh interpreter and the pipes to it."""

    def __init__(self, memory_limit_mb: int, user_folder: str):
        self.memory_limit_mb, self.user_folder = memory_limit_mb, user_folder
        self.root = scratch.create_root() if CONTAIN else None
        try:
            self.process = subprocess.Popen([sys.executable, "-c", _LAUNCH], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, close_fds=True,
                                            **_own_group())
        except OSError:
            if self.root is not None:
                scratch.remove_root(self.root)
            raise
        self._replies: queue.Queue[bytes | None] = queue.Queue()
        threading.Thread(target=self._read_replies, name="jupyter-optimize-worker-replies", daemon=True).start()
        self.pid = self.process.pid
        self.address_limit = False
        self.ready_error: str | None = None
        self._ready = False
        self._baseline = 0
        self._send(pickle.dumps(self._init(), protocol=pickle.HIGHEST_PROTOCOL))

    def _init(self) -> Init:
        preload = ("jupyter_optimize.pipeline", *[name for name in _PRELOAD if name in sys.modules])
        tool_folders = tools.tool_folders() if self.root is not None else ()
        return Init(tuple(_kernel_path()), self.user_folder, self.root, self.memory_limit_mb, preload, tool_folders,
                    os.getpid(), ADDRESS_LIMIT)

    def _send(self, frame: bytes) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        protocol.write_frame(stdin.fileno(), frame)

    def _read_replies(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        try:
            while True:
                self._replies.put(protocol.read_frame(stdout.fileno()))
        except (protocol.Closed, OSError, ValueError):
            self._replies.put(None)

    def wait_ready(self) -> str | None:
        """Wait for the worker's start; None when it is ready, else why it is not."""
        if self._ready or self.ready_error:
            return self.ready_error
        reply, over = self._next_reply(time.monotonic() + START_TIMEOUT_S, None)
        if reply is None:
            self.ready_error = "stopped" if over == "cancelled" else f"the worker did not start ({self._ended()})"
        else:
            _kind, facts = pickle.loads(reply)  # its own first frame, before any job ran in it
            self.address_limit, self._ready = bool(facts["address_limit"]), True
            self._baseline = MemoryWatch(self.pid).resident_bytes()
        return self.ready_error

    def run(self, parcel: sending.Parcel, timeout: float) -> tuple[ChildResult, bool]:
        """Run one job; the result, and whether the worker may run the next one."""
        try:
            self._send(pickle.dumps({"sys_path": tuple(_kernel_path()), "lines": parcel.lines}))
            self._send(parcel.payload)
        except OSError:
            return ChildResult(False, error=f"the worker ended before the job reached it ({self._ended()})"), False
        watch = None if self.address_limit else MemoryWatch(self.pid)
        start = watch.resident_bytes() if watch else 0
        reply, over = self._next_reply(time.monotonic() + timeout, (watch, start))
        if over == "cancelled":
            self.stop()
            return ChildResult(False, error="stopped"), False
        if over == "timeout":
            self.stop()
            return ChildResult(False, error=f"timed out after {timeout:g} s", timed_out=True), False
        if over == "memory":
            self.stop()
            return ChildResult(False, error=f"ran out of memory (limit {self.memory_limit_mb} MB; stopped past it)"), False
        if reply is None:
            return ChildResult(False, error=self._ended()), False
        return self._decode(reply)

    def _next_reply(self, deadline: float, watching: tuple[MemoryWatch | None, int] | None) -> tuple[bytes | None, str]:
        watch, start = watching or (None, 0)
        cap = self.memory_limit_mb * 2**20
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None, "timeout"
            try:
                return self._replies.get(timeout=min(left, _POLL_S if watch else 0.5)), ""
            except queue.Empty:
                if watch is not None and watch.resident_bytes() > start + cap:
                    return None, "memory"
                if _cancelled.is_set():
                    return None, "cancelled"

    def _decode(self, reply: bytes) -> tuple[ChildResult, bool]:
        try:
            kind, value, output, retire = readback.loads(reply)
        except Exception as exc:  # forged or damaged by the code it ran: nothing of it is trusted
            reason = str(exc) if isinstance(exc, readback.Unreadable) else f"it could not be read ({type(exc).__name__})"
            return ChildResult(False, error=f"its result was not read back: {reason}"), False
        grown = MemoryWatch(self.pid).resident_bytes() - self._baseline > GROWTH_LIMIT_MB * 2**20
        keep = not retire and not grown
        if kind == "ok":
            return ChildResult(True, value=value, output=output), keep
        return ChildResult(False, error=value, output=output), keep

    def _ended(self) -> str:
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.stop()
            return "it stopped answering"
        return crash_error(code, self.memory_limit_mb)

    def stop(self) -> None:
        """Kill the worker and whatever it left running, then remove its scratch folder."""
        _kill_tree(self.process)
        for pipe in (self.process.stdin, self.process.stdout):
            try:
                if pipe is not None:
                    pipe.close()
            except OSError:
                pass
        if self.root is not None:
            scratch.remove_root(self.root)
            self.root = None

    def alive(self) -> bool:
        return self.process.poll() is None


_lock = threading.Lock()
_idle: list[Worker] = []  # ready for a job; the last one used is reused first
_busy: set[Worker] = set()
_cancelled = threading.Event()  # set by `cancel`: every job being waited for stops
started = 0  # workers started in this process (benchmarks/spawn_cost.py prints it)


def run_spawned(job: Callable[[], Any], *, timeout: float, memory_limit_mb: int) -> ChildResult:
    """Run *job()* in one of the kernel's workers and return what it returned. Concurrent callers
    (verification in parallel, `--jobs`) each get a worker of their own: a pool that grows to
    the number of jobs run at once and keeps at most `MAX_IDLE` of them between runs."""
    try:
        parcel = sending.dumps(job)
    except sending.Unsendable as unsendable:
        return ChildResult(False, error=str(unsendable))
    try:
        worker = _acquire(memory_limit_mb)
    except OSError as exc:  # no interpreter to start, no processes left
        return ChildResult(False, error=f"the spawn worker could not be started ({exc})")
    keep, interrupted = False, True
    try:
        not_started = worker.wait_ready()
        if not_started:
            interrupted = False
            return ChildResult(False, error=not_started)
        result, keep = worker.run(parcel, timeout)
        interrupted = False
    finally:  # also on Ctrl-C while it ran: that worker goes and none replaces it; nothing is left running
        _release(worker, keep, replace=not interrupted)
    return result


def prestart(memory_limit_mb: int) -> None:
    """Start a worker now, in the background, so the first run does not wait for Python and numpy."""
    with _lock:
        if not _idle and not _busy:
            _idle.append(_start(memory_limit_mb, _kernel_folder()))


def cancel() -> None:
    """Stop every job being waited for now (Ctrl-C during parallel verification): their workers go."""
    _cancelled.set()


def resume() -> None:
    """After `cancel`, once its waiters have returned: jobs may run again."""
    _cancelled.clear()


def stop() -> None:
    """Stop every worker (the kernel's exit does this too)."""
    with _lock:
        workers = [*_idle, *_busy]
        _idle.clear()
    for worker in workers:
        worker.stop()


def worker_pids() -> set[int]:
    """The process ids of the workers kept for the next jobs (for tests)."""
    with _lock:
        return {w.pid for w in _idle if w.alive()}


def current_pid() -> int | None:
    """The process id of the worker the next job would get (for tests and benchmarks)."""
    with _lock:
        alive = [w for w in _idle if w.alive()]
    return alive[-1].pid if alive else None


def _acquire(memory_limit_mb: int) -> Worker:
    folder = _kernel_folder()
    with _lock:
        while _idle:
            worker = _idle.pop()
            if worker.alive() and worker.memory_limit_mb == memory_limit_mb and worker.user_folder == folder:
                _busy.add(worker)
                return worker
            worker.stop()  # another cap or working folder, or it ended: it cannot serve this run
        worker = _start(memory_limit_mb, folder)
        _busy.add(worker)
        return worker


def _release(worker: Worker, keep: bool, replace: bool = True) -> None:
    """Back to the pool, or stopped; a worker stopped for what a job did is replaced at once
    (the replacement warms up while the kernel goes on), unless the run was interrupted."""
    with _lock:
        _busy.discard(worker)
        if keep and worker.alive() and len(_idle) < MAX_IDLE:
            _idle.append(worker)
            return
    worker.stop()
    if replace and not _cancelled.is_set():
        with _lock:
            if len(_idle) + len(_busy) < MAX_IDLE:
                _idle.append(_start(worker.memory_limit_mb, worker.user_folder))


def _start(memory_limit_mb: int, folder: str) -> Worker:
    global started
    started += 1
    return Worker(memory_limit_mb, folder)


def _kernel_folder() -> str:
    try:
        return os.getcwd()
    except OSError:  # the working folder was deleted: mirror nothing
        return os.path.join(os.path.realpath(os.sep), "no-working-folder")


def _kernel_path() -> list[str]:
    folder = _kernel_folder()
    return [folder if entry == "" else os.path.abspath(entry) for entry in sys.path]


def _own_group() -> dict[str, Any]:
    if os.name == "posix":
        return {"start_new_session": True}
    flags = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0) | getattr(subprocess, "CREATE_NO_WINDOW", 0)
    return {"creationflags": flags}


def _kill_tree(process: subprocess.Popen[bytes]) -> None:
    if os.name == "posix":
        try:
            os.killpg(process.pid, signal.SIGKILL)  # its group: what it started too
        except (ProcessLookupError, PermissionError):
            pass
    else:  # pragma: no cover - Windows
        try:
            import psutil

            for child in psutil.Process(process.pid).children(recursive=True):
                child.kill()
        except Exception:
            pass
    try:
        process.kill()
    except OSError:
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


atexit.register(stop)

"""The spawn backend: each job runs in a fresh interpreter, a worker, sent to it by value.

For macOS (where forking a process that loaded Accelerate or an
Objective-C framework can crash or hang the child) and Windows (no fork).
A worker (`worker.py`) runs one job and ends, as a forked child does: what
a job leaves in its interpreter can never reach another job. Python's start,
numpy's import and the containment are paid before any job exists: the
kernel keeps `SPARES` workers started in advance (from ``%load_ext`` on);
a run takes them as it goes (starting more only when it runs out), and
their replacements start when the run ends, so they do not compete with
its jobs for the cores.

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

from . import protocol, scratch, sending, tools
from .child import ChildResult, crash_error, from_reply, timed_out
from .memory import MemoryWatch
from .worker import Init

START_TIMEOUT_S = 120.0  # Python's start and the imports, on a loaded machine
SPARES = 4  # workers kept started in advance: a study, two candidates and a benchmark (each about 80 MB)
BIG_INPUT_SHARE = 4  # a job whose pickle exceeds 1/this of the cap gets a worker whose cap allows for it
_POLL_S = 0.05
_PRELOAD = ("numpy", "pandas", "scipy", "polars")  # imported at the worker's start when the kernel has them
CONTAIN = True  # measurement switch, as fork.CONTAIN (benchmarks/containment_cost.py)
ADDRESS_LIMIT = True  # False: the worker sets no address-space limit, so the kernel watches (as on macOS, Windows)
_PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_LAUNCH = ("import sys; sys.path.insert(0, sys.argv[1]); "  # this very jupyter_optimize, whatever the path says
           "from jupyter_optimize.sandbox.worker import main; main()")


class Worker:
    """One fresh interpreter, the pipes to it, and the one job it may run."""

    def __init__(self, memory_limit_mb: int, user_folder: str):
        self.memory_limit_mb, self.user_folder = memory_limit_mb, user_folder
        self.environ = dict(os.environ)  # what it inherited: a spare started before a change is not used after it
        self.root = scratch.create_root() if CONTAIN else None
        try:
            self.process = subprocess.Popen([sys.executable, "-c", _LAUNCH, _PACKAGE_PARENT], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, close_fds=True,
                                            **_own_group())
        except OSError:
            if self.root is not None:
                scratch.remove_root(self.root)
            raise
        self._replies: queue.Queue[bytes | None] = queue.Queue()
        self._limit = max(64 << 20, 2 * memory_limit_mb << 20)  # no frame from the worker may claim more
        threading.Thread(target=self._read_replies, name="jupyter-optimize-worker-replies", daemon=True).start()
        self.pid = self.process.pid
        self.address_limit = False
        self.ready_error: str | None = None
        self._ready = False
        try:
            self._send(pickle.dumps(self._init(), protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as exc:  # it ended at once: the job that takes it says so
            self.ready_error = f"the worker did not start ({exc})"

    def _init(self) -> Init:
        preload = ("jupyter_optimize.pipeline", *[name for name in _PRELOAD if name in sys.modules])
        tool_folders = tools.tool_folders() if self.root is not None else ()
        return Init(tuple(_kernel_path()), self.user_folder, self.root, self.memory_limit_mb, preload, tool_folders,
                    os.getpid(), ADDRESS_LIMIT)

    def _send(self, frame: bytes | memoryview) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        protocol.write_frame(stdin.fileno(), frame)

    def _read_replies(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        try:
            while True:
                self._replies.put(protocol.read_frame(stdout.fileno(), self._limit))
        except (protocol.Closed, OSError, ValueError):
            self._replies.put(None)

    def wait_ready(self) -> str | None:
        """Wait for the worker's start; None when it is ready, else why it is not."""
        if self._ready or self.ready_error:
            return self.ready_error
        reply, over = self._next_reply(time.monotonic() + START_TIMEOUT_S, None)
        if reply is None:
            self.ready_error = "stopped" if over == "cancelled" else f"the worker did not start ({self._ended()})"
            return self.ready_error
        kind, facts = pickle.loads(reply)  # its own first frame, before any job ran in it
        if kind != "ready":
            self.ready_error = f"the worker could not start: {facts}"
        else:
            self.address_limit, self._ready = bool(facts["address_limit"]), True
        return self.ready_error

    def run(self, parcel: sending.Parcel, timeout: float) -> ChildResult:
        """Run the job; the worker has ended (or is stopped) when this returns."""
        try:
            self._send(pickle.dumps({"sys_path": tuple(_kernel_path()), "lines": parcel.lines}))
            self._send(parcel.payload)
        except OSError:
            return ChildResult(False, error=f"the worker ended before the job reached it ({self._ended()})")
        watch = None if self.address_limit else MemoryWatch(self.pid)
        start = watch.resident_bytes() if watch else 0
        reply, over = self._next_reply(time.monotonic() + timeout, (watch, start))
        if over == "cancelled":
            return ChildResult(False, error="stopped")
        if over == "timeout":
            return ChildResult(False, error=timed_out(timeout), timed_out=True)
        if over == "memory":
            return ChildResult(False, error=f"ran out of memory (limit {self.memory_limit_mb} MB; stopped past it)")
        if reply is None:
            return ChildResult(False, error=self._ended())
        return from_reply(reply)

    def _next_reply(self, deadline: float, watching: tuple[MemoryWatch | None, int] | None) -> tuple[bytes | None, str]:
        watch, start = watching or (None, 0)
        cap = self.memory_limit_mb * 2**20
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None, "timeout"
            try:
                return self._replies.get(timeout=min(left, _POLL_S if watch else 0.25)), ""
            except queue.Empty:
                if watch is not None and watch.resident_bytes() > start + cap:
                    return None, "memory"
                if _cancelled.is_set():
                    return None, "cancelled"

    def _ended(self) -> str:
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "it stopped answering"
        return crash_error(code, self.memory_limit_mb)

    def stop(self) -> None:
        """Kill the worker and whatever it left running, then remove its scratch folder; once."""
        if self.process.returncode is None:  # not reaped yet: its group id cannot have been reused
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
_spares: list[Worker] = []  # started, no job yet; the oldest first (the likeliest to be ready)
_busy: set[Worker] = set()
_cancelled = threading.Event()  # set by `cancel`: every job being waited for stops
_runs = 0  # runs going on (`begin_run`): spares are replaced once they end, not while they compete for the cores
started = 0  # workers started in this process (benchmarks/spawn_cost.py prints it)


def run_spawned(job: Callable[[], Any], *, timeout: float, memory_limit_mb: int) -> ChildResult:
    """Run *job()* in a fresh worker (a spare, when one is started) and return what it returned."""
    try:
        parcel = sending.dumps(job)
    except sending.Unsendable as unsendable:
        return ChildResult(False, error=str(unsendable))
    cap = _cap_for(memory_limit_mb, len(parcel.payload))
    try:
        worker = _take(memory_limit_mb, cap)
    except OSError as exc:  # no interpreter to start, no processes left
        return ChildResult(False, error=f"the spawn worker could not be started ({exc})")
    try:
        not_started = worker.wait_ready()
        if not_started:
            return ChildResult(False, error=not_started)
        return worker.run(parcel, timeout)
    finally:  # also on Ctrl-C while it ran: the worker goes, nothing is left running
        with _lock:
            _busy.discard(worker)
        worker.stop()


def _cap_for(memory_limit_mb: int, payload_bytes: int) -> int:
    """The worker's cap: the user's, plus room for the job's own inputs when they are large (a forked
    child's cap is counted from the kernel, which holds the inputs already)."""
    if payload_bytes * BIG_INPUT_SHARE <= memory_limit_mb << 20:
        return memory_limit_mb
    return memory_limit_mb + 3 * (payload_bytes >> 20) + 1  # the frame, the objects, a copy


def begin_run() -> None:
    """A run starts: it takes spares as it needs them; starting their replacements waits for `end_run`."""
    global _runs
    with _lock:
        _runs += 1


def end_run(memory_limit_mb: int, replenish: bool = True) -> None:
    """A run ended: start the spares the next one will take, while the user reads the report
    (not after Ctrl-C: an interrupted run leaves no worker it started behind)."""
    global _runs
    with _lock:
        _runs = max(0, _runs - 1)
        if not _runs and replenish:
            _replenish(memory_limit_mb, _kernel_folder())


def prestart(memory_limit_mb: int) -> None:
    """Start the spare workers now, in the background, so the first run does not wait for Python and numpy."""
    with _lock:
        _replenish(memory_limit_mb, _kernel_folder())


def cancel() -> None:
    """Stop every job being waited for now (Ctrl-C during parallel verification): their workers go."""
    _cancelled.set()


def resume() -> None:
    """After `cancel`, once its waiters have returned: jobs may run again."""
    _cancelled.clear()


def stop() -> None:
    """Stop every worker, spare or busy (the kernel's exit does this too)."""
    with _lock:
        workers = [*_spares, *_busy]
        _spares.clear()
    for worker in workers:
        worker.stop()


def wait_for_spares() -> None:
    """Until every spare worker has started (benchmarks: time a run, not the spares' start after the last)."""
    with _lock:
        spares = list(_spares)
    for worker in spares:
        worker.wait_ready()


def worker_pids() -> set[int]:
    """The process ids of the spare workers (for tests: they are meant to outlive a run)."""
    with _lock:
        return {w.pid for w in _spares if w.alive()}


def _take(memory_limit_mb: int, cap: int) -> Worker:
    """A started spare for this cap and working folder (another spare replaces it), else a new worker
    (a job with large inputs gets one whose *cap* allows for them; the spares keep the user's)."""
    folder = _kernel_folder()
    with _lock:
        environ = dict(os.environ)
        stale = [w for w in _spares if not (w.alive() and w.memory_limit_mb == memory_limit_mb
                                            and w.user_folder == folder and w.environ == environ)]
        for worker in stale:
            _spares.remove(worker)
        if cap == memory_limit_mb and _spares:
            worker = _spares.pop(0)
        else:
            worker = _start(cap, folder)
        _busy.add(worker)
        if not _runs:
            _replenish(memory_limit_mb, folder)
    for old in stale:  # another cap, working folder or environment, or it ended: it cannot serve this run
        old.stop()
    return worker


def _replenish(memory_limit_mb: int, folder: str) -> None:
    """(Under the lock.) Start spares until `SPARES` wait for this cap and folder, unless a run was cancelled."""
    while len(_spares) < SPARES and not _cancelled.is_set():
        try:
            _spares.append(_start(memory_limit_mb, folder))
        except OSError:  # no process to start now: a job starts its own worker and says why it could not
            return


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

"""The spawn backend's worker: a fresh interpreter that runs the kernel's jobs, one at a time.

Started by `spawn` as ``python -c "...worker import main; main()"`` with two
pipes for its stdin and stdout. It moves them to other descriptors at once
and points 0, 1 and 2 at /dev/null, so nothing a job does with its
descriptors reaches the kernel or the frames; what a job prints to
``sys.stdout``/``sys.stderr`` is captured and sent back with its result.

The first frame (`Init`) says where the kernel works, its ``sys.path``, the
memory cap and the scratch folder. The worker then imports what the jobs
will need, caps its own address space (where the OS has such a cap), and
installs the same containment a forked child has (`containment.install`):
its cwd is a mirror of the kernel's working folder, and an audit hook
refuses writes outside it, connections, processes and signals.

Each job is a cloudpickled callable; its reply is a plain pickle of
``(kind, value, output, retire)``, read back by the kernel through
`readback.loads` (a class of the notebook's is sent back by its name, which
the kernel has: `_name_the_kernels_classes`). After a job the worker resets its scratch folder and
checks that the job left nothing behind that would change the next job: a
module attribute rebound (``np.sum = ...``), the environment, ``sys.path``,
a thread still running. If it did, ``retire`` says what, and the worker
ends after replying; the kernel starts a fresh one. The worker also ends
when the kernel does (its requests pipe closes, or its parent process goes).
"""
from __future__ import annotations

import importlib
import io
import linecache
import os
import pickle
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

from . import containment, protocol, scratch
from .memory import limit_address_space

_PARENT_POLL_S = 0.5


@dataclass(frozen=True)
class Init:
    sys_path: tuple[str, ...]
    user_folder: str
    root: str | None  # the scratch folder, made by the kernel; None: uncontained (a measurement only)
    memory_limit_mb: int
    preload: tuple[str, ...]
    tool_folders: tuple[containment.ToolFolder, ...]
    parent_pid: int
    address_limit: bool = True  # cap the address space where the OS can (False: the kernel watches the memory)


def main() -> None:
    requests, replies = _take_descriptors()
    init: Init = pickle.loads(protocol.read_frame(requests))  # from the kernel that started us
    sys.path[:] = list(init.sys_path)
    try:
        os.chdir(init.user_folder)
    except OSError:
        pass
    for name in init.preload:
        try:
            importlib.import_module(name)
        except Exception:  # a job that needs it will say so
            pass
    import cloudpickle  # noqa: F401 - before the containment, like every import the jobs need

    _name_the_kernels_classes()

    address_limit = init.address_limit and limit_address_space(init.memory_limit_mb)  # before the containment
    box = containment.install(init.root, init.user_folder, init.tool_folders) if init.root else None
    _end_with_parent(init.parent_pid, init.root, box)
    protocol.write_frame(replies, pickle.dumps(("ready", {"pid": os.getpid(), "address_limit": address_limit})))
    threads = threading.active_count()
    while True:
        try:
            header = pickle.loads(protocol.read_frame(requests))
            payload = protocol.read_frame(requests)
        except protocol.Closed:  # the kernel is gone
            break
        sys.path[:] = list(header["sys_path"])
        linecache.cache.update(header["lines"])  # the source of the cells and candidates in the job
        reply, retire = _run(payload, init.memory_limit_mb, box, threads)
        protocol.write_frame(replies, reply)
        if retire:
            break
    os._exit(0)


def _take_descriptors() -> tuple[int, int]:
    """The frames' pipes on descriptors of their own; 0, 1 and 2 on /dev/null."""
    requests, replies = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    sys.stdin = io.StringIO()
    return requests, replies


def _run(payload: bytes, memory_limit_mb: int, box: containment.Containment | None, threads: int) -> tuple[bytes, str]:
    import cloudpickle

    before = _State.take()
    captured = io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = captured
    try:
        job = cloudpickle.loads(payload)
        message: tuple[str, Any] = ("ok", job())
    except MemoryError:
        message = ("error", f"ran out of memory (limit {memory_limit_mb} MB)")
    except BaseException as exc:  # the job's own failure, reported as data
        message = ("error", f"{type(exc).__name__}: {exc}")
    finally:
        sys.stdout, sys.stderr = saved
    retire = before.left_behind(threads)
    if box is not None:
        box.reset_files()
        box.take_refusals()
    return _encode(message, captured.getvalue(), retire), retire


def _encode(message: tuple[str, Any], output: str, retire: str) -> bytes:
    try:
        return pickle.dumps((*message, output, retire), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        return pickle.dumps(("error", f"its result could not be sent back ({exc})", output, retire))


_MISSING = object()


class _State:
    """What a job could leave behind for the next one: module bindings, the environment, threads
    (``sys.path`` and the scratch folder are set anew for every job)."""

    def __init__(self) -> None:
        self.modules = {name: (module, dict(vars(module))) for name, module in list(sys.modules.items())
                        if module is not None and hasattr(module, "__dict__")}
        self.environ = dict(os.environ)

    @classmethod
    def take(cls) -> _State:
        return cls()

    def left_behind(self, threads: int) -> str:
        """What the job changed that would reach the next job ('' for nothing). A module's
        function, class or submodule rebound (``np.sum = ...``) counts; its plain data does
        not: libraries keep flags and caches there (hypothesis's ``_gc_initialized``)."""
        if threading.active_count() > threads:
            return "it left a thread running"
        if dict(os.environ) != self.environ:
            return "it changed the environment variables"
        for name, (module, bindings) in self.modules.items():
            if sys.modules.get(name, module) is not module:
                return f"it replaced the module {name}"
            now = vars(module)
            for key, value in bindings.items():
                new = now.get(key, _MISSING)
                if new is not value and not key.startswith("__") and (callable(value) or callable(new)):
                    return f"it rebound {name}.{key}"
        return ""


def _name_the_kernels_classes() -> None:
    """Pickle sends a class by module and name. A class a job brought from the kernel's ``__main__``
    (a notebook's own, rebuilt here by cloudpickle) is found under that name in this ``__main__``,
    so a result or a counterexample holding its instances goes back to the kernel, which has it."""
    from cloudpickle import cloudpickle as internals

    def find(name: str) -> type:
        rebuilt = [kind for kind in list(internals._DYNAMIC_CLASS_TRACKER_BY_CLASS)
                   if getattr(kind, "__module__", None) == "__main__" and getattr(kind, "__qualname__", None) == name]
        if not rebuilt:
            raise AttributeError(f"module '__main__' has no attribute {name!r}")
        latest: type = rebuilt[-1]  # should the kernel have defined it twice
        return latest

    setattr(sys.modules["__main__"], "__getattr__", find)  # noqa: B010 - a module's __getattr__ (PEP 562)


def _end_with_parent(parent_pid: int, root: str | None, box: containment.Containment | None) -> None:
    """End, removing the scratch folder, once the kernel's process is gone (killed, crashed)."""
    def watch() -> None:
        while _parent_alive(parent_pid):
            time.sleep(_PARENT_POLL_S)
        if root is not None and box is not None:
            with box.own_io():
                scratch.remove_root(root)
        os._exit(0)

    threading.Thread(target=watch, name="jupyter-optimize-parent-watch", daemon=True).start()


def _parent_alive(parent_pid: int) -> bool:
    if os.name == "posix":
        return os.getppid() == parent_pid
    try:
        import psutil

        return bool(psutil.pid_exists(parent_pid))
    except ImportError:
        return True

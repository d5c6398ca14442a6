"""The spawn backend's worker: a fresh interpreter that runs one job of the kernel's, then ends.

Started by `spawn` as ``python -c "...worker import main; main()"`` with two
pipes for its stdin and stdout. It moves them to other descriptors at once
and points 0, 1 and 2 at /dev/null, so nothing a job does with its
descriptors reaches the kernel; what a job prints to ``sys.stdout`` and
``sys.stderr`` is captured and sent back with its result.

The first frame (`Init`) says where the kernel works, its ``sys.path``, the
memory cap and the scratch folder. The worker then imports what jobs need,
caps its own address space (where the OS has such a cap), installs the same
containment a forked child has (`containment.install`: its cwd is a mirror
of the kernel's working folder, and an audit hook refuses writes outside
it, connections, processes and signals) and says it is ready. All of that
happens before any job exists, so the kernel keeps such workers started in
advance (`spawn`) and a job rarely waits for one.

One job per worker, as one job per forked child: whatever a job leaves in
its interpreter (a module attribute rebound, numpy's error state, a thread,
a signal handler, a hook in ``sys.meta_path``) dies with it, so no job can
change another's verdict, and a job cannot answer for a later one.

The job is a cloudpickled callable; the reply is a plain pickle of
``(kind, value, output)``, read back by the kernel through `readback.loads`
(a class of the notebook's is sent back by its name, which the kernel has:
`_name_the_kernels_classes`). The worker also ends when the kernel does (its
requests pipe closes, or its parent process goes).
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
import traceback
from dataclasses import dataclass
from typing import Any

from . import containment, nans, protocol, scratch
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
    try:
        address_limit, box = _prepare(init)
    except BaseException as exc:  # said in the ready frame: the kernel shows it in one line
        protocol.write_frame(replies, pickle.dumps(("failed", _why_not_ready(exc))))
        os._exit(1)
    protocol.write_frame(replies, pickle.dumps(("ready", {"pid": os.getpid(), "address_limit": address_limit})))
    try:
        header = pickle.loads(protocol.read_frame(requests))
        payload = protocol.read_frame(requests)
    except MemoryError:
        protocol.write_frame(replies, _encode(("error", f"its inputs do not fit in the memory cap "
                                                        f"({init.memory_limit_mb} MB); raise --memory-limit"), ""))
        os._exit(0)
    except protocol.Closed:  # the kernel is gone, or needs this worker no more
        os._exit(0)
    sys.path[:] = list(header["sys_path"])
    linecache.cache.update(header["lines"])  # the source of the cells and candidates in the job
    protocol.write_frame(replies, _run(payload, init.memory_limit_mb))
    os._exit(0)


def _prepare(init: Init) -> tuple[bool, containment.Containment | None]:
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
    return address_limit, box


def _why_not_ready(exc: BaseException) -> str:
    if isinstance(exc, OSError) and os.name == "nt" and getattr(exc, "winerror", None) == 1314:
        return ("the scratch folder needs symbolic links, which Windows allows in Developer Mode "
                "(Settings > For developers) or to administrators")
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" (at {os.path.basename(where.filename)}:{where.lineno})" if where else ""
    return f"{type(exc).__name__}: {exc}{at}"


def _take_descriptors() -> tuple[int, int]:
    """The frames' pipes on descriptors of their own; 0, 1 and 2 on /dev/null."""
    requests, replies = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    sys.stdin = io.StringIO()
    return requests, replies


def _run(payload: bytes, memory_limit_mb: int) -> bytes:

    captured = io.StringIO()
    sys.stdout = sys.stderr = captured
    try:
        job = nans.loads(payload)  # cloudpickle's pickle, np.nan kept (`nans`)
        del payload
        message: tuple[str, Any] = ("ok", job())
    except MemoryError:
        message = ("error", f"ran out of memory (limit {memory_limit_mb} MB)")
    except BaseException as exc:  # the job's own failure, reported as data
        message = ("error", f"{type(exc).__name__}: {exc}")
    finally:
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    return _encode(message, captured.getvalue())


def _encode(message: tuple[str, Any], output: str) -> bytes:
    try:
        return nans.dumps((*message, output))
    except Exception as exc:
        return pickle.dumps(("error", f"its result could not be sent back ({exc})", output))


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

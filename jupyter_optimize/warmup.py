"""What the first run in a kernel would otherwise pay, prepared in the background at ``%load_ext``.

The offline sources and the report's renderers are imported, and, when
numba is installed, numba is imported and compiles one tiny function (its
first compile sets up LLVM: about half a second). Under the fork backend
every child then starts with all of that done.

A child forked while another thread is half-way through an import could wait
forever for that import's lock. So a run calls `hold` before it forks its
first child: the warm-up finishes the step under way (one import, or numba's
tiny compile), then waits, holding no lock, until `release` at the end of
the run. A run that starts right after ``%load_ext`` so waits for one step,
not for all of them (numba's half second among them, which a run without
numba does not need), and imports what it needs itself; a run that will use
numba waits for the whole warm-up, as it would have to import numba anyway.
"""
from __future__ import annotations

import functools
import importlib
import importlib.util
import threading
from collections.abc import Callable

_MODULES = ("jupyter_optimize.verify.search", "jupyter_optimize.render.text", "jupyter_optimize.render.html",
            "jupyter_optimize.sources.rules.catalogue", "jupyter_optimize.sources.numba")
_thread: threading.Thread | None = None
_state = threading.Condition()
_holds = 0  # runs under way: the warm-up waits between its steps
_busy = False  # a step (an import, a compile) is under way in the warm-up thread
_done = False  # every step has run


def start() -> None:
    """Start the warm-up once per process, in a daemon thread."""
    global _thread
    if _thread is None:
        _thread = threading.Thread(target=_prepare, name="jupyter-optimize-warm-up", daemon=True)
        _thread.start()


def wait() -> None:
    """Until the warm-up, if one was started, has finished (while no run holds it)."""
    if _thread is not None:
        _thread.join()


def hold(whole: bool = False) -> None:
    """Before a run forks: the warm-up's step under way ends, and no other starts until `release`; with
    *whole* (a run that needs numba), the warm-up first finishes, unless another run holds it."""
    global _holds
    with _state:
        if whole and _thread is not None:
            _state.wait_for(lambda: _done or _holds > 0)
        _holds += 1
        _state.wait_for(lambda: not _busy)


def release() -> None:
    """After the run: the warm-up goes on, if it was not done."""
    global _holds
    with _state:
        _holds -= 1
        _state.notify_all()


def _prepare() -> None:
    global _done
    try:
        for step in _steps():
            _run_step(step)
    finally:
        with _state:
            _done = True
            _state.notify_all()


def _steps() -> list[Callable[[], object]]:
    steps: list[Callable[[], object]] = [functools.partial(importlib.import_module, name) for name in _MODULES]
    if importlib.util.find_spec("numba") is not None:
        steps += [functools.partial(importlib.import_module, "numba"), _compile]
    return steps


def _run_step(step: Callable[[], object]) -> None:
    global _busy
    with _state:
        _state.wait_for(lambda: _holds == 0)
        _busy = True
    try:
        step()
    except Exception:  # a run that needs it will say what is wrong (the numba source its own problems)
        pass
    finally:
        with _state:
            _busy = False
            _state.notify_all()


def _compile() -> None:
    import numba

    numba.njit(cache=False)(_tiny)(1)


def _tiny(x: int) -> int:
    return x + 1

"""What the first run in a kernel would otherwise pay, prepared in the background at ``%load_ext``.

The offline sources and the report's renderers are imported, and, when
numba is installed, numba is imported and compiles one tiny function (its
first compile sets up LLVM: about half a second). Under the fork backend
every child then starts with all of that done. `wait` is called before a
run forks its first child: a child forked while another thread is half-way
through an import could wait forever for that import's lock, so a run that
starts within the warm-up's second or two waits for it to finish first.
"""
from __future__ import annotations

import importlib
import importlib.util
import threading

_MODULES = ("jupyter_optimize.sources.rules.catalogue", "jupyter_optimize.sources.numba",
            "jupyter_optimize.render.text", "jupyter_optimize.render.html", "jupyter_optimize.verify.search")
_thread: threading.Thread | None = None


def start() -> None:
    """Start the warm-up once per process, in a daemon thread."""
    global _thread
    if _thread is None:
        _thread = threading.Thread(target=_prepare, name="jupyter-optimize-warm-up", daemon=True)
        _thread.start()


def wait() -> None:
    """Until the warm-up, if one was started, has finished."""
    if _thread is not None:
        _thread.join()


def _prepare() -> None:
    for name in _MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # a run that needs it will say what is wrong
            pass
    if importlib.util.find_spec("numba") is None:
        return
    try:
        import numba

        numba.njit(cache=False)(_tiny)(1)
    except Exception:  # the numba source reports its own problems
        pass


def _tiny(x: int) -> int:
    return x + 1

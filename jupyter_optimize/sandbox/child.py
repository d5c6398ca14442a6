"""What a sandboxed job may take and what it gives back, whichever backend ran it."""
from __future__ import annotations

import signal
from dataclasses import dataclass
from typing import Any

# A thread of ours whose name starts with this may hold locks a forked child would inherit locked (numba's
# compiler, given up on but still running): the fork backend waits for it to end before it forks.
FORK_UNSAFE_THREAD = "jupyter-optimize-fork-unsafe"


@dataclass(frozen=True)
class ChildLimits:
    """How long one child may run and how much extra memory it may take."""

    timeout: float  # seconds
    memory_limit_mb: int
    timeout_hint: str = ""  # added to a timeout's message: why this limit, and how to allow more
    start_method: str = ""  # "fork" or "spawn"; "" = $JUPYTER_OPTIMIZE_START_METHOD, else the platform's (see `methods`)


@dataclass(frozen=True)
class ChildResult:
    ok: bool
    value: Any = None
    error: str = ""  # one line: why the job did not return
    output: str = ""  # what the job printed
    note: str = ""  # something the user should know about how it ran (e.g. without isolation)
    timed_out: bool = False
    backend: str = ""  # the backend that ran it ("fork" or "spawn")


def timed_out(seconds: float) -> str:
    """The error of a child stopped at its timeout: whole seconds from 10 s on, three digits below."""
    return f"timed out after {seconds:.0f} s" if seconds >= 10 else f"timed out after {seconds:.3g} s"


def from_reply(payload: bytes) -> ChildResult:
    """A child's reply ``(kind, value, output)`` as a result, read back without running what it names
    (`readback`): a forged or damaged reply is a failure, nothing of it trusted."""
    from . import readback

    try:
        kind, value, output = readback.loads(payload)
    except Exception as exc:
        reason = str(exc) if isinstance(exc, readback.Unreadable) else f"it could not be read ({type(exc).__name__})"
        return ChildResult(False, error=f"its result was not read back: {reason}")
    if kind == "ok":
        return ChildResult(True, value=value, output=output)
    return ChildResult(False, error=value, output=output)


def crash_error(returncode: int, memory_limit_mb: int) -> str:
    """Why a child that returned nothing ended: *returncode* as `subprocess` gives it (negative: a signal)."""
    if returncode < 0:
        sig = -returncode
        name = signal.Signals(sig).name if sig in signal.valid_signals() else str(sig)
        hint = f" (out of memory? limit {memory_limit_mb} MB)" if name == "SIGKILL" else ""
        return f"crashed with {name}{hint}"
    return f"ended the process (exit code {returncode}) without returning"

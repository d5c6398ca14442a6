"""Which backend isolates the children: fork or spawn.

Linux forks the kernel (fast; each child starts as a copy of it). macOS and
Windows get spawn: forking after numpy loaded Accelerate, or after any
Objective-C framework initialised, can crash or hang the child (Python has
used spawn there by default since 3.8), and Windows has no fork. The
``start_method`` option (also ``%config Optimize.start_method``) chooses,
else ``$JUPYTER_OPTIMIZE_START_METHOD``, else the platform's default.
"""
from __future__ import annotations

import os
import sys

from ..errors import UsageProblem

FORK, SPAWN = "fork", "spawn"
METHODS = (FORK, SPAWN)
ENVIRONMENT = "JUPYTER_OPTIMIZE_START_METHOD"
CAN_FORK = hasattr(os, "fork")
DESCRIBED = {
    FORK: "fork: each child is a copy of the kernel",
    SPAWN: "spawn: a fresh interpreter, sent the function and its inputs by value",
}


def platform_default() -> str:
    return FORK if CAN_FORK and sys.platform.startswith("linux") else SPAWN


def chosen(option: str = "") -> str:
    """The backend for a run: *option* if given, else the environment's, else the platform's."""
    if option:
        return _checked(option, "start_method")
    from_environment = os.environ.get(ENVIRONMENT, "").strip().lower()
    if from_environment:
        return _checked(from_environment, f"${ENVIRONMENT}")
    return platform_default()


def _checked(method: str, where: str) -> str:
    if method not in METHODS:
        raise UsageProblem(f"{where} must be 'fork' or 'spawn', got {method!r}.")
    if method == FORK and not CAN_FORK:
        raise UsageProblem(f"{where} is 'fork', but this platform has no fork: use 'spawn' (its default here).")
    return method

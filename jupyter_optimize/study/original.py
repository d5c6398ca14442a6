"""The original on its own, before any candidate: is it repeatable, does it change
its arguments, how long one pass over the live calls takes, and where its time goes.

`study_original` runs in a sandbox child (it calls the user's function).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..model import Call, LineProfile
from ..options import Options
from ..verify.compare import Tolerance
from ..verify.determinism import Determinism, check_determinism, mutates_arguments
from .profile import line_profile


@dataclass(frozen=True)
class OriginalStudy:
    profile: LineProfile | None
    determinism: Determinism  # also says when the original was refused an action on a live call
    mutates_args: bool
    pass_seconds: float  # one pass over the live calls

    @property
    def refusal(self) -> str:
        """The action refused to the original on a live call ('' when none): no candidate can be verified."""
        return self.determinism.refusal


def study_original(func: Callable[..., Any], calls: list[Call], tol: Tolerance, options: Options) -> OriginalStudy:
    started = time.perf_counter()
    determinism = check_determinism(func, calls, tol, options.seed, not options.ignore_output)  # two passes
    pass_seconds = (time.perf_counter() - started) / 2
    mutates = mutates_arguments(func, calls, tol, determinism.seed)
    profile = line_profile(func, calls) if options.profile else None
    return OriginalStudy(profile, determinism, mutates, pass_seconds)

"""The boundary between the pipeline and the candidate sources.

A source is a function ``(request: SourceRequest) -> SourceResult``. A
source may also offer a `Repairer`: it gets one of its rejected candidates
back once, with the counterexample, for ``--repair``. Sources import this
module, never the registry (`jupyter_optimize.sources`), so the registry can
import them lazily without a cycle.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..model import Call, Candidate, Counterexample, LineProfile
from ..options import Options

Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    """The default progress callback: says nothing."""


@dataclass(frozen=True)
class SourceRequest:
    """What a source may look at: the original, its live calls, its profile and the run's options."""

    function: Callable[..., object]
    source: str | None
    calls: tuple[Call, ...]
    profile: LineProfile | None
    options: Options = field(default_factory=Options)
    progress: Progress = _quiet
    pass_seconds: float = 0.0  # one pass of the original over the live calls, as the study measured it


@dataclass(frozen=True)
class SourceResult:
    candidates: list[Candidate]
    notes: list[str]  # one line each, shown in the Report (what was dropped and why, ...)


Source = Callable[[SourceRequest], SourceResult]
Repairer = Callable[[SourceRequest, Candidate, Counterexample], "Candidate | None"]

"""Candidate sources behind one small protocol.

A source is a function ``(request: SourceRequest) -> SourceResult``
registered in `SOURCES` under its name. The pipeline knows nothing else about
it. Later sources ("rules", "numba", "llm") plug in here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..errors import UsageProblem, close_matches
from ..model import Call, Candidate, LineProfile


@dataclass(frozen=True)
class SourceRequest:
    function: Callable
    source: str | None
    calls: tuple[Call, ...]
    profile: LineProfile | None
    options: object  # jupyter_optimize.options.Options
    progress: Progress = lambda message: None


@dataclass(frozen=True)
class SourceResult:
    candidates: list[Candidate]
    notes: list[str]  # one line each, shown in the Report (what was dropped and why, ...)


Progress = Callable[[str], None]
Source = Callable[[SourceRequest], SourceResult]

SOURCES: dict[str, Source] = {}
PLANNED = ("rules", "numba", "llm")


def check_names(names: tuple[str, ...] | list[str]) -> None:
    for name in names:
        if name in SOURCES:
            continue
        if name in PLANNED:
            raise UsageProblem(f"The candidate source {name!r} is not in this version yet; pass candidates= instead.")
        known = list(SOURCES) + list(PLANNED)
        raise UsageProblem(f"Unknown candidate source {name!r}.{close_matches(name, known)} Known: {', '.join(known)}.")


def run_sources(names: tuple[str, ...] | list[str], request: SourceRequest) -> SourceResult:
    check_names(names)
    candidates: list[Candidate] = []
    notes: list[str] = []
    for name in names:
        result = SOURCES[name](request)
        candidates += result.candidates
        notes += result.notes
    return SourceResult(candidates, notes)

"""Candidate sources behind one small protocol.

A source is a function ``(request: SourceRequest) -> SourceResult``
registered in `SOURCES` under its name. A source may also register a
repairer in `REPAIRERS` under the origin its candidates carry: it gets a
rejected candidate and its counterexample back once, for `--repair`. The
pipeline knows nothing else about them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..errors import UsageProblem, close_matches
from ..model import Call, Candidate, Counterexample, LineProfile


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


def _llm(request: SourceRequest) -> SourceResult:
    from .llm import llm_source  # lazily: it is the only source that needs `openai`

    return llm_source(request)


def _rules(request: SourceRequest) -> SourceResult:
    from .rules import source  # lazily: the rule catalogue is only loaded when asked for

    return source(request)


def _numba(request: SourceRequest) -> SourceResult:
    from .numba import source  # lazily: numba itself is imported only inside

    return source(request)


def _repair_llm(request: SourceRequest, candidate: Candidate, counterexample: Counterexample) -> Candidate | None:
    from .llm import repair_candidate

    return repair_candidate(request, candidate, counterexample)


Repairer = Callable[[SourceRequest, Candidate, Counterexample], "Candidate | None"]

SOURCES: dict[str, Source] = {"llm": _llm, "rules": _rules, "numba": _numba}
REPAIRERS: dict[str, Repairer] = {"llm": _repair_llm}
PLANNED: tuple[str, ...] = ()


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
        try:
            result = SOURCES[name](request)
        except Exception as exc:  # one broken source must not take the run down
            notes.append(f"the {name!r} source failed ({type(exc).__name__}: {exc}); the other candidates went on")
            continue
        candidates += result.candidates
        notes += result.notes
    return SourceResult(candidates, notes)


def repair(request: SourceRequest, candidate: Candidate, counterexample: Counterexample) -> Candidate | None:
    """The fix its source offers for a rejected candidate, or None."""
    repairer = REPAIRERS.get(candidate.origin)
    if repairer is None:
        return None
    try:
        return repairer(request, candidate, counterexample)
    except Exception:  # a failed repair leaves the rejection as it was
        return None

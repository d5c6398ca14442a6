"""The registry of candidate sources: their names, and running them.

Each source (see `protocol`) is registered in `SOURCES` under its name and
imported only when it runs. A source may also register a repairer in
`REPAIRERS` under the origin its candidates carry. The pipeline knows
nothing else about them.
"""
from __future__ import annotations

from ..errors import UsageProblem, close_matches
from ..model import Candidate, Counterexample
from .protocol import Repairer, Source, SourceRequest, SourceResult


def _llm(request: SourceRequest) -> SourceResult:
    from .llm.source import (
        llm_source,  # lazily: it is the only source that needs `openai`
    )

    return llm_source(request)


def _rules(request: SourceRequest) -> SourceResult:
    from .rules import (
        source,  # lazily: the rule catalogue is only loaded when asked for
    )

    return source(request)


def _numba(request: SourceRequest) -> SourceResult:
    from .numba import source  # lazily: numba itself is imported only inside

    return source(request)


def _repair_llm(request: SourceRequest, candidate: Candidate, counterexample: Counterexample) -> Candidate | None:
    from .llm.source import repair_candidate

    return repair_candidate(request, candidate, counterexample)


SOURCES: dict[str, Source] = {"llm": _llm, "rules": _rules, "numba": _numba}
REPAIRERS: dict[str, Repairer] = {"llm": _repair_llm}


def check_names(names: tuple[str, ...] | list[str]) -> None:
    for name in names:
        if name in SOURCES:
            continue
        known = list(SOURCES)
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

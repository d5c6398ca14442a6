"""The registry of candidate sources: their names, which run by default, and running them.

Each source (see `protocol`) is registered in `SOURCES` under its name and
imported only when it runs. A source may also register a repairer in
`REPAIRERS` under the origin its candidates carry. `resolve_sources` is the
default-source policy that `optimize()` and `%%optimize` share. The pipeline
knows nothing else about them.
"""
from __future__ import annotations

import os
from collections.abc import Sequence

from ..errors import UsageProblem, close_matches
from ..model import Candidate, Counterexample
from ..options import Options
from .protocol import Repairer, Source, SourceRequest, SourceResult

AUTO = "auto"  # the policy of `resolve_sources` picks the sources
NONE = "none"  # no sources: only the candidates given
OFFLINE_SOURCES = ("rules", "numba")  # need no network and no configuration
HOW_TO_ADD_A_MODEL = (
    "No language model is configured, so only the offline sources ran. For candidates from a model, set "
    "OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (e.g. http://localhost:11434/v1 for Ollama) before starting "
    "Jupyter, or run %config Optimize.base_url = '...'."
)


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


def resolve_sources(requested: Sequence[str] | str, candidates_given: bool,
                    options: Options) -> tuple[tuple[str, ...], str]:
    """The sources a run uses, and a one-line hint for the user ('' when there is nothing to say).

    Sources named explicitly win (``"none"``: none). With ``"auto"``: none
    when candidates were given; otherwise the offline sources, plus ``"llm"``
    when a model is configured (else the hint says how to configure one).
    """
    names = (requested,) if isinstance(requested, str) else tuple(requested)
    if names != (AUTO,):
        return (() if names == (NONE,) else names), ""
    if candidates_given:
        return (), ""
    if model_configured(options):
        return OFFLINE_SOURCES + ("llm",), ""
    return OFFLINE_SOURCES, HOW_TO_ADD_A_MODEL


def model_configured(options: Options) -> bool:
    """True when the "llm" source has somewhere to send requests: a key or a base URL."""
    settings = (os.environ.get("OPENAI_API_KEY", ""), os.environ.get("OPENAI_BASE_URL", ""), options.base_url)
    return any(setting.strip() for setting in settings)


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


def repairable(candidate: Candidate) -> bool:
    """Whether the source *candidate* came from can offer a fix for it (`repair`)."""
    return candidate.origin in REPAIRERS


def repair(request: SourceRequest, candidate: Candidate, counterexample: Counterexample) -> Candidate | None:
    """The fix its source offers for a rejected candidate, or None."""
    repairer = REPAIRERS.get(candidate.origin)
    if repairer is None:
        return None
    try:
        return repairer(request, candidate, counterexample)
    except Exception:  # a failed repair leaves the rejection as it was
        return None

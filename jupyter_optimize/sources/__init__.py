"""Candidate sources behind one small protocol.

A source is a function ``(request: SourceRequest) -> list[Candidate]``
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
    options: object


Source = Callable[[SourceRequest], "list[Candidate]"]

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


def run_sources(names: tuple[str, ...] | list[str], request: SourceRequest) -> list[Candidate]:
    check_names(names)
    return [candidate for name in names for candidate in SOURCES[name](request)]

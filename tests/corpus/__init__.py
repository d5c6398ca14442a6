"""A corpus for the verifier: originals, rewrites that behave the same, and
rewrites that are subtly wrong in the ways real rewrites are.

Each `Entry` is data: the original's source (a plain notebook-style
function), a builder of its live calls, right candidates (source strings that
behave the same under the README's sameness rules on every input) and wrong
candidates (source strings with a one-line note of what is wrong and a
*witness*: arguments, of the kind the input generator can produce from the
live ones, on which the original and the candidate differ). The live calls
are chosen so that most wrong candidates look right on them.

    from corpus import ENTRIES, define
    func = define(entry)            # the original, defined in a fresh namespace
    report = optimize(func, entry.calls(), candidates=entry.candidates(), assume=entry.assume, ...)

An entry with a documented `assume` (tests/corpus/domains.py) has right
candidates that differ from the original only outside that domain: without
the assumption they are rejected, with it they pass; its wrong candidates'
witnesses lie inside the domain.
"""
from __future__ import annotations

import ast
import linecache
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# What a notebook cell above the function would have imported; candidates run
# in a copy of the original's globals, so they see the same names.
PRELUDE = "import collections, heapq, itertools, math, operator, re, statistics\nimport numpy as np\nimport pandas as pd\n"


def code(text: str) -> str:
    """A source string from an indented triple-quoted block."""
    return textwrap.dedent(text).strip("\n") + "\n"


@dataclass(frozen=True)
class Wrong:
    source: str
    note: str  # one line: what is wrong
    witness: tuple  # positional arguments on which it differs from the original


@dataclass(frozen=True)
class Entry:
    original: str
    calls: Callable[[], list]  # () -> [(args_tuple, kwargs_dict), ...]
    right: tuple[str, ...]
    wrong: tuple[Wrong, ...]
    about: str = ""  # what the entry exercises
    assume: tuple[str, ...] = ()  # the function's documented domain (--assume), when it has one

    @property
    def name(self) -> str:
        return function_name(self.original)

    def candidates(self) -> list[str]:
        """Right candidates first, then wrong ones (the order of report.results)."""
        return [*self.right, *(w.source for w in self.wrong)]

    def expected(self) -> list[tuple[str, str]]:
        """(kind, label) per candidate, in the order of `candidates()`."""
        return ([("right", f"right {i + 1}") for i in range(len(self.right))]
                + [("wrong", f"wrong {i + 1}: {w.note}") for i, w in enumerate(self.wrong)])


def function_name(source: str) -> str:
    tree = ast.parse(source)
    return next(node.name for node in tree.body if isinstance(node, ast.FunctionDef))


def define(entry: Entry | str) -> Callable:
    """The original (or any source for it) as a function in a fresh namespace
    holding the PRELUDE's imports; its source is registered in linecache so
    inspect and tracebacks can read it, as for a function defined in a cell."""
    source = entry.original if isinstance(entry, Entry) else entry
    name = function_name(source)
    text = PRELUDE + source
    filename = f"<corpus {name} {abs(hash(text)):x}>"
    linecache.cache[filename] = (len(text), None, text.splitlines(keepends=True), filename)
    namespace: dict[str, Any] = {"__name__": f"corpus_{name}"}
    exec(compile(text, filename, "exec"), namespace)
    return namespace[name]


@dataclass(frozen=True)
class Outcome:
    """What the verifier said about one candidate of an entry."""

    entry: str
    kind: str  # "right" or "wrong"
    label: str  # "right 1" or "wrong 2: <note>"
    verdict: str
    reason: str
    seconds: float  # verification of this candidate (its child, live and generated inputs)
    caught_on: str = ""  # for incorrect verdicts: "live" or "generated"
    counterexample: str = ""
    inputs_tried: int = 0  # live and generated inputs run (shrinking included)
    notes: tuple[str, ...] = ()  # the verifier's notes (e.g. the time budget ran out)
    assumed: bool = False  # the entry's documented assumptions were in force
    outside_domain: bool = False  # the counterexample's input lies outside the entry's documented domain

    @property
    def rejected(self) -> bool:
        return self.verdict in ("incorrect", "failed")

    @property
    def as_expected(self) -> bool:
        return self.rejected if self.kind == "wrong" else self.verdict in ("faster", "not_faster")


# The corpus measures correctness, not speed: benchmark briefly, skip the profile.
# One candidate at a time (jobs=1), so the time between two verdicts is one candidate's verification.
CORPUS_OPTIONS = {"time_budget": 0.3, "profile": False, "jobs": 1}


def verify_entry(entry: Entry, assumed: bool = True, **options: Any) -> list[Outcome]:
    """Run *entry* through `optimize` (with its documented assumptions unless not *assumed*)
    and say what became of each candidate."""
    import time

    from jupyter_optimize import optimize
    from jupyter_optimize.study.assume import domain_for

    marks: list[tuple[str, float]] = []
    func = define(entry)
    domain = domain_for(func, entry.assume)
    report = optimize(func, entry.calls(), candidates=entry.candidates(),
                      assume=entry.assume if assumed else None,
                      progress=lambda message, fraction: marks.append((message, time.perf_counter())),
                      **{**CORPUS_OPTIONS, **options})
    seconds = _seconds_per_candidate(marks, [r.name for r in report.results])
    out = []
    for (kind, label), result in zip(entry.expected(), report.results, strict=True):
        spent = seconds.get(result.name, 0.0)  # 0: the same code as an earlier candidate, judged once
        cx = result.counterexample
        check = result.check
        outside = bool(cx and cx.inputs is not None and not domain.admits(func, cx.inputs))
        out.append(Outcome(entry.name, kind, label, result.verdict, result.reason, spent,
                           cx.origin if cx else "", repr(cx) if cx else "",
                           check.inputs_tried if check else 0, check.notes if check else (),
                           assumed and bool(entry.assume), outside))
    return out


def _seconds_per_candidate(marks: list[tuple[str, float]], names: list[str]) -> dict[str, float]:
    """From the progress marks of a run with jobs=1: each candidate's name -> seconds from the previous
    verdict (or the start of verification) to its own ("Verified 2/5: NAME, verified")."""
    found: dict[str, float] = {}
    last = next((t for message, t in marks if message.startswith("Verifying ")), None)
    for message, t in marks:
        if not message.startswith("Verified ") or last is None:
            continue
        said = message.split(": ", 1)[1]
        name = max((n for n in names if said.startswith(f"{n}, ")), key=len, default=None)
        if name is not None:
            found[name] = t - last
        last = t
    return found


def verify_named(name: str, assumed: bool = True, **options: Any) -> list[Outcome]:
    """`verify_entry` by the original's name: what a worker process can be sent."""
    return verify_entry(next(e for e in ENTRIES if e.name == name), assumed, **options)


def _collect() -> tuple[Entry, ...]:
    from . import arrays, containers, domains, floats, frames, scalars, text

    entries = (*arrays.ENTRIES, *floats.ENTRIES, *scalars.ENTRIES, *containers.ENTRIES, *text.ENTRIES, *frames.ENTRIES,
               *domains.ENTRIES)
    names = [e.name for e in entries]
    duplicated = {n for n in names if names.count(n) > 1}
    assert not duplicated, f"corpus names must be unique: {duplicated}"
    return entries


ENTRIES: tuple[Entry, ...] = _collect()

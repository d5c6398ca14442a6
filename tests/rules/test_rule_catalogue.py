"""Every rule: golden before/after on at least three functions (not the demo), and declines.

The golden files under golden/<rule>/ hold each function before and after
the one rule. Regenerate them after a deliberate change with
``JO_UPDATE_GOLDEN=1 python -m pytest tests/rules``. Besides the text, each
rewrite is run against the original on the case's inputs.
"""
from __future__ import annotations

import copy
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from rule_cases import CASES, DECLINES, NAMESPACE, Case

from jupyter_optimize.model import Call
from jupyter_optimize.sources.candidates import register_source
from jupyter_optimize.sources.rules import BY_NAME, RULES, State, Subject, apply_rule, learn_kinds
from jupyter_optimize.verify.compare import Tolerance, difference

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("JO_UPDATE_GOLDEN") == "1"


def define(source: str, namespace: dict | None = None):
    namespace = dict(NAMESPACE) if namespace is None else namespace
    name = source.split("def ", 1)[1].split("(", 1)[0]
    exec(compile(source, register_source(source, name), "exec"), namespace)
    return namespace[name]


def rewrite(case: Case, declined: list[str] | None = None) -> str | None:
    func = define(case.source)
    kinds = learn_kinds(func, [Call.coerce(c) for c in case.calls()]).kinds
    state = apply_rule(State(case.source.lstrip("\n")), BY_NAME[case.rule], Subject(func.__name__, dict(func.__globals__), kinds),
                       declined)
    return state.text if state else None


def golden_text(case: Case, after: str) -> str:
    return f"# rule: {case.rule}\n# ---- before\n{case.source.lstrip()}# ---- after\n{after}"


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.rule}/{c.label}")
def test_rule_rewrites_as_recorded(case: Case):
    after = rewrite(case)
    assert after is not None, f"{case.rule} did not fire on {case.label}"
    path = GOLDEN / case.rule / f"{case.label}.txt"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(golden_text(case, after))
    assert golden_text(case, after) == path.read_text()


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.rule}/{c.label}")
def test_rewrite_behaves_like_the_original(case: Case, capsys):
    original, rewritten = define(case.source), define(rewrite(case))
    for args, kwargs in case.calls():
        expected, got = outcome(original, args, kwargs), outcome(rewritten, args, kwargs)
        if isinstance(expected, Raised) or isinstance(got, Raised):
            assert expected == got  # a guarded rewrite raises what the original raises
        else:
            assert difference(expected, got, Tolerance(rtol=1e-9)) is None
    printed = capsys.readouterr().out
    assert printed == "" or printed.count("\n") % 2 == 0  # both printed the same lines


@dataclass(frozen=True)
class Raised:
    type: str
    message: str


def outcome(func, args, kwargs):
    try:
        return func(*copy.deepcopy(args), **copy.deepcopy(kwargs))
    except Exception as exc:
        return Raised(type(exc).__name__, str(exc))


@pytest.mark.parametrize("case", DECLINES, ids=lambda c: f"{c.rule}/{c.label}")
def test_rule_declines_outside_its_preconditions(case: Case):
    declined: list[str] = []
    assert rewrite(case, declined) is None
    assert declined and all(declined), "a decline says why"
    reasons = "".join(f"# - {why}\n" for why in dict.fromkeys(declined))
    recorded = f"# rule: {case.rule}\n# ---- before\n{case.source.lstrip()}# ---- declined, because\n{reasons}"
    path = GOLDEN / case.rule / "declined" / f"{case.label}.txt"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(recorded)
    assert recorded == path.read_text()


def test_every_rule_has_three_cases_and_a_decline():
    cases = Counter(c.rule for c in CASES)
    declines = Counter(c.rule for c in DECLINES)
    for rule in RULES:
        assert cases[rule.name] >= 3, rule.name
        assert declines[rule.name] >= 1, rule.name


def test_catalogue_is_documented():
    assert len(RULES) >= 12
    assert len({r.name for r in RULES}) == len(RULES)
    for rule in RULES:
        doc = rule.apply.__doc__ or ""
        assert "->" in rule.summary and len(doc.splitlines()) > 3, rule.name


def test_no_stale_golden_files():
    recorded = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.txt")}
    assert recorded == {f"{c.rule}/{c.label}.txt" for c in CASES} | {f"{c.rule}/declined/{c.label}.txt" for c in DECLINES}


PANDAS_RULES = {"frame-row-loop", "frame-apply", "column-comprehension", "unique-groupby", "dict-groupby"}


@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in CASES if c.rule in PANDAS_RULES], ids=lambda c: f"{c.rule}/{c.label}")
def test_a_rule_leaves_its_own_fallback_alone(case: Case):
    after = rewrite(case)
    assert after is not None
    func = define(after)
    kinds = learn_kinds(define(case.source), [Call.coerce(c) for c in case.calls()]).kinds
    again = apply_rule(State(after), BY_NAME[case.rule], Subject(func.__name__, dict(func.__globals__), kinds))
    assert again is None, again.text


@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in CASES if c.rule in ("unique-groupby", "dict-groupby")],
                         ids=lambda c: f"{c.rule}/{c.label}")
def test_a_grouping_gives_keys_and_values_of_the_loops_types(case: Case):
    """difference() takes np.float64 and float as equal; a user printing the dict sees np.float64(nan) vs nan."""
    original, rewritten = define(case.source), define(rewrite(case))
    for args, kwargs in case.calls():
        expected, got = outcome(original, args, kwargs), outcome(rewritten, args, kwargs)
        if isinstance(expected, dict):
            assert [(type(k), type(v)) for k, v in got.items()] == [(type(k), type(v)) for k, v in expected.items()]

"""The offline sources end to end: optimize(..., sources=["rules"]) with no model and no network."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from jupyter_optimize import demo, optimize
from jupyter_optimize.sources.candidates import register_source

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from offline_functions import CASES  # noqa: E402

pytestmark = pytest.mark.slow  # full runs of the pipeline: forked children, timing

QUICK = dict(quick=True)


def define(source: str, namespace: dict | None = None):
    namespace = {"np": np} if namespace is None else namespace
    name = source.split("def ", 1)[1].split("(", 1)[0]
    exec(compile(source, register_source(source, name), "exec"), namespace)
    return namespace[name]


def test_demo_gets_a_verified_speedup_from_the_rules_alone():
    # how large a speedup: benchmarks/stage_times.py prints the default path's best (a figure, not a test)
    report = optimize(demo.define(), demo.live_calls(128), sources=["rules"], time_budget=1.0)
    best = report.best
    assert best is not None and best.origin == "rules"
    assert best.verdict == "faster" and best.check.passed and best.check.generated_passed > 0, best.reason
    used = best.name.removeprefix("rules: ").split("+")
    assert {"first-index", "running-sum", "elementwise-loop"} <= set(used)
    assert all(f"{rule}:" in best.explanation for rule in used)
    assert all(r.origin == "rules" and r.name.startswith("rules: ") for r in report.results)
    assert "incorrect" not in [r.verdict for r in report.results]


@pytest.mark.parametrize("name", ["pairwise_distances", "running_balance", "first_above", "remove_stopwords"])
def test_rules_speed_up_notebook_functions_that_are_not_the_demo(name):
    case = CASES[name]
    report = optimize(case.func, case.calls(), sources=["rules"], **QUICK)
    assert report.best is not None, [(r.name, r.verdict, r.reason) for r in report.results]
    assert report.best.verdict == "faster" and report.best.origin == "rules"  # the figures: benchmarks/offline_suite.py


def test_a_rewrite_that_is_wrong_on_some_input_is_caught():
    # the bound is tested after the element: where every element is <= t the loop reads past the
    # end and raises IndexError, the rewrite (which cannot know) returns the length, and a generated
    # input says so (a live call on which the original raises would stop the run instead)
    scan = define('''
def scan(x, t):
    k = 0
    while x[k] <= t and k < x.size:
        k += 1
    return k
''')
    report = optimize(scan, [((np.arange(50.0), 20.5), {})], sources=["rules"], **QUICK)
    (result,) = report.results
    assert result.name == "rules: first-index" and result.verdict == "incorrect"
    assert "IndexError" in result.counterexample.original and result.counterexample.origin == "generated"
    assert report.best is None


def test_without_source_text_the_rules_say_so():
    namespace = {"np": np}
    exec("def f(x):\n    total = 0\n    for v in x:\n        total += v\n    return total\n", namespace)
    report = optimize(namespace["f"], [((np.arange(5),), {})], sources=["rules"], **QUICK)
    assert report.results == ()
    assert any("source of f is not available" in note for note in report.notes)


def test_when_no_rule_applies_the_report_says_so():
    smooth = CASES["exponential_smoothing"]
    report = optimize(smooth.func, smooth.calls(), sources=["rules"], **QUICK)
    assert report.results == ()
    assert any("none of the" in note and "rules applies" in note for note in report.notes)


def test_rules_and_numba_sources_are_registered():
    from jupyter_optimize.sources import SOURCES

    assert {"rules", "numba"} <= set(SOURCES)


def test_an_empty_report_after_sources_ran_names_them():
    smooth = CASES["exponential_smoothing"]
    report = optimize(smooth.func, smooth.calls(), sources=["rules"], **QUICK)
    assert report.sources == ("rules",)
    assert "the source rules offered none" in repr(report)
    assert "no source ran" not in repr(report)

"""The viewer for a function outside the cell: Accept names what it changes, and is not offered where it
cannot help (a slower candidate) or cannot act (a closure no kernel name holds)."""
from __future__ import annotations

import numpy as np
import pytest

from jupyter_optimize.model import Candidate, CandidateResult, Home, Report, Timing
from jupyter_optimize.notebook import viewer
from jupyter_optimize.sources.candidates import register_source

pytest.importorskip("ipywidgets")

SOURCE = "def scaled(xs):\n    return [x * k for x in xs]\n"


def timing(speedup: float) -> Timing:
    samples = tuple(np.linspace(1.0, 1.1, 10))
    return Timing(samples, tuple(s / speedup for s in samples), 1, 1, speedup, (speedup * 0.95, speedup * 1.05), 0.05)


def result(name: str, verdict: str, speedup: float) -> CandidateResult:
    return CandidateResult(name, "rules", SOURCE, verdict, f"{speedup:.2f}x", timing=timing(speedup),
                           candidate=Candidate(name, "rules", source=SOURCE))


def closure():
    code = "def make(k):\n    def scaled(xs):\n        return [k * x for x in xs]\n    return scaled\n"
    namespace: dict = {}
    exec(compile(code, register_source(code, "make"), "exec"), namespace)
    return namespace["make"](2)


def test_a_slower_rule_candidate_is_listed_but_never_offered():
    report = Report("scaled", SOURCE, ("scaled(xs=[1])",), None,
                    (result("quick", "faster", 2.0), result("slow", "not_faster", 0.8)), options=None)
    shown = viewer.ReportViewer(report, {})
    assert shown.panes["quick"].accept_button is not None
    assert shown.panes["slow"].accept_button is None
    assert shown.tabs.titles == ("quick · 2.0x faster", "slow · not faster (0.80x)")


def test_a_closure_no_kernel_name_holds_gets_the_reason_instead_of_accept():
    func = closure()
    home = Home("closure", "holder.scaled", "__main__", "", "scaled", original=func)
    report = Report("scaled", SOURCE, ("scaled(xs=[1])",), None, (result("quick", "faster", 2.0),), options=None,
                    home=home)
    pane = viewer.ReportViewer(report, {}).panes["quick"]
    assert pane.accept_button is None
    assert "is a closure made inside make: it cannot be rebound from outside" in pane.status.value


def test_accept_on_a_held_closure_rebinds_the_kernel_name_and_says_what_changed():
    func = closure()
    namespace = {"double": func}
    home = Home("closure", "double", "__main__", "", "scaled", kernel_names=("double",), original=func)
    report = Report("scaled", SOURCE, ("scaled(xs=[1])",), None, (result("quick", "faster", 2.0),), options=None,
                    home=home)
    shown = viewer.ReportViewer(report, namespace)
    shown.panes["quick"].accept_button.click()
    assert namespace["double"] is not func and namespace["double"]([1, 2]) == [2, 4]
    assert "double" in shown.panes["quick"].status.value and report.accepted == "quick"


def test_the_html_report_lists_faster_candidates_first_and_folds_the_rest_together():
    from jupyter_optimize.render import html

    report = Report("scaled", SOURCE, ("scaled(xs=[1])",), None,
                    (result("slow", "not_faster", 0.8), result("quick", "faster", 2.0),
                     CandidateResult("broken", "rules", None, "failed", "syntax error")), options=None)
    page = html.render(report)
    folded = page.index("2 other candidate(s): 1 not faster, 1 failed")
    def at(name):  # where the candidate's own folded section starts (the summary table names it too)
        return page.index(f"<code>{name}</code></summary>")

    assert at("quick") < folded < at("slow") < at("broken")


def test_accepting_a_module_function_says_its_file_is_unchanged(tmp_path, monkeypatch):
    import sys

    text = "k = 2\n\n\ndef scaled(xs):\n    out = []\n    for x in xs:\n        out.append(k * x)\n    return out\n"
    (tmp_path / "scale_lm.py").write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    import scale_lm

    from jupyter_optimize.study.callee import resolve_callee

    namespace = {"scale_lm": scale_lm}
    home = resolve_callee("scale_lm.scaled", namespace).home
    report = Report("scaled", SOURCE, ("scaled(xs=[1])",), None, (result("quick", "faster", 2.0),), options=None,
                    home=home)
    shown = viewer.ReportViewer(report, namespace)
    try:
        shown.accept("quick")
        assert scale_lm.scaled([1, 2]) == [2, 4] and scale_lm.scaled.__code__.co_filename != scale_lm.__file__
        assert (tmp_path / "scale_lm.py").read_text() == text
    finally:
        sys.modules.pop("scale_lm", None)
    assert "scale_lm.py itself is unchanged (the original is its lines 4-8)." in shown.panes["quick"].status.value

import html as entities
import re
from dataclasses import replace

import pytest

from jupyter_optimize import demo, optimize
from jupyter_optimize.model import CandidateResult, Check, Report, Timing
from jupyter_optimize.options import Options
from jupyter_optimize.render import facts, html, text


def visible(page: str) -> str:
    """What a browser shows of some HTML: tags dropped, entities decoded, a line per block."""
    return entities.unescape(re.sub(r"<[^>]+>", "", re.sub(r"</(div|p|li)>|<br>", "\n", page)))


@pytest.mark.slow
def test_text_and_html_show_verdicts_reasons_counterexample_diff_and_profile(equalize, seed_calls):
    report = optimize(equalize, seed_calls, candidates=[demo.ARGMAX, demo.VECTORIZED], time_budget=0.5)
    plain = text.render(report)
    lines = plain.splitlines()
    table_rows = [line for line in lines if line.startswith("candidate ") and "origin" not in line]
    assert "faster" in table_rows[0] and "incorrect" in table_rows[1]  # best first
    assert "mask=<bool array (128, 128), 0 True>" in plain
    assert ">>" in plain and "lut[level]" in plain  # hottest lines marked
    page = html.render(report)
    assert page.count("<details>") >= 3  # two candidates and the profile
    assert "-    first = 0" in page or "first = 0" in page
    assert "argmax(hist &gt; 0)" in page  # the diff shows the rewrite, escaped
    assert "rgba(255,140,0" in page  # hot lines shaded


def test_empty_report_says_to_pass_candidates():
    def f(x):
        return x + 1

    plain = text.render(optimize(f, [((1,), {})], sources=(), time_budget=0.2))
    assert "--candidate" in plain


# -- the facts every renderer shares ---------------------------------------------


def empty_report(sources: tuple[str, ...] = (), notes: tuple[str, ...] = ()) -> Report:
    return Report("f", "def f(x):\n    return x + 1\n", ("f(x=1)",), None, (), options=Options(),
                  notes=notes, sources=sources)


def test_an_empty_report_with_no_source_says_to_pass_a_candidate():
    report = empty_report()
    for shown in (text.render(report), visible(html.render(report))):
        assert "No candidates were given and no source ran" in shown
        assert "pass --candidate NAME" in shown and "candidates=[...]" in shown


def test_an_empty_report_after_sources_ran_says_which_ran_and_that_none_found_one():
    report = empty_report(("rules", "numba"), notes=("rules: no rule applies to f",))
    plain = text.render(report)
    assert "No candidates: none of the sources rules, numba offered one (the notes say why)" in plain
    assert "note: rules: no rule applies to f" in plain
    assert "no source ran" not in plain and "were given" not in plain
    single = text.render(empty_report(("rules",)))
    assert "No candidates: the source rules offered none." in single  # no notes: no pointer to them
    assert "--candidate NAME" in single  # the way to try one's own rewrite


def test_the_interval_label_follows_the_confidence():
    report = replace(empty_report(), options=Options(confidence=0.9))
    assert "speedup [90% CI]" in text.render(report) and "speedup [90% CI]" in html.render(report)
    assert facts.ci_label(empty_report()) == "95% CI"
    assert facts.ci_label(replace(report, options=None)) == "95% CI"  # a hand-made report: the default


def test_marks_become_tags_in_html_and_vanish_in_text():
    sentence = (facts.Strong("Best:"), " a < b, ", facts.Code("x & y"), facts.Quiet(" (grey)"))
    assert facts.plain(sentence) == "Best: a < b, x & y (grey)"
    shown = html.inline(sentence)
    assert shown.startswith("<b>Best:</b> a &lt; b, <code>x &amp; y</code><span")
    assert visible(shown) == facts.plain(sentence)


@pytest.mark.slow
def test_text_html_and_viewer_share_headline_and_conclusion(equalize, seed_calls):
    from jupyter_optimize.notebook.viewer import ReportViewer

    report = optimize(equalize, seed_calls, candidates=[demo.VECTORIZED], time_budget=0.3)
    header = ReportViewer(report, {}).view.children[0].value
    for sentence in (facts.headline(report), facts.conclusion(report)):
        line = facts.plain(sentence)
        assert line in text.render(report) and line in visible(html.render(report)) and line in visible(header)


def test_the_html_report_shows_the_highlighted_diff():
    report = Report("f", "def f(x):\n    return x + 1\n", ("f(x=1)",), None,
                    (CandidateResult("g", "user", "def f(x):\n    return 1 + x\n", "not_faster", "no gain"),), options=None)
    page = html.render(report)
    assert "jupyter-optimize-diff-lines" in page and "var(--jp-mirror-editor-keyword-color" in page
    assert "- return x + 1" in visible(page).replace("    ", "") and "+ return 1 + x" in visible(page).replace("    ", "")


def test_evidence_says_what_the_verdict_stands_on():
    check = Check(True, 12, live_passed=2, generated_passed=9, lines_reached=(1, 2), lines_executable=(1, 2, 3, 4))
    result = CandidateResult("g", "user", None, "faster", "2x", check=check)
    items = facts.evidence_items(result, 0.99)
    assert items == ["Inputs passed: 2 live + 9 generated (12 runs in all)", "Lines of the original reached: 50%",
                     "the inputs never reached line(s) 3, 4 of the original"]
    assert facts.evidence_cell(result) == "2 live + 9 generated, 50% of lines"
    differed = replace(result, verdict="incorrect", check=replace(check, passed=False, live_passed=0, generated_passed=0))
    assert facts.evidence_cell(differed) == "0 live + 0 generated"  # not "100% of lines" beside nothing passed
    assert facts.format_bytes(512) == "512 B" and facts.format_bytes(3 * 1024 ** 3) == "3.0 GB"


def test_a_timing_doubt_two_benchmarks_share_is_printed_once():
    def result(name: str, own: str) -> CandidateResult:
        timing = Timing((1.0, 1.1), (0.5, 0.6), 1, 1, 2.0, (1.8, 2.2), 0.05,
                        ("only 3 rounds fit in the 3 s --time-budget", own))
        return CandidateResult(name, "user", None, "faster", "2.00x faster", timing=timing)

    report = replace(empty_report(), results=(result("a", "a: samples spread by 40%"),
                                              result("b", "b: samples spread by 60%")))
    lines = text.render(report).splitlines()
    assert lines.count("  timing: only 3 rounds fit in the 3 s --time-budget") == 1
    assert "  timing: a: samples spread by 40%" in lines and "  timing: b: samples spread by 60%" in lines

"""The viewer built from hand-made Reports, its buttons clicked as a user would.

The kernel is IPython's real InteractiveShell: Accept must change what the
next cell runs there, Reject must not.
"""
from __future__ import annotations

import html
import inspect
import re

import ipywidgets as widgets
import numpy as np
import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

from jupyter_optimize import demo
from jupyter_optimize.model import Candidate, CandidateResult, Check, Counterexample, LineProfile, LineStat, Report, Timing
from jupyter_optimize.notebook import viewer as widget
from jupyter_optimize.render import plots
from jupyter_optimize.render.diff import diff_html, highlighted_lines
from jupyter_optimize.verdict import incorrect_reason

pytestmark = pytest.mark.slow  # an IPython shell per test, and full runs

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


# -- a hand-made Report on the demo ---------------------------------------------


def timing(original_s: float, candidate_s: float, n: int = 20) -> Timing:
    spread = np.linspace(0.95, 1.15, n)
    speedup = original_s / candidate_s
    return Timing(tuple(original_s * spread), tuple(candidate_s * spread[::-1]), loops=8, original_loops=1,
                  speedup=speedup, ci=(speedup * 0.95, speedup * 1.05), min_gain=0.05)


def faster(name: str, source: str | None = None, func=None) -> CandidateResult:
    candidate = Candidate(name, "user", source=source, func=func)
    shown = source if source is not None else inspect.getsource(func)
    return CandidateResult(name, "user", shown, "faster", "8.00x faster (interval 7.60-8.40x)",
                           check=Check(True, 12), timing=timing(1.6e-3, 2e-4), candidate=candidate)


def incorrect(name: str, source: str) -> CandidateResult:
    counterexample = Counterexample("equalize(img=<uint8 array (128, 128)>, mask=<bool array, 0 True>)",
                                    "array([[255, ...]])", "array([[0, ...]])", "values differ at 16384 of 16384 positions",
                                    "generated", likeness="an edge beyond your data",
                                    edges=("mask selects nothing where yours select 38%",), suggestion="mask.any()")
    return CandidateResult(name, "user", source, "incorrect", incorrect_reason(counterexample),
                           check=Check(False, 2, counterexample), candidate=Candidate(name, "user", source=source))


def profile() -> LineProfile:
    lines = tuple(LineStat(i, line, hits=3 if i > 1 else 0, time_s=1e-4 * i, share=i / 136)
                  for i, line in enumerate(demo.ORIGINAL.splitlines(), 1))
    return LineProfile("equalize", "<cell>", lines, total_s=0.0136, rounds=3)


def report_of(*results: CandidateResult) -> Report:
    return Report("equalize", demo.ORIGINAL, ("equalize(img=..., mask=...)",), profile(), results, options=None)


@pytest.fixture
def ip():
    shell = InteractiveShell.instance()
    shell.reset(new_session=False)
    assert shell.run_cell("import numpy as np\n" + demo.ORIGINAL).success
    return shell


@pytest.fixture
def inputs():
    img = demo.photograph(64)
    return img, demo.circle_mask(img.shape)


def run(ip: InteractiveShell, cell: str):
    result = ip.run_cell(cell)
    assert result.success, result.error_in_exec
    return result.result


def visible(html_text: str) -> str:
    """What a browser shows of some HTML: tags dropped, entities decoded, one line per <div>."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text.replace("</div>", "</div>\n")))


def buttons(viewer: widget.ReportViewer) -> list[widgets.Button]:
    return [b for pane in viewer.panes.values() for b in (pane.accept_button, pane.reject_button) if b is not None]


# -- Accept --------------------------------------------------------------------


def test_accept_rebinds_the_function_so_the_next_cell_runs_the_candidate(ip, inputs):
    original = ip.user_ns["equalize"]
    report = report_of(faster("fast", demo.VECTORIZED), incorrect("wrong", demo.ARGMAX))
    viewer = widget.ReportViewer(report, ip.user_ns)
    assert run(ip, "equalize.__doc__").startswith("Histogram-equalize")  # nothing changed yet

    viewer.panes["fast"].accept_button.click()

    ip.push({"img": inputs[0], "mask": inputs[1]})
    assert run(ip, "equalize.__doc__").startswith("Both loops replaced by numpy")
    assert "flatnonzero" in run(ip, "import inspect; inspect.getsource(equalize)")
    assert (run(ip, "equalize(img, mask)") == original(*inputs)).all()
    assert report.accepted == "fast" and report.choices == {"fast": "accepted"}


def test_after_accept_every_button_is_disabled_and_the_widget_says_how_to_insert_the_code(ip):
    report = report_of(faster("fast", demo.VECTORIZED), faster("also_fast", demo.VECTORIZED))
    viewer = widget.ReportViewer(report, ip.user_ns)
    assert not any(b.disabled for b in buttons(viewer))

    viewer.panes["fast"].accept_button.click()

    assert all(b.disabled for b in buttons(viewer))
    assert "%optimize apply" in viewer.panes["fast"].status.value
    assert "accepted" in viewer.tabs.titles[0]


def test_accepting_a_function_candidate_binds_it_under_the_original_name(ip):
    fast = demo.define(demo.VECTORIZED)
    fast.__name__ = "equalize_fast"  # as if the user had written it under another name
    report = report_of(faster("equalize_fast", func=fast))
    widget.ReportViewer(report, ip.user_ns).panes["equalize_fast"].accept_button.click()
    assert ip.user_ns["equalize"] is fast
    assert "equalize_fast" not in ip.user_ns


def test_a_candidate_that_cannot_be_put_in_place_leaves_the_original_and_says_why(ip):
    original = ip.user_ns["equalize"]
    broken = faster("broken", "raise RuntimeError('no numpy here')\n" + demo.VECTORIZED)
    report = report_of(broken)
    viewer = widget.ReportViewer(report, ip.user_ns)

    viewer.panes["broken"].accept_button.click()

    assert ip.user_ns["equalize"] is original
    assert report.accepted is None
    assert "RuntimeError" in viewer.panes["broken"].status.value
    assert not any(b.disabled for b in buttons(viewer))  # the user can still choose


# -- Reject --------------------------------------------------------------------


def test_reject_leaves_the_original_in_place(ip):
    original = ip.user_ns["equalize"]
    report = report_of(faster("fast", demo.VECTORIZED), faster("other", demo.VECTORIZED))
    viewer = widget.ReportViewer(report, ip.user_ns)

    viewer.panes["fast"].reject_button.click()

    assert ip.user_ns["equalize"] is original
    assert run(ip, "equalize.__doc__").startswith("Histogram-equalize")
    assert report.choices == {"fast": "rejected"} and report.accepted is None
    assert viewer.panes["fast"].accept_button.disabled and viewer.panes["fast"].reject_button.disabled
    assert not viewer.panes["other"].accept_button.disabled  # the other candidate is still open
    assert "stays the original" in viewer.panes["fast"].status.value


def test_an_incorrect_candidate_has_no_accept_button_and_shows_its_counterexample():
    viewer = widget.ReportViewer(report_of(incorrect("wrong", demo.ARGMAX)), {})
    pane = viewer.panes["wrong"]
    assert pane.accept_button is None and pane.reject_button is None
    shown = " ".join(w.value for w in pane.box.children if isinstance(w, widgets.HTML))
    assert "Counterexample" in shown and "0 True" in shown and "incorrect" in shown
    text = html.unescape(re.sub(r"<[^>]+>", "", shown))
    assert text.index("on an edge beyond your data (mask selects nothing") < text.index("Counterexample")  # leads
    assert 'exclude them with --assume "mask.any()"' in text


# -- what is shown -------------------------------------------------------------


def test_best_candidate_comes_first_with_its_plot_and_diff():
    report = report_of(incorrect("wrong", demo.ARGMAX), faster("fast", demo.VECTORIZED))
    viewer = widget.ReportViewer(report, {})
    assert list(viewer.panes) == ["fast", "wrong"]
    assert viewer.tabs.titles[0] == "fast · 8.0x faster" and viewer.tabs.selected_index == 0
    children = viewer.panes["fast"].box.children
    (image,) = [w for w in children if isinstance(w, widgets.Image)]
    assert bytes(image.value).startswith(b"\x89PNG")
    (diff,) = [w for w in children if "jupyter-optimize-diff" in w._dom_classes]
    assert "- " + "    while first < 255" in visible(diff.value)
    assert "+ " + "    filled = np.flatnonzero(hist)" in visible(diff.value)
    assert "var(--jp-mirror-editor-keyword-color" in diff.value  # highlighting follows the theme


def test_the_output_carries_the_widget_and_html_and_text_for_saved_notebooks():
    report = report_of(faster("fast", demo.VECTORIZED), incorrect("wrong", demo.ARGMAX))
    bundle = widget.ReportViewer(report, {})._repr_mimebundle_()
    assert bundle[WIDGET_VIEW]["model_id"]
    for mime in ("text/plain", "text/html"):
        assert "fast" in bundle[mime] and "faster" in bundle[mime] and "incorrect" in bundle[mime]
    assert "flatnonzero" in bundle["text/html"]  # the diff too


def test_line_profile_and_evidence_are_folded_under_the_candidate():
    pane = widget.ReportViewer(report_of(faster("fast", demo.VECTORIZED)), {}).panes["fast"]
    (folded,) = [w for w in pane.box.children if isinstance(w, widgets.Accordion)]
    assert folded.titles == ("Line profile of equalize (original)", "Evidence")
    assert folded.selected_index is None
    assert "while first < 255" in visible(folded.children[0].value)
    assert "Inputs tried: 12" in folded.children[1].value


def test_diff_marks_removed_and_added_lines():
    rows = diff_html("def f(x):\n    a = 1\n    return x\n", "def f(x):\n    return x\n")
    assert rows.count("- </span>") == 1 and rows.count("+ </span>") == 0
    assert highlighted_lines("x = 1\n# two\n")[1].count("font-style:italic") == 1


def test_runtime_plot_has_a_log_time_axis_and_the_median_speedup():
    figure = plots.runtime_figure(faster("fast", demo.VECTORIZED), "equalize")
    (axes,) = figure.axes
    assert axes.get_xscale() == "log"
    assert [t.get_text() for t in axes.get_yticklabels()] == ["equalize (original)", "fast"]
    assert any("median 8.00x faster" == t.get_text() for t in axes.texts)
    assert plots.format_seconds(0.0042) == "4.2 ms" and plots.format_seconds(3.1e-7) == "310 ns"


def test_no_plot_without_timing():
    result = incorrect("wrong", demo.ARGMAX)
    assert not plots.has_timing(result)
    with pytest.raises(ValueError, match="no timing"):
        plots.runtime_figure(result)


# -- progress ------------------------------------------------------------------


def test_progress_shows_the_stage_and_how_long_it_has_run():
    now = [100.0]
    progress = widget.ProgressView("%%optimize equalize", clock=lambda: now[0])
    progress.update("Verifying fast (1/2)", 0.2)
    now[0] += 7
    progress.refresh()
    assert progress.bar.value == 0.2
    assert "Verifying fast (1/2) · 7 s" in progress.line.value
    assert progress._repr_mimebundle_()["text/plain"] == "%%optimize: Verifying fast (1/2)"
    progress.update("Verified 1/2: wrong, rejected: return value: 3 became <4>", 0.4)
    progress.update("Verified 2/2: fast, verified", 0.6)
    assert "Verifying fast (1/2), 2/2 done · 7 s" in progress.line.value  # the stage keeps its name and clock
    assert "wrong, rejected: return value: 3 became &lt;4&gt;" in progress.arrivals.value
    assert progress.arrivals.value.index("wrong,") < progress.arrivals.value.index("fast, verified")
    assert progress._repr_mimebundle_()["text/plain"].splitlines()[1:] == [
        "  wrong, rejected: return value: 3 became <4>", "  fast, verified"]
    progress.start()
    progress.close()
    assert not progress._ticker.is_alive()


# -- %optimize apply -----------------------------------------------------------


def test_optimize_apply_puts_the_accepted_code_into_the_next_cell(ip, capsys):
    ip.run_line_magic("load_ext", "jupyter_optimize")
    img = demo.photograph(64)
    ip.push({"img": img, "mask": demo.circle_mask(img.shape), "fast": demo.VECTORIZED})
    run(ip, "%%optimize equalize(img, mask) --candidate fast --time-budget 0.3 -o rep\n" + demo.ORIGINAL)
    with pytest.raises(UsageError, match="Nothing accepted yet"):
        ip.run_line_magic("optimize", "apply")

    rep = ip.user_ns["rep"]
    widget.ReportViewer(rep, ip.user_ns).panes["fast"].accept_button.click()
    ip.run_line_magic("optimize", "apply equalize")

    assert "flatnonzero" in ip.rl_next_input and ip.rl_next_input.startswith("# %optimize: fast accepted")
    assert "is in a new cell below" in capsys.readouterr().out
    ip.rl_next_input = None
    ip.run_line_magic("optimize", "apply rep")  # a variable holding the Report works too
    assert "flatnonzero" in ip.rl_next_input


def test_other_line_magic_uses_are_one_line_usage_errors(ip):
    ip.run_line_magic("load_ext", "jupyter_optimize")
    with pytest.raises(UsageError, match=r"the subcommand is `%optimize apply \[NAME\]`"):
        ip.run_line_magic("optimize", "apply a b")
    with pytest.raises(UsageError, match=r"^In equalize\(img\), the argument `img` raised NameError"):
        ip.run_line_magic("optimize", "equalize(img)")


def test_scaling_plot_appears_for_a_candidate_that_was_scaled():
    from jupyter_optimize import optimize
    from jupyter_optimize.notebook.viewer import evidence_widgets

    def pairwise(xs):
        total = 0.0
        for x in xs:
            for y in xs:
                total += abs(x - y)
        return total

    def fast(xs):
        a = np.asarray(xs, dtype=float)
        return float(np.abs(a[:, None] - a[None, :]).sum())

    report = optimize(pairwise, [(([float(i % 7) for i in range(120)],), {})], candidates=[fast],
                      scaling=True, quick=True)
    images = [w for w in evidence_widgets(report, report.results[0]) if isinstance(w, widgets.Image)]
    assert len(images) == 2 and all(i.value[:4] == b"\x89PNG" for i in images)  # runtime + scaling


def test_an_empty_report_shows_no_tabs_and_says_which_sources_found_nothing():
    report = Report("equalize", demo.ORIGINAL, ("equalize(img=..., mask=...)",), None, (), options=None,
                    notes=("rules: no rule applies",), sources=("rules",))
    viewer = widget.ReportViewer(report, {})
    assert viewer.tabs is None and viewer.panes == {}
    shown = " ".join(visible(w.value) for w in viewer.view.children)
    assert "the source rules offered none (the notes say why)" in shown
    assert "note: rules: no rule applies" in shown

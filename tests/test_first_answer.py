"""The first answer: with slow sources (numba) after the quick ones, the candidates so far are shown
verified and benchmarked while the slow ones are still verified; the final report is the full one."""
import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from jupyter_optimize import demo, optimize
from jupyter_optimize.notebook.viewer import ReportViewer

pytestmark = pytest.mark.slow  # full runs of the pipeline, a kernel

pytest.importorskip("numba")


@pytest.fixture(scope="module")
def answers():
    firsts = []
    final = optimize(demo.define(), demo.live_calls(64), sources=["rules", "numba"], quick=True,
                     first_answer=lambda report, pending: firsts.append((report, pending)))
    return firsts, final


def test_the_first_answer_has_the_quick_sources_candidates_and_the_final_keeps_them(answers):
    firsts, final = answers
    ((first, pending),) = firsts
    assert pending == "numba"
    assert first.results and all(r.origin == "rules" for r in first.results)
    assert any(r.verdict == "faster" for r in first.results)
    kept = final.results[:len(first.results)]
    assert [(r.name, r.verdict, r.timing) for r in kept] == [(r.name, r.verdict, r.timing) for r in first.results]
    assert [r.origin for r in final.results[len(first.results):]] == ["numba"]
    assert "numba" not in first.stage_seconds and "numba" in final.stage_seconds


def test_without_the_callback_the_candidates_and_their_order_are_the_same(answers):
    _, final = answers
    plain = optimize(demo.define(), demo.live_calls(64), sources=["rules", "numba"], quick=True)
    assert [r.name for r in plain.results] == [r.name for r in final.results]


def test_the_first_answer_offers_no_accept_and_says_what_is_still_coming(answers):
    firsts, final = answers
    first, pending = firsts[0]
    early = ReportViewer(first, {}, pending=pending)
    assert all(pane.accept_button is None for pane in early.panes.values())
    header = early.view.children[0].value
    assert "First answer:" in header and "numba" in header
    full = ReportViewer(final, {})
    assert any(pane.accept_button is not None for pane in full.panes.values())
    assert "First answer:" not in full.view.children[0].value


def test_in_a_kernel_the_full_report_takes_the_first_answers_place():
    nb = new_notebook(cells=[
        new_code_cell("%load_ext jupyter_optimize"),
        new_code_cell("import numpy as np\nfrom jupyter_optimize import demo\nimg = demo.photograph(64)\nmask = demo.circle_mask(img.shape)"),
        new_code_cell("%%optimize equalize(img, mask) --quick -o rep\n" + demo.ORIGINAL),
        new_code_cell("print(sorted({r.origin for r in rep.results}))"),
    ])
    NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    shown = [o for o in nb.cells[2].outputs if o["output_type"] == "display_data"]
    full, first = shown  # the progress bar's place holds the full report; the first answer's is emptied
    assert "application/vnd.jupyter.widget-view+json" in full["data"] and "numba" in full["data"]["text/plain"]
    assert first["data"] == {"text/plain": ""}
    printed = "".join(o.get("text", "") for o in nb.cells[3].outputs)
    assert "numba" in printed and "rules" in printed
    nbformat.validate(nb)

"""The seed story in a real notebook, executed in a real kernel by nbclient."""
import ast

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from jupyter_optimize import demo

pytestmark = pytest.mark.slow  # a kernel, a browser or many candidates: see pyproject.toml

SETUP = """\
import numpy as np
from jupyter_optimize import demo

img = demo.photograph()
mask = demo.circle_mask(img.shape)
empty = np.zeros_like(mask)
fast, wrong = demo.VECTORIZED, demo.ARGMAX
"""

MAGIC_LINE = "%%optimize equalize(img, mask); equalize(img, empty) --candidate fast --candidate wrong -o rep\n"

MISTAKE = "%%optimize --candiate fast\n" + demo.ORIGINAL


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nb = new_notebook(cells=[
        new_code_cell("%load_ext jupyter_optimize"),
        new_code_cell(SETUP),
        new_code_cell(MAGIC_LINE + demo.ORIGINAL),
        new_code_cell("print([r.verdict for r in rep.results])"),
        new_code_cell(MISTAKE, metadata={"tags": ["raises-exception"]}),
        new_code_cell("print('still alive', equalize(img, mask).dtype)"),
    ])
    replies = {}

    def keep_reply(cell, cell_index, execute_reply):
        replies[cell_index] = execute_reply["content"]

    workdir = tmp_path_factory.mktemp("notebook")
    client = NotebookClient(nb, timeout=120, kernel_name="python3", on_cell_executed=keep_reply,
                            resources={"metadata": {"path": str(workdir)}})
    client.execute()
    nbformat.validate(nb)
    return nb, replies


def stream_of(cell, name="stdout") -> str:
    return "".join(o["text"] for o in cell.outputs if o["output_type"] == "stream" and o["name"] == name)


def test_verdicts_printed_by_the_next_cell(executed):
    nb, replies = executed
    assert [replies[i]["status"] for i in range(4)] == ["ok"] * 4
    printed = stream_of(nb.cells[3]).strip()
    assert ast.literal_eval(printed) == ["faster", "incorrect"]


def test_the_report_shows_as_html_and_text(executed):
    cell = executed[0].cells[2]
    assert not [o for o in cell.outputs if o["output_type"] == "error"]
    shown = [o for o in cell.outputs if o["output_type"] in ("display_data", "execute_result")]
    assert len(shown) == 1  # the progress line was replaced by the report
    data = shown[0]["data"]
    assert {"text/plain", "text/html"} <= set(data)
    for mime in ("text/plain", "text/html"):
        assert "faster" in data[mime] and "incorrect" in data[mime]
        assert "fast" in data[mime] and "wrong" in data[mime]
    assert "<table" in data["text/html"]
    header = next(line for line in data["text/plain"].splitlines() if line.startswith("candidate"))
    assert "verdict" in header and "speedup" in header


def test_a_mistake_is_a_usage_error_and_the_kernel_goes_on(executed):
    # IPython shows a UsageError as one red line on stderr, not as a traceback
    # output; the kernel's reply marks the cell failed with ename UsageError
    # (that is what stops "Run All" and what nbclient raises on).
    nb, replies = executed
    reply = replies[4]
    assert reply["status"] == "error" and reply["ename"] == "UsageError"
    assert "Did you mean: --candidate" in reply["evalue"]
    errors = [o for o in nb.cells[4].outputs if o["output_type"] == "error"]
    assert all(o["ename"] == "UsageError" for o in errors)
    shown = stream_of(nb.cells[4], "stderr").strip().splitlines()
    assert shown == [f"UsageError: {reply['evalue']}"]
    assert "Traceback" not in str(nb.cells[4].outputs)
    assert replies[5]["status"] == "ok"
    assert "still alive uint8" in stream_of(nb.cells[5])

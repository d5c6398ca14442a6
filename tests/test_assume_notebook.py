"""--assume in a real kernel (nbclient): it reaches the verifier and the report, and its mistakes,
like a live call that raises, are one UsageError line with no traceback."""
from __future__ import annotations

import ast

import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

pytestmark = pytest.mark.slow  # a kernel

SETUP = """\
import numpy as np
x = np.random.default_rng(0).random(7)
fast = "import numpy as np\\ndef moving_average(x, w):\\n    return np.convolve(x, np.ones(w), 'valid') / w\\n"
"""

ORIGINAL = """\
def moving_average(x, w):
    out = []
    for i in range(len(x) - w + 1):
        s = 0.0
        for j in range(w):
            s += x[i + j]
        out.append(s / w)
    return np.array(out)
"""

OPTIONS = "--candidate fast --time-budget 0.3 --no-profile"
CELLS = {
    "bare": f"%%optimize moving_average(x, 3) {OPTIONS} -o bare\n" + ORIGINAL,
    "assumed": f'%%optimize moving_average(x, 3) {OPTIONS} --assume "w >= 1 and len(x) >= w" -o rep\n' + ORIGINAL,
    "verdicts": "print([bare.results[0].verdict, rep.results[0].verdict, rep.assumptions])",
    "typo": f'%%optimize moving_average(x, 3) {OPTIONS} --assume "len(xs) >= w"\n' + ORIGINAL,
    "raises": f"%%optimize moving_average(x, 3, 4) {OPTIONS}\n" + ORIGINAL,
    "outside": f'%%optimize moving_average(x[:2], 3) {OPTIONS} --assume "len(x) >= w"\n' + ORIGINAL,
}
MISTAKES = ("typo", "raises", "outside")


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    names = list(CELLS)
    cells = [new_code_cell("%load_ext jupyter_optimize"), new_code_cell(SETUP)]
    cells += [new_code_cell(CELLS[n], metadata={"tags": ["raises-exception"]} if n in MISTAKES else {})
              for n in names]
    nb = new_notebook(cells=cells)
    replies = {}

    def keep_reply(cell, cell_index, execute_reply):
        replies[cell_index] = execute_reply["content"]

    client = NotebookClient(nb, timeout=180, kernel_name="python3", on_cell_executed=keep_reply,
                            resources={"metadata": {"path": str(tmp_path_factory.mktemp("assume"))}})
    client.execute()
    return {n: (nb.cells[i + 2], replies[i + 2]) for i, n in enumerate(names)}


def _stream(cell, name="stdout") -> str:
    return "".join(o["text"] for o in cell.outputs if o["output_type"] == "stream" and o["name"] == name)


def test_assume_turns_an_out_of_domain_rejection_into_a_verified_rewrite(executed):
    cell, reply = executed["verdicts"]
    assert reply["status"] == "ok"
    bare, assumed, assumptions = ast.literal_eval(_stream(cell).strip())
    assert bare == "incorrect" and assumed in ("faster", "not_faster")
    assert assumptions == ("w >= 1 and len(x) >= w",)
    shown = next(o for o in executed["assumed"][0].outputs if o["output_type"] in ("display_data", "execute_result"))
    assert "Assumed: w >= 1 and len(x) >= w" in shown["data"]["text/plain"]
    assert "<b>Assumed:</b> <code>w &gt;= 1 and len(x) &gt;= w</code>" in shown["data"]["text/html"]


@pytest.mark.parametrize("name, expected", [
    ("typo", "names 'xs', which is neither a parameter of moving_average (x, w) nor a name its code can see."
             " Did you mean: x?"),
    ("raises", ", 3, 4) raises TypeError: moving_average() takes 2 positional arguments but 3 were given"),
    ("outside", "dtype=float64), w=3) is outside the assumption 'len(x) >= w': drop that call or widen the assumption."),
])
def test_mistakes_are_one_usage_error_line(executed, name, expected):
    cell, reply = executed[name]
    assert reply["status"] == "error" and reply["ename"] == "UsageError"
    assert expected in reply["evalue"]
    assert _stream(cell, "stderr").strip().splitlines() == [f"UsageError: {reply['evalue']}"]
    assert "Traceback" not in str(cell.outputs)

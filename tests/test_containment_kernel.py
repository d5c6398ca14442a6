"""In a real kernel (nbclient): a candidate that kills the kernel and one that
overwrites the user's file are contained; the kernel, its variables and the
file come through unchanged (issue 14)."""
from __future__ import annotations

import ast
import inspect

import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

import jupyter_optimize.verify.judge
from jupyter_optimize.sandbox import CAN_FORK

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not CAN_FORK, reason="a POSIX kernel (SIGKILL to the kernel)")]

JUDGED = "files_written" in inspect.getsource(jupyter_optimize.verify.judge)
NOTES = "the user's notes\n"

KILLER = '''\
def total(values):
    import os, signal
    try:
        os.kill(os.getppid(), signal.SIGKILL)
    except Exception:
        pass
    return sum(values)
'''
WRITER = '''\
def total(values):
    try:
        with open({path!r}, "w") as f:
            f.write("overwritten")
    except Exception:
        pass
    return sum(values)
'''
ORIGINAL = "def total(values):\n    return sum(values)\n"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("notebook")
    notes = workdir / "notes.txt"
    notes.write_text(NOTES)
    before = notes.stat().st_mtime_ns
    nb = new_notebook(cells=[
        new_code_cell("%load_ext jupyter_optimize"),
        new_code_cell("import os\ncounter = [1, 2, 3]\nkernel_pid = os.getpid()\n"
                      f"killer = {KILLER!r}\nwriter = {WRITER.format(path=str(notes))!r}\n"),
        new_code_cell("%%optimize total(counter) --candidate killer --candidate writer -o rep --time-budget 0.3\n"
                      + ORIGINAL),
        new_code_cell("print(repr((os.getpid() == kernel_pid, counter, [(r.verdict, r.reason) for r in rep.results])))"),
    ])
    replies = {}

    def keep_reply(cell, cell_index, execute_reply):
        replies[cell_index] = execute_reply["content"]

    client = NotebookClient(nb, timeout=180, kernel_name="python3", on_cell_executed=keep_reply,
                            resources={"metadata": {"path": str(workdir)}})
    client.execute()
    return nb, replies, notes, before


def test_the_kernel_and_its_variables_survive(executed):
    nb, replies, _notes, _before = executed
    assert [replies[i]["status"] for i in range(4)] == ["ok"] * 4
    printed = "".join(o["text"] for o in nb.cells[3].outputs if o["output_type"] == "stream")
    same_kernel, counter, _results = ast.literal_eval(printed.strip())
    assert same_kernel
    assert counter == [1, 2, 3]


def test_the_users_file_is_unchanged(executed):
    _nb, _replies, notes, before = executed
    assert notes.read_text() == NOTES
    assert notes.stat().st_mtime_ns == before
    assert sorted(p.name for p in notes.parent.iterdir()) == ["notes.txt"]


@pytest.mark.skipif(not JUDGED, reason="the verdict from a refusal comes with the judge's half of issue 14")
def test_both_candidates_fail_with_the_refused_action(executed):
    nb = executed[0]
    printed = "".join(o["text"] for o in nb.cells[3].outputs if o["output_type"] == "stream")
    results = ast.literal_eval(printed.strip())[2]
    (killer_verdict, killer_reason), (writer_verdict, writer_reason) = results
    assert killer_verdict == "failed" and "sending SIGKILL to process" in killer_reason
    assert writer_verdict == "failed" and f"writing {executed[2]}" in writer_reason

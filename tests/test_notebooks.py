"""Every tutorial notebook runs top to bottom in a real kernel, and says what it should."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

pytestmark = pytest.mark.slow  # a kernel, a browser or many candidates: see pyproject.toml

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def run(name: str, tmp_path: Path, env: dict | None = None) -> str:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    try:
        client.execute(env=env) if env else client.execute()
    except CellExecutionError as error:  # what the cells before it printed (a report, say) tells why
        raise AssertionError(f"{name}: {str(error)[-1500:]}\n--- printed before:\n" + "\n".join(_texts(nb))[-6000:]) from None
    return "\n".join(_texts(nb))


def _texts(nb) -> list[str]:
    out = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("name") == "stdout":
                out.append(output["text"])
            elif "data" in output and "text/plain" in output["data"]:
                out.append(output["data"]["text/plain"])
    return out


def test_stored_notebooks_have_clean_outputs():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name


def test_02_catches_every_wrong_rewrite(tmp_path):
    text = run("02-catching-wrong-optimizations.ipynb", tmp_path)
    for name in ("mean_no_guard", "brightness_fast", "rescale_fast", "first_filled_fast",
                 "sorted_scores_fast", "norms_fast"):
        assert f"{{'{name}': 'incorrect'}}" in text, name
    assert "mean_of(xs=[])" in text  # the empty list
    assert "the kernel's list is untouched: [3, 1, 2]" in text
    assert "dtype float64 became float32" in text


def test_04_reads_the_timing_evidence(tmp_path):
    text = run("04-reading-the-report.ipynb", tmp_path)
    lines = {line.split()[0]: line.split()[1] for line in text.splitlines()
             if line.startswith(("same ", "half ", "double ")) and "x  95% interval" in line}
    assert lines == {"same": "not_faster", "half": "faster", "double": "not_faster"}
    assert "pairwise_fast ~n^" in text and "original ~n^" in text


def test_01_finds_a_verified_speedup_offline_and_catches_argmax(tmp_path, monkeypatch):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)  # the story runs with no model
    text = run("01-histogram-equalization.ipynb", tmp_path)
    best = next(line for line in text.splitlines() if line.startswith("best:"))
    assert "| faster" in best and "origin: rules" in best
    assert float(best.split("faster ")[1].split("x")[0]) >= 3
    assert "eq_argmax incorrect" in text and "0 True>" in text  # a mask that selects no pixel
    assert "all 255" in text and "all 0>" in text
    straight = float(text.split("with a straight line: ")[1].split()[0])
    assert straight > 0.98  # the equalized cumulative distribution is close to linear
    assert "accepted: rules:" in text and "same picture as before: True" in text
    assert "is in a new cell below" in text


def test_03_runs_against_a_local_openai_compatible_server(tmp_path, monkeypatch):
    from openai_server import ScriptedServer, chat

    from jupyter_optimize import demo

    good = f"```python\n{demo.VECTORIZED}```\nBoth loops became NumPy calls."
    wrong = f"```python\n{demo.ARGMAX}```\nargmax(hist > 0) finds the first filled bin in one call."
    row = [int(v) for v in demo.photograph(128)[64, 40:44]]  # four neighbouring pixels of the face
    with ScriptedServer([chat(good), chat(wrong)]) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        text = run("03-using-a-language-model.ipynb", tmp_path)
        sent = server.everything_sent()
    verdicts = {line.split(":")[0]: line.split()[1] for line in text.splitlines()
                if line.startswith("llm-") and "  -- " in line}
    assert sorted(verdicts.values()) == ["faster", "incorrect"]
    assert "2 responses: 2 candidates" in text and "0 True>" in text
    assert "values within [90, 200]" in text  # what the model is told about the image
    assert "lut[level] = min(255" in sent  # the source went out ...
    assert not re.search(r"\D{1,6}".join(map(str, row)), sent)  # ... and the pixels did not


def test_05_optimizes_an_earlier_cells_function_a_method_and_a_module_function(tmp_path):
    text = run("05-optimizing-existing-code.ipynb", tmp_path)
    for name in ("unique_fast", "balance_fast", "vowels_fast"):
        assert f"{{'{name}': 'faster'}}" in text, name
    assert "n = 0" in text and "How many characters" not in text.split("{'vowels_fast'")[1].split("\n")[1]
    for where, name in (("unique_in_order", "unique_fast"), ("ledger.balance", "balance_fast"),
                        ("textstats.count_vowels", "vowels_fast")):
        assert f"accepted for {where}: {name}" in text
    assert "textstats.count_vowels now comes from: <jupyter_optimize candidate" in text
    assert "Ledger.balance now comes from: <jupyter_optimize candidate" in text
    assert "through the module: 2200 through the object:" in text
    assert "is in a new cell below" in text
    assert "textstats.py, lines 4-13." in text and "exec(_optimized, vars(textstats))" in text
    assert (tmp_path / "textstats.py").read_text().count("for ch in text") == 1  # the file is unchanged


def test_06_rewrites_pandas_loops_offline_and_catches_a_groupby_that_drops_the_missing_key(tmp_path, monkeypatch):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)  # offline sources only
    text = run("06-pandas-code.ipynb", tmp_path)
    best = next(line for line in text.splitlines() if line.startswith("best:"))
    assert "rules: frame-row-loop | faster" in best and "origin: rules" in best
    assert "{'rules: unique-groupby': 'faster'}" in text  # the phone orders (no shop) included
    assert "units_groupby incorrect" in text and "keys differ (missing [nan]" in text
    assert "accepted: rules: frame-row-loop" in text and "same revenue as before: True" in text
    assert "is in a new cell below" in text

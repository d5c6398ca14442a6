"""Every tutorial notebook runs top to bottom in a real kernel, and says what it should."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def run(name: str, tmp_path: Path, env: dict | None = None) -> str:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute(env=env) if env else client.execute()
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

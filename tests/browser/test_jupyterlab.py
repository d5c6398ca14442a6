"""The seed story in a real JupyterLab, in a real browser, as a user clicks through it.

Open a notebook, run `%%optimize` on the demo, watch the progress bar, see
the viewer with its runtime plot and diff, click Accept, run a cell that calls
the function (the vectorized code runs), run `%optimize apply` (the code
arrives as a new cell), save, and look at the saved file. Screenshots in the
light and the dark theme go to tests/browser/screenshots/.
"""
from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from playwright.sync_api import Locator, Page, expect

from jupyter_optimize import demo

pytestmark = pytest.mark.slow  # a kernel, a browser or many candidates: see pyproject.toml

NOTEBOOK = "optimize.ipynb"
SETUP = """\
%load_ext jupyter_optimize
import numpy as np
from jupyter_optimize import demo

img = demo.photograph()
mask = demo.circle_mask(img.shape)
empty = np.zeros_like(mask)
fast, wrong = demo.VECTORIZED, demo.ARGMAX"""
OPTIMIZE = ("%%optimize equalize(img, mask); equalize(img, empty) --candidate fast --candidate wrong "
            "--time-budget 1 --examples 1000 --verify-budget 2 -o report\n" + demo.ORIGINAL.rstrip())  # long enough to see the clock tick
CALL = """\
out = equalize(img, mask)
print("equalize runs:", equalize.__doc__.split(":")[0])
print("from:", equalize.__code__.co_filename)
print("accepted:", report.accepted)"""
APPLY = "%optimize apply"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def write_notebook(root: Path) -> Path:
    nb = new_notebook(cells=[new_code_cell(SETUP), new_code_cell(OPTIMIZE), new_code_cell(CALL), new_code_cell(APPLY)],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    path = root / NOTEBOOK
    nbformat.write(nb, path)
    return path


# -- what a user does ------------------------------------------------------------


def open_notebook(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator(".jp-Notebook .jp-Cell").first).to_be_visible()
    wait_for_kernel(page)
    command(page, "application:toggle-left-area")  # more room for the output
    expect(page.locator("#jp-left-stack")).to_be_hidden()


def wait_for_kernel(page: Page) -> None:
    """Until the notebook's kernel has started and is idle (cells run before that are dropped)."""
    page.evaluate("() => window.jupyterapp.shell.currentWidget.context.sessionContext.ready")
    # "Python 3 | Idle" or "Python 3 (ipykernel) | Idle", as the installed kernel spec names it
    expect(page.locator(".jp-StatusBar-Widget").get_by_text(re.compile(r"^Python 3.* \| Idle$"))).to_be_visible()


def command(page: Page, name: str, args: dict | None = None) -> None:
    """A JupyterLab command, as from the menus or the command palette."""
    page.evaluate("([name, args]) => window.jupyterapp.commands.execute(name, args)", [name, args or {}])


def cell(page: Page, index: int) -> Locator:
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


def run_cell(page: Page, index: int) -> Locator:
    """Select cell *index*, press Shift+Enter and wait until its prompt shows a number."""
    target = start_cell(page, index)
    wait_until_done(target)
    return target


def start_cell(page: Page, index: int) -> Locator:
    """Select cell *index* and press Shift+Enter; return once it is queued or running."""
    target = cell(page, index)
    target.locator(".jp-InputPrompt").click()
    expect(target).to_have_class(re.compile(r"\bjp-mod-selected\b"))
    page.keyboard.press("Shift+Enter")
    expect(target.locator(".jp-InputPrompt")).not_to_have_text("[ ]:", timeout=15_000)
    return target


def wait_until_done(target: Locator) -> None:
    expect(target.locator(".jp-InputPrompt")).to_have_text(re.compile(r"\[\d+\]:"), timeout=180_000)


def set_theme(page: Page, theme: str, light: bool) -> None:
    command(page, "apputils:change-theme", {"theme": theme})
    expect(page.locator(f"body[data-jp-theme-light='{str(light).lower()}']")).to_be_attached()
    expect(page.locator(f"body[data-jp-theme-name='{theme}']")).to_be_attached()


def to_top(target: Locator) -> None:
    """Scroll the notebook so *target* starts at the top (screenshots show what is in view)."""
    target.evaluate("element => element.scrollIntoView({block: 'start'})")


def shoot(target: Page | Locator, folder: Path, name: str) -> Path:
    path = folder / name
    target.screenshot(path=str(path))
    return path


def saved_notebook(path: Path, must_contain: str) -> dict:
    """The notebook file once the save has reached the disk."""
    deadline = time.monotonic() + 30
    text = path.read_text()
    while must_contain not in text and time.monotonic() < deadline:
        time.sleep(0.2)
        text = path.read_text()
    return json.loads(text)


def exported_html(path: Path) -> str:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_filename(str(path))
    return body


# -- the story -------------------------------------------------------------------


def visible_text(page_html: str) -> str:
    """What a reader of the exported page sees: the text without tags (the diff is highlighted token by token)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page_html))


def test_optimize_accept_and_apply_in_jupyterlab(lab, page: Page, screenshots: Path):
    path = write_notebook(lab.root)
    open_notebook(page, lab.notebook_url(NOTEBOOK))
    run_cell(page, 0)

    optimize_cell = start_cell(page, 1)
    progress = optimize_cell.locator(".jupyter-optimize-progress")
    expect(progress.locator("[role='progressbar'], .progress-bar, .widget-progress").first).to_be_visible()
    expect(progress).to_contain_text(re.compile(r"(Profiling|Collecting|Verifying|Benchmarking).* s"))
    shoot(optimize_cell, screenshots, "1-progress-light.png")
    expect(progress).to_contain_text(re.compile(r"\([1-9]\d* s in all\)"))  # the clock ticks while it works
    wait_until_done(optimize_cell)

    viewer = optimize_cell.locator(".jupyter-optimize")
    expect(viewer).to_be_visible()
    expect(progress).to_have_count(0)  # the progress view made way for the result
    expect(viewer.get_by_text(re.compile(r"fast · [\d.]+x faster"))).to_be_visible()
    expect(viewer.get_by_text("wrong · incorrect")).to_be_visible()
    pane = viewer.locator(".jupyter-optimize-candidate:visible")  # the selected tab: the best candidate
    plot = pane.locator(".jupyter-optimize-plot")
    expect(plot).to_be_visible()
    assert plot.evaluate("img => img.complete && img.naturalWidth > 0")
    diff = pane.locator(".jupyter-optimize-diff")
    expect(diff).to_contain_text("- " + "    while first < 255 and hist[first] == 0:")
    expect(diff).to_contain_text("+ " + "    filled = np.flatnonzero(hist)")
    accept = pane.get_by_role("button", name="Accept")
    reject = pane.get_by_role("button", name="Reject")
    expect(accept).to_be_enabled()
    to_top(optimize_cell)
    shoot(optimize_cell, screenshots, "2-viewer-light.png")

    accept.click()
    expect(accept).to_be_disabled()
    expect(reject).to_be_disabled()
    expect(viewer).to_contain_text("Accepted fast")
    expect(viewer).to_contain_text("%optimize apply")
    expect(viewer.get_by_text(re.compile(r"fast · [\d.]+x faster · accepted"))).to_be_visible()
    shoot(optimize_cell, screenshots, "3-accepted-light.png")

    call_cell = run_cell(page, 2)
    output = call_cell.locator(".jp-OutputArea-output")
    expect(output).to_contain_text("equalize runs: Both loops replaced by numpy")
    expect(output).to_contain_text("from: <jupyter_optimize candidate")
    expect(output).to_contain_text("accepted: fast")

    apply_cell = run_cell(page, 3)
    expect(apply_cell.locator(".jp-OutputArea-output")).to_contain_text("is in a new cell below")
    new_cell = cell(page, 4)
    expect(new_cell.locator(".jp-InputArea-editor")).to_contain_text("# %optimize: fast accepted for equalize")
    expect(new_cell.locator(".jp-InputArea-editor")).to_contain_text("filled = np.flatnonzero(hist)")
    to_top(call_cell)
    shoot(page.locator(".jp-NotebookPanel"), screenshots, "4-applied-light.png")

    command(page, "docmanager:save")
    saved = saved_notebook(path, "filled = np.flatnonzero(hist)")
    sources = ["".join(c["source"]) for c in saved["cells"]]
    assert any(s.startswith("# %optimize: fast accepted") and "np.flatnonzero" in s for s in sources)
    (shown,) = [o for o in saved["cells"][1]["outputs"] if o["output_type"] == "display_data"]
    assert {WIDGET_VIEW, "text/html", "text/plain"} <= set(shown["data"])
    assert "flatnonzero" in "".join(shown["data"]["text/html"])  # the diff survives without the widget
    exported = visible_text(exported_html(path))  # nbconvert has no widget state: it falls back to text/html
    assert "incorrect" in exported and "np.flatnonzero" in exported and "Counterexample" in exported

    set_theme(page, "JupyterLab Dark", light=False)
    pane.get_by_text("Line profile of equalize (original)").click()
    expect(pane.get_by_text("while first < 255 and hist[first] == 0:").last).to_be_visible()
    to_top(optimize_cell)
    shoot(optimize_cell, screenshots, "5-viewer-dark.png")
    viewer.get_by_role("tab", name="wrong · incorrect").click()
    expect(viewer).to_contain_text("Counterexample")
    to_top(optimize_cell)
    shoot(optimize_cell, screenshots, "6-incorrect-dark.png")

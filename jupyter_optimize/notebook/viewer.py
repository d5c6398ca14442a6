"""The interactive viewer of a Report, and the progress view while one is made.

The only module that imports ipywidgets. A `ReportViewer` shows the verdict
table, one tab per candidate (runtime plot, highlighted diff, line profile,
evidence, counterexample) and Accept/Reject buttons on verified candidates.
Its mimebundle carries the widget view *and* the Report's text/html and
text/plain, so a saved notebook, nbconvert, GitHub or a restarted VS Code
still show the verdicts and the diff.

The kernel is touched in one place only: `ReportViewer.accept` hands the
chosen candidate and a namespace dict to `apply.bind_candidate`. Tests pass
an InteractiveShell's ``user_ns`` and call ``button.click()``.
"""
from __future__ import annotations

import difflib
import threading
import time
from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as widgets
from pygments.lexers import PythonLexer
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String

from ..model import CandidateResult, Report
from ..render import html as report_html
from ..render import plots
from ..render.text import ranked
from . import apply

APPLY_COMMAND = "%optimize apply"
ACCEPTED, REJECTED = "accepted", "rejected"
TEXT = "line-height:1.45;color:var(--jp-content-font-color1, inherit);font-size:var(--jp-content-font-size1, 13px)"
CODE_FONT = "font-family:var(--jp-code-font-family, monospace);font-size:var(--jp-code-font-size, 13px);line-height:1.4"
CODE_BG = "var(--jp-cell-editor-background, rgba(127,127,127,0.08))"
ADDED_BG = "rgba(46,160,67,0.22)"
REMOVED_BG = "rgba(248,81,73,0.22)"
# Tabs as wide as their titles (ipywidgets fixes them at 144px), only inside the viewer.
STYLE = "<style>.jupyter-optimize { --jp-widgets-horizontal-tab-width: auto; }</style>"


# -- the viewer ----------------------------------------------------------------


class ReportViewer:
    """A Report as widgets; Accept rebinds the function in *namespace*."""

    def __init__(self, report: Report, namespace: dict | None = None):
        self.report = report
        self.namespace = namespace if namespace is not None else kernel_namespace()
        ordered = ranked(report.results)
        self.panes = {result.name: CandidatePane(report, result, self) for result in ordered}
        self.tabs = _tabs(list(self.panes.values()))
        self.view = widgets.VBox([html_box(STYLE + _header(report)), *_optional(self.tabs), *_notes(report)])
        self.view.add_class("jupyter-optimize")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        """The widget view next to the Report's own text/html and text/plain."""
        bundle = dict(self.view._repr_mimebundle_() or {})
        bundle.update(self.report._repr_mimebundle_())
        return bundle

    def accept(self, name: str) -> None:
        """Put candidate *name* in place of the function, in the kernel, now."""
        pane = self.panes[name]
        try:
            apply.bind_candidate(self.report[name], self.report.function, self.namespace)
        except apply.NotApplicable as problem:
            pane.say(f"Could not accept {escape(name)}: {escape(str(problem))}", error=True)
            return
        self.report.record_choice(name, ACCEPTED)
        for other in self.panes.values():
            other.disable()
        self._retitle(name, ACCEPTED)
        pane.say(accepted_message(self.report.function, name))

    def reject(self, name: str) -> None:
        """Keep the original; this candidate's buttons are done."""
        self.report.record_choice(name, REJECTED)
        self.panes[name].disable()
        self._retitle(name, REJECTED)
        self.panes[name].say(f"Rejected {escape(name)}: <code>{escape(self.report.function)}</code> stays the original.")

    def _retitle(self, name: str, choice: str) -> None:
        if self.tabs is not None:
            index = list(self.panes).index(name)
            titles = list(self.tabs.titles)
            titles[index] = f"{tab_title(self.report[name])} · {choice}"
            self.tabs.titles = tuple(titles)

    def close(self) -> None:
        close_all(self.view)


def view(report: Report, namespace: dict | None = None) -> ReportViewer:
    """The viewer for a Report made with `optimize()`: ``display(view(report))``."""
    return ReportViewer(report, namespace)


def kernel_namespace() -> dict:
    """The running kernel's user namespace (where Accept rebinds the function)."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise RuntimeError("No IPython kernel is running: pass namespace=globals() (or a dict) to the viewer.")
    return shell.user_ns


def accepted_message(function: str, name: str) -> str:
    return (f"<b>Accepted {escape(name)}</b>: <code>{escape(function)}</code> now runs its code in this kernel. "
            f"To keep the code in the notebook, run <code>{APPLY_COMMAND}</code> in a cell: "
            f"it inserts the code as a new cell below that one.")


# -- one candidate -------------------------------------------------------------


class CandidatePane:
    """Everything about one candidate, with its Accept/Reject buttons when it was verified."""

    def __init__(self, report: Report, result: CandidateResult, viewer: ReportViewer):
        self.result = result
        self.status = html_box("")
        self.accept_button: widgets.Button | None = None
        self.reject_button: widgets.Button | None = None
        parts: list[widgets.Widget] = [html_box(candidate_header(result))]
        if result.verdict in apply.APPLICABLE:
            parts.append(self._buttons(report, viewer))
        parts += evidence_widgets(report, result)
        self.box = widgets.VBox(parts)
        self.box.add_class("jupyter-optimize-candidate")

    def _buttons(self, report: Report, viewer: ReportViewer) -> widgets.Widget:
        name = self.result.name
        self.accept_button = widgets.Button(description="Accept", button_style="success", icon="check",
                                            tooltip=f"Use {name} as {report.function} in this kernel")
        self.reject_button = widgets.Button(description="Reject", icon="times", tooltip="Keep the original")
        self.accept_button.on_click(lambda _button: viewer.accept(name))
        self.reject_button.on_click(lambda _button: viewer.reject(name))
        self.say(f"Accept puts {escape(name)} in place of <code>{escape(report.function)}</code> in this kernel; "
                 f"<code>{APPLY_COMMAND}</code> then inserts its code as a new cell.", quiet=True)
        return widgets.HBox([self.accept_button, self.reject_button, self.status],
                            layout=widgets.Layout(align_items="center"))

    def disable(self) -> None:
        for button in (self.accept_button, self.reject_button):
            if button is not None:
                button.disabled = True

    def say(self, message: str, error: bool = False, quiet: bool = False) -> None:
        colour = "var(--jp-error-color1, #d32f2f)" if error else (
            "var(--jp-content-font-color2, #666)" if quiet else "var(--jp-content-font-color1, inherit)")
        self.status.value = f'<div style="{TEXT};color:{colour};padding-left:8px">{message}</div>'


def evidence_widgets(report: Report, result: CandidateResult) -> list[widgets.Widget]:
    """Counterexample, runtime plot, diff, then the details folded away."""
    parts: list[widgets.Widget] = []
    if result.counterexample is not None:
        parts.append(html_box(counterexample_html(result)))
    if plots.has_timing(result):
        parts.append(runtime_image(result, report.function))
    if report.scaling is not None and any(c.name == result.name for c in report.scaling.candidates):
        parts.append(_png_image(plots.scaling_png(report.scaling, dpi=150), "480px"))
    if report.original_source and result.source:
        parts.append(html_box(diff_html(report.original_source, result.source), "jupyter-optimize-diff"))
    details = detail_sections(report, result)
    if details:
        folded = widgets.Accordion(children=[html_box(body) for _, body in details],
                                   titles=tuple(title for title, _ in details), selected_index=None)
        parts.append(folded)
    return parts


def _png_image(png: bytes, width: str) -> widgets.Image:
    image = widgets.Image(value=png, format="png", layout=widgets.Layout(width=width, max_width="100%"))
    image.add_class("jupyter-optimize-plot")
    return image


def runtime_image(result: CandidateResult, function: str) -> widgets.Image:
    image = widgets.Image(value=plots.runtime_png(result, function, dpi=150), format="png",
                          layout=widgets.Layout(width="640px", max_width="100%"))
    image.add_class("jupyter-optimize-plot")
    return image


def detail_sections(report: Report, result: CandidateResult) -> list[tuple[str, str]]:
    sections = []
    if report.profile is not None and report.profile.lines:
        sections.append((f"Line profile of {report.function} (original)",
                         _div(report_html.profile_table(report.profile), CODE_FONT)))
    evidence = evidence_html(result)
    if evidence:
        sections.append(("Evidence", evidence))
    return sections


def evidence_html(result: CandidateResult) -> str:
    items = []
    check = result.check
    if check is not None:
        items.append(f"Inputs tried: {check.inputs_tried}" + _split_by_origin(check))
        coverage = getattr(check, "coverage", None)
        if coverage is not None:
            missed = ", ".join(map(str, getattr(check, "lines_missed", ())))
            items.append(f"Lines of the original reached: {100 * coverage:.0f}%" + (f" (not reached: {missed})" if missed else ""))
        items += [escape(note) for note in check.notes]
    if result.timing is not None:
        t = result.timing
        items.append(f"Timing: {len(t.original)} paired rounds; {t.original_loops} pass(es) of the original and "
                     f"{t.loops} of the candidate per sample; faster needs the interval above {1 + t.min_gain:.2f}x")
        items += [escape(warning) for warning in t.warnings]
    return _div("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>") if items else ""


def _split_by_origin(check: Any) -> str:
    live, generated = getattr(check, "live_passed", 0), getattr(check, "generated_passed", 0)
    return f" ({live} live, {generated} generated passed)" if live or generated else ""


def counterexample_html(result: CandidateResult) -> str:
    return _div(f"<b>Counterexample</b>: an input on which it behaves differently"
                f"<pre style='{CODE_FONT};background:{CODE_BG};padding:6px;white-space:pre-wrap'>"
                f"{escape(repr(result.counterexample))}</pre>")


def candidate_header(result: CandidateResult) -> str:
    parts = [f"{report_html.badge(result.verdict)} <code>{escape(result.name)}</code> "
             f"<span style='color:var(--jp-content-font-color2, #666)'>from {escape(result.origin)}</span>: "
             f"{escape(result.reason)}"]
    if result.explanation:
        parts.append(f"<br><i>{escape(result.explanation)}</i>")
    return _div("".join(parts))


def tab_title(result: CandidateResult) -> str:
    if result.verdict == "faster" and result.speedup:
        return f"{result.name} · {result.speedup:.1f}x faster"
    return f"{result.name} · {result.verdict.replace('_', ' ')}"


def _tabs(panes: list[CandidatePane]) -> widgets.Tab | None:
    if not panes:
        return None
    return widgets.Tab(children=[pane.box for pane in panes], titles=tuple(tab_title(p.result) for p in panes),
                       selected_index=0)


def _optional(widget: widgets.Widget | None) -> list[widgets.Widget]:
    return [] if widget is None else [widget]


def _header(report: Report) -> str:
    best = report.best
    verdict = (f"<b>Best:</b> {escape(best.name)}, {escape(best.reason)}." if best
               else "No candidate is both correct and faster; keep the original." if report.results
               else "No candidates were given: pass <code>--candidate NAME</code>.")
    return _div(f"<b>%%optimize {escape(report.function)}</b>: {len(report.results)} candidate(s) on "
                f"{len(report.calls)} live call(s)<br>{report_html.verdict_table(report)}<p>{verdict}</p>")


def _notes(report: Report) -> list[widgets.Widget]:
    return [html_box(_div(f"<i>note:</i> {escape(note)}")) for note in report.notes]


# -- the diff ------------------------------------------------------------------

# pygments token -> (JupyterLab CSS variable, fallback colour): follows the theme.
TOKEN_COLOURS: dict[Any, tuple[str, str]] = {
    Comment: ("--jp-mirror-editor-comment-color", "#408080"),
    String: ("--jp-mirror-editor-string-color", "#ba2121"),
    Number: ("--jp-mirror-editor-number-color", "#080"),
    Keyword: ("--jp-mirror-editor-keyword-color", "green"),
    Operator.Word: ("--jp-mirror-editor-keyword-color", "green"),
    Operator: ("--jp-mirror-editor-operator-color", "#7800c2"),
    Name.Builtin: ("--jp-mirror-editor-builtin-color", "green"),
    Name.Function: ("--jp-mirror-editor-def-color", "#00f"),
    Name.Class: ("--jp-mirror-editor-def-color", "#00f"),
    Name.Decorator: ("--jp-mirror-editor-meta-color", "#a2f"),
    Punctuation: ("--jp-mirror-editor-punctuation-color", "#05a"),
    Name: ("--jp-mirror-editor-variable-color", "#212121"),
}


def highlighted_lines(source: str) -> list[str]:
    """Each line of *source* as HTML, coloured by token with the theme's variables."""
    lines: list[list[tuple[str, str]]] = [[]]
    for token, text in PythonLexer().get_tokens(source):
        style = token_style(token)
        for i, piece in enumerate(text.split("\n")):
            if i:
                lines.append([])
            if piece:
                lines[-1].append((style, piece))
    return [_spans(pieces) for pieces in lines[: len(source.splitlines())]]


def token_style(token: Any) -> str:
    """The inline CSS for a pygments token type ('' for plain text)."""
    while token not in TOKEN_COLOURS and token.parent is not None:
        token = token.parent
    if token not in TOKEN_COLOURS:
        return ""
    variable, fallback = TOKEN_COLOURS[token]
    return f"color:var({variable}, {fallback})" + (";font-style:italic" if token is Comment else "")


def _spans(pieces: list[tuple[str, str]]) -> str:
    """One <span> per run of pieces with the same style."""
    out: list[str] = []
    for style, text in _merge_runs(pieces):
        out.append(f'<span style="{style}">{escape(text)}</span>' if style else escape(text))
    return "".join(out)


def _merge_runs(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    merged: list[tuple[str, str]] = []
    for style, text in pieces:
        if merged and merged[-1][0] == style:
            merged[-1] = (style, merged[-1][1] + text)
        else:
            merged.append((style, text))
    return merged


def diff_html(before: str, after: str, context: int = 3) -> str:
    """A unified diff, whole lines highlighted, long unchanged runs folded."""
    old, new = before.splitlines(), after.splitlines()
    old_html, new_html = highlighted_lines(before), highlighted_lines(after)
    rows = ["<div style='color:var(--jp-content-font-color2, #666)'>--- original<br>+++ candidate</div>"]
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            rows += _unchanged(old_html[i1:i2], context, first=i1 == 0, last=i2 == len(old))
            continue
        rows += [_diff_row("-", line, REMOVED_BG) for line in old_html[i1:i2]]
        rows += [_diff_row("+", line, ADDED_BG) for line in new_html[j1:j2]]
    return (f"<div class='jupyter-optimize-diff-lines' style='{CODE_FONT};background:{CODE_BG};padding:6px 0;"
            f"overflow-x:auto;color:var(--jp-content-font-color1, inherit)'>" + "".join(rows) + "</div>")


def _unchanged(lines: list[str], context: int, first: bool, last: bool) -> list[str]:
    keep_head = 0 if first else context
    keep_tail = 0 if last else context
    if len(lines) <= keep_head + keep_tail + 1:
        return [_diff_row(" ", line, "transparent") for line in lines]
    folded = len(lines) - keep_head - keep_tail
    note = _diff_row(" ", f"<span style='color:var(--jp-content-font-color3, #999)'>⋯ {folded} unchanged line(s)</span>",
                     "transparent")
    return ([_diff_row(" ", line, "transparent") for line in lines[:keep_head]] + [note]
            + [_diff_row(" ", line, "transparent") for line in lines[len(lines) - keep_tail:]])


def _diff_row(sign: str, line_html: str, background: str) -> str:
    return (f"<div style='background:{background};white-space:pre;padding:0 8px'>"
            f"<span style='user-select:none;opacity:0.6'>{sign} </span>{line_html}</div>")


# -- progress ------------------------------------------------------------------


class ProgressView:
    """A progress bar and a stage line, refreshed at least twice a second while a run is under way."""

    def __init__(self, title: str, tick_seconds: float = 0.5, clock: Callable[[], float] = time.monotonic):
        self.bar = widgets.FloatProgress(value=0.0, min=0.0, max=1.0, bar_style="info",
                                         layout=widgets.Layout(width="240px"))
        self.line = widgets.HTML(_div("Starting"))
        self.view = widgets.VBox([widgets.HTML(_div(f"<b>{escape(title)}</b>")), widgets.HBox([self.bar, self.line])])
        self.view.add_class("jupyter-optimize-progress")
        self._clock, self._tick_seconds = clock, tick_seconds
        self._started = self._stage_started = clock()
        self._message = "Starting"
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._ticker: threading.Thread | None = None

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        bundle = dict(self.view._repr_mimebundle_() or {})
        bundle["text/plain"] = f"%%optimize: {self._message}"
        return bundle

    @property
    def message(self) -> str:
        return self._message

    def update(self, message: str, fraction: float) -> None:
        """The pipeline's progress callback."""
        with self._lock:
            if message != self._message:
                self._message, self._stage_started = message, self._clock()
            self.bar.value = min(max(fraction, 0.0), 1.0)
        self.refresh()

    def refresh(self) -> None:
        with self._lock:
            now = self._clock()
            self.line.value = _div(f"{escape(self._message)} · {now - self._stage_started:.0f} s "
                                   f"<span style='color:var(--jp-content-font-color2, #666)'>"
                                   f"({now - self._started:.0f} s in all)</span>", "padding-left:8px")

    def start(self) -> None:
        """Refresh the elapsed time from a thread, so long stages still show news."""
        self._ticker = threading.Thread(target=self._tick, name="jupyter-optimize-progress", daemon=True)
        self._ticker.start()

    def _tick(self) -> None:
        while not self._stopped.wait(self._tick_seconds):
            self.refresh()

    def stop(self) -> None:
        self._stopped.set()
        if self._ticker is not None:
            self._ticker.join()

    def close(self) -> None:
        self.stop()
        close_all(self.view)


# -- small helpers -------------------------------------------------------------


def html_box(content: str, css_class: str | None = None) -> widgets.HTML:
    box = widgets.HTML(content)
    if css_class:
        box.add_class(css_class)
    return box


def _div(content: str, extra_style: str = "") -> str:
    """Content with normal line height (the HTML widget sets a one-line height)."""
    return f'<div style="{TEXT};{extra_style}">{content}</div>'


def close_all(widget: widgets.Widget) -> None:
    """Close a widget and every widget inside it (frees their models in the front end)."""
    for child in getattr(widget, "children", ()):
        close_all(child)
    widget.close()

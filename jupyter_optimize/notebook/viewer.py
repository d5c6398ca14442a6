"""The interactive viewer of a Report: widgets only, their content from `render`.

A `ReportViewer` shows the verdict table, one tab per candidate (runtime
plot, highlighted diff, line profile, evidence, counterexample) and
Accept/Reject buttons on verified candidates. Its mimebundle carries the
widget view *and* the Report's text/html and text/plain, so a saved notebook,
nbconvert, GitHub or a restarted VS Code still show the verdicts and the diff.
Every word and HTML fragment comes from `render.facts` and `render.html`.

The kernel is touched in one place only: `ReportViewer.accept` hands the
chosen candidate and a namespace dict to `apply.bind_candidate`. Tests pass
an InteractiveShell's ``user_ns`` and call ``button.click()``.

`ProgressView` lives in `progress.py` and is importable from here too.
"""
from __future__ import annotations

import os
from typing import Any

import ipywidgets as widgets

from ..model import CandidateResult, Report
from ..render import facts, plots
from ..render import html as report_html
from ..render.diff import diff_html
from . import apply
from .progress import ProgressView, close_all, html_box

__all__ = ["ACCEPTED", "REJECTED", "CandidatePane", "ProgressView", "ReportViewer", "evidence_widgets", "view"]

ACCEPTED, REJECTED = "accepted", "rejected"


class ReportViewer:
    """A Report as widgets; Accept rebinds the function in *namespace*."""

    def __init__(self, report: Report, namespace: dict | None = None, pending: str = ""):
        """*pending*: the sources whose candidates are still being verified (a first answer: no Accept yet)."""
        self.report, self.pending = report, pending
        self.namespace = namespace if namespace is not None else kernel_namespace()
        self.panes = {result.name: CandidatePane(report, result, self) for result in facts.ranked(report.results)}
        self.tabs = _tabs(list(self.panes.values()))
        header = html_box(report_html.VIEWER_STYLE + report_html.block(report_html.summary(report))
                          + (report_html.block(report_html.inline(facts.first_answer(pending))) if pending else ""))
        notes = [html_box(report_html.block(report_html.inline(facts.note(note)))) for note in report.notes]
        self.view = widgets.VBox([header, *([] if self.tabs is None else [self.tabs]), *notes])
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
            apply.bind_candidate(self.report[name], self.report.function, self.namespace, self.report.home)
        except apply.NotApplicable as problem:
            pane.say(facts.not_accepted(name, str(problem)), error=True)
            return
        self.report.record_choice(name, ACCEPTED)
        for other in self.panes.values():
            other.disable()
        self._retitle(name, ACCEPTED)
        pane.say(facts.accepted(_subject(self.report), name) + _file_unchanged(self.report))

    def reject(self, name: str) -> None:
        """Keep the original; this candidate's buttons are done."""
        self.report.record_choice(name, REJECTED)
        self.panes[name].disable()
        self._retitle(name, REJECTED)
        self.panes[name].say(facts.rejected(_subject(self.report), name))

    def _retitle(self, name: str, choice: str) -> None:
        if self.tabs is not None:
            titles = list(self.tabs.titles)
            titles[list(self.panes).index(name)] = facts.tab_title(self.report[name], choice)
            self.tabs.titles = tuple(titles)

    def close(self) -> None:
        close_all(self.view)


def view(report: Report, namespace: dict | None = None) -> ReportViewer:
    """The viewer for a Report made with `optimize()`: ``display(view(report))``."""
    return ReportViewer(report, namespace)


def kernel_namespace() -> dict:
    """The running kernel's user namespace (where Accept rebinds the function)."""
    from IPython import get_ipython  # type: ignore[attr-defined]  # IPython exports it without __all__

    shell = get_ipython()
    if shell is None:
        raise RuntimeError("No IPython kernel is running: pass namespace=globals() (or a dict) to the viewer.")
    return shell.user_ns


class CandidatePane:
    """Everything about one candidate, with its Accept/Reject buttons when it was verified."""

    def __init__(self, report: Report, result: CandidateResult, viewer: ReportViewer):
        self.result = result
        self.status = html_box("")
        self.accept_button: widgets.Button | None = None
        self.reject_button: widgets.Button | None = None
        parts: list[widgets.Widget] = [html_box(report_html.candidate_header(result))]
        if offered(report, result) and not viewer.pending:  # a first answer offers no Accept: more may come
            parts.append(self._buttons(report, viewer))
        elif result.verdict in apply.APPLICABLE and report.home is not None and not report.home.rebindable:
            self.say((apply.closure_reason(report.home),), quiet=True)
            parts.append(self.status)
        parts += evidence_widgets(report, result)
        self.box = widgets.VBox(parts)
        self.box.add_class("jupyter-optimize-candidate")

    def _buttons(self, report: Report, viewer: ReportViewer) -> widgets.Widget:
        name = self.result.name
        self.accept_button = widgets.Button(description="Accept", button_style="success", icon="check",
                                            tooltip=f"Use {name} as {_subject(report)} in this kernel")
        self.reject_button = widgets.Button(description="Reject", icon="times", tooltip="Keep the original")
        self.accept_button.on_click(lambda _button: viewer.accept(name))
        self.reject_button.on_click(lambda _button: viewer.reject(name))
        self.say(facts.accept_hint(_subject(report), name), quiet=True)
        return widgets.HBox([self.accept_button, self.reject_button, self.status],
                            layout=widgets.Layout(align_items="center"))

    def disable(self) -> None:
        for button in (self.accept_button, self.reject_button):
            if button is not None:
                button.disabled = True

    def say(self, message: facts.Sentence, error: bool = False, quiet: bool = False) -> None:
        self.status.value = report_html.status(message, error=error, quiet=quiet)


def offered(report: Report, result: CandidateResult) -> bool:
    """Accept is offered for a verified candidate that is not slower than the original, where it can be rebound."""
    if result.verdict not in apply.APPLICABLE or (result.speedup is not None and result.speedup < 1.0):
        return False
    return report.home is None or report.home.rebindable


def _file_unchanged(report: Report) -> tuple[str, ...]:
    home = report.home
    if home is None or not home.file or home.lines is None:
        return ()
    return (f" {os.path.basename(home.file)} itself is unchanged (the original is its lines "
            f"{home.lines[0]}-{home.lines[1]}).",)


def _subject(report: Report) -> str:
    """What Accept changes, as the user named it: `geo.cube`, `stats.variance`, or the function's name."""
    return report.home.expression if report.home is not None else report.function


def evidence_widgets(report: Report, result: CandidateResult) -> list[widgets.Widget]:
    """Counterexample, runtime plot, scaling plot, diff, then the details folded away."""
    parts: list[widgets.Widget] = []
    if result.counterexample is not None:
        parts.append(html_box(report_html.block(report_html.counterexample(result))))
    if plots.has_timing(result):
        parts.append(_png_image(plots.runtime_png(result, report.function, dpi=150), "640px"))
    if report.scaling is not None and any(c.name == result.name for c in report.scaling.candidates):
        parts.append(_png_image(plots.scaling_png(report.scaling, dpi=150), "480px"))
    if report.original_source and result.source:
        parts.append(html_box(diff_html(report.original_source, result.source), "jupyter-optimize-diff"))
    details = _detail_sections(report, result)
    if details:
        parts.append(widgets.Accordion(children=[html_box(body) for _, body in details],
                                       titles=tuple(title for title, _ in details), selected_index=None))
    return parts


def _detail_sections(report: Report, result: CandidateResult) -> list[tuple[str, str]]:
    """(title, HTML) of the folded sections: the original's line profile, the evidence."""
    sections = []
    if report.profile is not None and report.profile.lines:
        sections.append((facts.profile_title(report.function), report_html.block(report_html.profile_table(report.profile))))
    evidence = report_html.evidence_list(result, facts.confidence(report))
    if evidence:
        sections.append(("Evidence", report_html.block(evidence)))
    return sections


def _png_image(png: bytes, width: str) -> widgets.Image:
    image = widgets.Image(value=png, format="png", layout=widgets.Layout(width=width, max_width="100%"))
    image.add_class("jupyter-optimize-plot")
    return image


def _tabs(panes: list[CandidatePane]) -> widgets.Tab | None:
    if not panes:
        return None
    return widgets.Tab(children=[pane.box for pane in panes], titles=tuple(facts.tab_title(p.result) for p in panes),
                       selected_index=0)

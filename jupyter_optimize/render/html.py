"""Report -> HTML: the whole report (text/html next to any widget, nbconvert,
the demo's file) and the fragments the notebook viewer puts into its widgets.

The words come from `facts`; this module only lays them out. Colours and
fonts come from `theme`, the diff from `diff`.
"""
from __future__ import annotations

import base64
from html import escape

from ..model import VERDICTS, CandidateResult, LineProfile, Report
from . import facts
from .diff import diff_html
from .facts import Code, Quiet, Sentence, Strong
from .theme import BADGE, BORDER, CODE_BG, CODE_FONT, ERROR_FG, FG, QUIET_FG, TEXT

# Tabs as wide as their titles (ipywidgets fixes them at 144px), only inside the viewer.
VIEWER_STYLE = "<style>.jupyter-optimize { --jp-widgets-horizontal-tab-width: auto; }</style>"
CELL = f'style="border-bottom:1px solid {BORDER};padding:2px 8px;text-align:left"'


def render(report: Report, plots: bool = False) -> str:
    """The report as HTML; with *plots*, the runtime and scaling figures are
    embedded as PNG images (for a standalone file: they cost ~30 KB each)."""
    parts = [f'<div class="jupyter-optimize-report" style="color:{FG};font-size:13px">', summary(report)]
    parts += [paragraph(facts.note(note)) for note in report.notes]
    ranked = facts.ranked(report.results)
    faster = [r for r in ranked if r.verdict == "faster"]
    rest = [r for r in ranked if r.verdict != "faster"]
    for i, result in enumerate(faster if faster else rest):
        parts.append(candidate_details(report, result, plots, expanded=plots and i == 0))
    if faster and rest:  # the faster ones first; the others folded together under one line
        counts = ", ".join(f"{n} {verdict.replace('_', ' ')}" for verdict in VERDICTS
                           if (n := sum(r.verdict == verdict for r in rest)))
        inner = "".join(candidate_details(report, result, plots, expanded=False) for result in rest)
        parts.append(f"<details><summary>{len(rest)} other candidate(s): {escape(counts)}</summary>{inner}</details>")
    parts += _scaling(report, plots)
    if report.profile and report.profile.lines:
        parts.append(f"<details><summary>{escape(facts.profile_title(report.function))}</summary>"
                     f"{profile_table(report.profile)}</details>")
    taken = facts.time_taken(report)
    if taken:
        parts.append(paragraph(taken))
    return "\n".join(parts) + "</div>"


def summary(report: Report) -> str:
    """Headline, the assumptions in force, verdict table and conclusion: what the viewer shows above its tabs."""
    assumed = facts.assumptions(report)
    return (paragraph(facts.headline(report)) + (paragraph(assumed) if assumed else "") + verdict_table(report)
            + paragraph(facts.conclusion(report)))


def inline(sentence: Sentence) -> str:
    """A sentence as HTML: text escaped, marks as tags."""
    return "".join(_piece(piece) for piece in sentence)


def _piece(piece: facts.Piece) -> str:
    if isinstance(piece, Code):
        return f"<code>{escape(piece.text)}</code>"
    if isinstance(piece, Strong):
        return f"<b>{escape(piece.text)}</b>"
    if isinstance(piece, Quiet):
        return f"<span style='color:{QUIET_FG}'>{escape(piece.text)}</span>"
    return escape(piece)


def paragraph(sentence: Sentence) -> str:
    return f"<p>{inline(sentence)}</p>"


def block(content: str, extra_style: str = "") -> str:
    """Content with normal line height (an ipywidgets HTML box sets a one-line height)."""
    return f'<div style="{TEXT};{extra_style}">{content}</div>'


def status(sentence: Sentence, error: bool = False, quiet: bool = False) -> str:
    """A message next to the viewer's buttons."""
    colour = ERROR_FG if error else QUIET_FG if quiet else FG
    return block(inline(sentence), f"color:{colour};padding-left:8px")


def badge(verdict: str) -> str:
    return (f'<span style="background:{BADGE[verdict]};color:white;border-radius:3px;'
            f'padding:1px 6px;font-family:monospace">{verdict}</span>')


def verdict_table(report: Report) -> str:
    head = "".join(f"<th {CELL}>{escape(title)}</th>" for title in facts.table_header(report))
    rows = "".join(_table_row(row) for row in facts.table_rows(report))
    return f'<table style="border-collapse:collapse">{head}{rows}</table>'


def _table_row(row: facts.Row) -> str:
    name, _, verdict, *rest = row.cells()
    cells = [f"<code>{escape(name)}</code>", escape(row.origin), badge(verdict), *map(escape, rest)]
    return "<tr>" + "".join(f"<td {CELL}>{cell}</td>" for cell in cells) + "</tr>"


def candidate_details(report: Report, result: CandidateResult, plots: bool = False, expanded: bool = False) -> str:
    """One candidate folded under its badge: plot, explanation, counterexample, evidence, diff."""
    body = [_img(_runtime_png(report, result))] if plots and result.timing is not None and result.timing.original else []
    if result.explanation:
        body.append(f"<p><i>{escape(result.explanation)}</i></p>")
    body.append(counterexample(result))
    body.append(evidence_list(result, facts.confidence(report)))
    if report.original_source and result.source:
        body.append(diff_html(report.original_source, result.source))
    tag = "<details open>" if expanded else "<details>"
    return f"{tag}<summary>{badge(result.verdict)} <code>{escape(result.name)}</code></summary>{''.join(body)}</details>"


def candidate_header(result: CandidateResult) -> str:
    """The verdict badge, the candidate's name, origin and reason, and its explanation."""
    explanation = f"<br><i>{escape(result.explanation)}</i>" if result.explanation else ""
    return block(f"{badge(result.verdict)} {inline(facts.candidate_line(result))}{explanation}")


def counterexample(result: CandidateResult) -> str:
    """'NAME is incorrect:' over the counterexample ('' for a candidate without one)."""
    if result.counterexample is None:
        return ""
    lines = "\n".join(facts.counterexample_lines(result.counterexample))
    kind = facts.likeness(result.counterexample)
    return (f"<div><b>{escape(facts.counterexample_heading(result))}</b>{paragraph(kind) if kind else ''}"
            f"<pre style='{CODE_FONT};background:{CODE_BG};padding:6px;white-space:pre-wrap'>{escape(lines)}</pre></div>")


def evidence_list(result: CandidateResult, confidence: float) -> str:
    items = facts.evidence_items(result, confidence)
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>" if items else ""


def profile_table(profile: LineProfile) -> str:
    cell = 'style="padding:0 6px;text-align:right"'
    rows = []
    for row in facts.profile_rows(profile):
        shade = f"rgba(255,140,0,{0.15 + 0.6 * row.weight:.2f})" if row.hot else "transparent"
        timed = "".join(f"<td {cell}>{value}</td>" for value in (row.hits, row.time_ms, row.share))
        rows.append(f'<tr style="background:{shade}"><td {cell}>{row.lineno}</td>{timed}'
                    f'<td style="text-align:left;white-space:pre;{CODE_FONT}">{escape(row.source)}</td></tr>')
    *numbers, source = facts.PROFILE_COLUMNS
    head = "".join(f"<th {cell}>{title}</th>" for title in numbers) + f"<th>{source}</th>"
    caption = f"<caption style='text-align:left;color:{QUIET_FG}'>{escape(facts.profile_summary(profile))}</caption>"
    return f"<table style='border-collapse:collapse'>{caption}{head}{''.join(rows)}</table>"


def _scaling(report: Report, plots: bool) -> list[str]:
    sentence = facts.scaling(report)
    if sentence is None or report.scaling is None:
        return []
    parts = [paragraph(sentence)]
    if plots:
        from . import plots as figures  # matplotlib only for a standalone file

        parts.append(_img(figures.scaling_png(report.scaling)))
    return parts


def _runtime_png(report: Report, result: CandidateResult) -> bytes:
    from . import plots as figures  # matplotlib only for a standalone file

    return figures.runtime_png(result, report.function)


def _img(png: bytes) -> str:
    return f'<img alt="plot" src="data:image/png;base64,{base64.b64encode(png).decode()}" style="max-width:100%">'

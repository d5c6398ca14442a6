"""Report -> HTML (text/html next to any widget, nbconvert, the demo's file).

Colours come from JupyterLab's CSS variables with fallbacks, so the table
reads in light and dark themes and outside Jupyter.
"""
from __future__ import annotations

import base64
import difflib
from html import escape

from ..model import CandidateResult, LineProfile, Report
from .text import evidence_cell, memory_cell, ranked, speedup_cell

BADGE = {
    "faster": "#1a7f37", "not_faster": "#6e7781", "incorrect": "#cf222e",
    "failed": "#9a6700", "unverifiable": "#8250df",
}
FG = "var(--jp-content-font-color1, inherit)"
BORDER = "var(--jp-border-color2, #ccc)"
CODE_BG = "var(--jp-layout-color2, rgba(127,127,127,0.08))"


def render(report: Report, plots: bool = False) -> str:
    """The report as HTML; with *plots*, the runtime and scaling figures are
    embedded as PNG images (for a standalone file: they cost ~30 KB each)."""
    parts = [f'<div class="jupyter-optimize-report" style="color:{FG};font-size:13px">',
             f"<p><b>%%optimize {escape(report.function)}</b>: {len(report.results)} candidate(s) "
             f"on {len(report.calls)} live call(s)</p>",
             verdict_table(report)]
    parts += [f"<p><i>note:</i> {escape(note)}</p>" for note in report.notes]
    best = report.best
    if not report.results:
        parts.append("<p>No candidates were given: pass <code>--candidate NAME</code> (a function or a string of code).</p>")
    else:
        parts.append(f"<p><b>Best:</b> {escape(best.name)}, {escape(best.reason)}.</p>" if best
                     else "<p>No candidate is both correct and faster; keep the original.</p>")
    for i, result in enumerate(ranked(report.results)):
        parts.append(candidate_details(report, result, plots, expanded=plots and i == 0))
    if report.scaling is not None:
        parts.append(f"<p><b>Scaling with input size:</b> {escape(report.scaling.summary())}</p>")
        if plots:
            from . import plots as figures

            parts.append(_img(figures.scaling_png(report.scaling)))
    if report.profile and report.profile.lines:
        parts.append(f"<details><summary>Line profile of {escape(report.function)}</summary>{profile_table(report.profile)}</details>")
    return "\n".join(parts) + "</div>"


def badge(verdict: str) -> str:
    return (f'<span style="background:{BADGE[verdict]};color:white;border-radius:3px;'
            f'padding:1px 6px;font-family:monospace">{verdict}</span>')


def verdict_table(report: Report) -> str:
    cell = f'style="border-bottom:1px solid {BORDER};padding:2px 8px;text-align:left"'
    head = "".join(f"<th {cell}>{h}</th>" for h in ("candidate", "origin", "verdict", "speedup [95% CI]",
                                                     "peak memory", "inputs passed", "reason"))
    rows = [
        f"<tr><td {cell}><code>{escape(r.name)}</code></td><td {cell}>{escape(r.origin)}</td>"
        f"<td {cell}>{badge(r.verdict)}</td><td {cell}>{escape(speedup_cell(r))}</td>"
        f"<td {cell}>{escape(memory_cell(r, report.original_peak_memory))}</td><td {cell}>{escape(evidence_cell(r))}</td><td {cell}>{escape(r.reason)}</td></tr>"
        for r in ranked(report.results)
    ]
    return f'<table style="border-collapse:collapse">{head}{"".join(rows)}</table>'


def _img(png: bytes) -> str:
    return f'<img alt="plot" src="data:image/png;base64,{base64.b64encode(png).decode()}" style="max-width:100%">'


def candidate_details(report: Report, result: CandidateResult, plots: bool = False, expanded: bool = False) -> str:
    body = []
    if plots and result.timing is not None and result.timing.original:
        from . import plots as figures

        body.append(_img(figures.runtime_png(result, report.function)))
    if result.explanation:
        body.append(f"<p>{escape(result.explanation)}</p>")
    if result.counterexample is not None:
        body.append(f"<p><b>Counterexample</b></p><pre style='background:{CODE_BG};padding:4px'>{escape(repr(result.counterexample))}</pre>")
    if result.check is not None:
        check = result.check
        missed = f"; lines never reached: {', '.join(map(str, check.lines_missed))}" if check.lines_missed else ""
        body.append(f"<p>Inputs tried: {check.inputs_tried} ({escape(evidence_cell(result))}){missed}</p>")
        body += [f"<p><i>note:</i> {escape(note)}</p>" for note in check.notes]
    if result.timing and result.timing.warnings:
        body += [f"<p><i>timing:</i> {escape(w)}</p>" for w in result.timing.warnings]
    if report.original_source and result.source:
        body.append(diff_html(report.original_source, result.source))
    tag = "<details open>" if expanded else "<details>"
    return f"{tag}<summary>{badge(result.verdict)} <code>{escape(result.name)}</code></summary>{''.join(body)}</details>"


def diff_html(before: str, after: str) -> str:
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), "original", "candidate", lineterm="")
    styled = []
    for line in lines:
        colour = {"+": "rgba(46,160,67,0.25)", "-": "rgba(248,81,73,0.25)", "@": "rgba(84,174,255,0.2)"}.get(line[:1])
        style = f' style="background:{colour}"' if colour and not line.startswith(("+++", "---")) else ""
        styled.append(f"<span{style}>{escape(line)}</span>")
    return f"<pre style='background:{CODE_BG};padding:4px'>" + "\n".join(styled) + "</pre>"


def profile_table(profile: LineProfile) -> str:
    hot = {line.lineno for line in profile.hottest(3)}
    cell = 'style="padding:0 6px;text-align:right"'
    rows = []
    for line in profile.lines:
        shade = f"rgba(255,140,0,{0.15 + 0.6 * line.share:.2f})" if line.lineno in hot else "transparent"
        timed = (f"<td {cell}>{line.hits}</td><td {cell}>{line.time_s * 1e3:.3f}</td><td {cell}>{100 * line.share:.1f}%</td>"
                 if line.hits else f"<td {cell}></td>" * 3)
        rows.append(f'<tr style="background:{shade}"><td {cell}>{line.lineno}</td>{timed}'
                    f'<td style="text-align:left;white-space:pre;font-family:monospace">{escape(line.source)}</td></tr>')
    head = "".join(f"<th {cell}>{h}</th>" for h in ("line", "hits", "ms", "share")) + "<th>source</th>"
    return f"<table style='border-collapse:collapse'>{head}{''.join(rows)}</table>"

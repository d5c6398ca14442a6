"""Report -> plain text (terminal IPython, text/plain, the demo).

The words come from `facts`; this module only lays them out in columns.
"""
from __future__ import annotations

from ..model import LineProfile, Report
from . import facts

TABLE_RULE_MAX = 110  # the rule under the table header stops here


def render(report: Report) -> str:
    parts = [facts.plain(facts.headline(report))]
    assumed = facts.assumptions(report)
    if assumed:
        parts.append(facts.plain(assumed))
    parts.append(verdict_table(report))
    parts += [f"  {facts.plain(facts.note(note))}" for note in report.notes]
    for result in facts.ranked(report.results):
        if result.counterexample is not None:
            parts.append(f"\n{facts.counterexample_heading(result)}")
            parts += facts.counterexample_lines(result.counterexample)
        parts += [f"  {result.name}: {note}" for note in facts.candidate_notes(result)]
    parts.append("\n" + facts.plain(facts.conclusion(report)))
    scaling = facts.scaling(report)
    if scaling:
        parts.append("\n" + facts.plain(scaling))
    warnings = (warning for result in facts.ranked(report.results) for warning in facts.timing_warnings(result))
    parts += [f"  {warning}" for warning in dict.fromkeys(warnings)]  # a doubt two benchmarks share, once
    if report.profile and report.profile.lines:
        parts.append("\n" + profile_table(report.profile))
    taken = facts.time_taken(report)
    if taken:
        parts.append("\n" + facts.plain(taken))
    return "\n".join(parts)


def verdict_table(report: Report) -> str:
    """Columns padded to their widest cell; the reason, last, is not padded."""
    rows = [facts.table_header(report), *(row.cells() for row in facts.table_rows(report))]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1] for row in rows]
    lines.insert(1, "-" * min(len(lines[0]) + 20, TABLE_RULE_MAX))
    return "\n".join(lines)


def profile_table(profile: LineProfile) -> str:
    """The original's lines with hits, time and share; >> marks the hottest."""
    head = f"{facts.profile_title(profile.function)}: {facts.profile_summary(profile)}; >> marks the hottest lines"
    line, hits, ms, share, source = facts.PROFILE_COLUMNS
    rows = [head, f"{'':2} {line:>5} {hits:>9} {ms:>10} {share:>6}  {source}"]
    for row in facts.profile_rows(profile):
        flag = ">>" if row.hot else "  "
        rows.append(f"{flag} {row.lineno:>5} {row.hits:>9} {row.time_ms:>10} {row.share:>6}  {row.source}")
    if profile.note:
        rows.append(facts.plain(facts.note(profile.note)))
    return "\n".join(rows)

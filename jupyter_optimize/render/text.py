"""Report -> plain text (terminal IPython, text/plain, the demo)."""
from __future__ import annotations

from ..model import CandidateResult, LineProfile, Report

VERDICT_ORDER = {"faster": 0, "not_faster": 1, "incorrect": 2, "unverifiable": 3, "failed": 4}


def ranked(results: tuple[CandidateResult, ...]) -> list[CandidateResult]:
    """Best first: faster ones by speedup, then the rest by verdict."""
    return sorted(results, key=lambda r: (VERDICT_ORDER[r.verdict], -(r.speedup or 0.0)))


def speedup_cell(result: CandidateResult) -> str:
    if result.timing is None:
        return "-"
    low, high = result.timing.ci
    return f"{result.timing.speedup:.2f}x [{low:.2f}, {high:.2f}]"


def evidence_cell(result: CandidateResult) -> str:
    """'2 live + 181 generated, 100% of lines' — what the verdict stands on."""
    check = result.check
    if check is None:
        return "-"
    cover = f", {100 * check.coverage:.0f}% of lines" if check.coverage is not None else ""
    return f"{check.live_passed} live + {check.generated_passed} generated{cover}"


def memory_cell(result: CandidateResult, original: int | None) -> str:
    if result.peak_memory is None or original is None:
        return "-"
    return f"{format_bytes(result.peak_memory)} vs {format_bytes(original)}"


def format_bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def render(report: Report) -> str:
    parts = [f"%%optimize {report.function}: {len(report.results)} candidate(s) on {len(report.calls)} live call(s)"]
    parts.append(verdict_table(report))
    parts += [f"  note: {note}" for note in report.notes]
    for result in ranked(report.results):
        if result.counterexample is not None:
            parts.append(f"\n{result.name} is incorrect:\n{result.counterexample!r}")
        if result.check and result.check.notes:
            parts += [f"  {result.name}: {note}" for note in result.check.notes]
        if result.check and result.check.lines_missed:
            missed = ", ".join(map(str, result.check.lines_missed))
            parts.append(f"  {result.name}: the inputs never reached line(s) {missed} of the original")
    if not report.results:
        parts.append("\nNo candidates were given: pass --candidate NAME (a function or a string of code).")
    elif report.best:
        parts.append(f"\nBest: {report.best.name}, {report.best.reason}.")
    else:
        parts.append("\nNo candidate is both correct and faster; keep the original.")
    if report.scaling is not None:
        parts.append(f"\nScaling with input size: {report.scaling.summary()}")
    for result in ranked(report.results):
        if result.timing and result.timing.warnings:
            parts += [f"  timing: {warning}" for warning in result.timing.warnings]
    if report.profile and report.profile.lines:
        parts.append("\n" + profile_table(report.profile))
    if report.stage_seconds:
        stages = ", ".join(f"{k} {v:.2f}s" for k, v in report.stage_seconds.items())
        parts.append(f"\nTime taken: {stages}")
    return "\n".join(parts)


def verdict_table(report: Report) -> str:
    rows = [("candidate", "origin", "verdict", "speedup [95% CI]", "peak memory", "inputs passed", "reason")]
    rows += [(r.name, r.origin, r.verdict, speedup_cell(r), memory_cell(r, report.original_peak_memory),
              evidence_cell(r), r.reason) for r in ranked(report.results)]
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row[:6], widths)) + "  " + row[6] for row in rows]
    lines.insert(1, "-" * min(len(lines[0]) + 20, 110))
    return "\n".join(lines)


def profile_table(profile: LineProfile, mark: int = 3) -> str:
    hot = {line.lineno for line in profile.hottest(mark)}
    head = f"Line profile of {profile.function} ({profile.total_s * 1e3:.2f} ms over {profile.rounds} round(s)); >> marks the hottest lines"
    rows = [head, f"{'':2} {'line':>5} {'hits':>9} {'time':>10} {'share':>6}  source"]
    for line in profile.lines:
        flag = ">>" if line.lineno in hot else "  "
        timed = f"{line.hits:>9} {_ms(line.time_s):>10} {100 * line.share:>5.1f}%" if line.hits else f"{'':>9} {'':>10} {'':>6}"
        rows.append(f"{flag} {line.lineno:>5} {timed}  {line.source}")
    if profile.note:
        rows.append(f"note: {profile.note}")
    return "\n".join(rows)


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3f} ms"

"""Every sentence and table cell of a report, said once, as plain data.

The text report, the HTML report and the notebook viewer all take their words
from here and only lay them out. A sentence is a tuple of pieces: plain
strings, plus `Code`, `Strong` and `Quiet` marks that the HTML renderer turns
into <code>, <b> and a grey span and the text renderer drops (`plain`).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..model import LIKE, CandidateResult, Check, Counterexample, LineProfile, Report, Timing
from ..options import Options


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Quiet:
    """Secondary words, shown grey in HTML."""

    text: str


Piece = str | Code | Strong | Quiet
Sentence = tuple[Piece, ...]

VERDICT_ORDER = {"faster": 0, "not_faster": 1, "incorrect": 2, "unverifiable": 3, "failed": 4}
APPLY_COMMAND = "%optimize apply"


def plain(sentence: Sentence) -> str:
    """The sentence as text, marks dropped."""
    return "".join(piece if isinstance(piece, str) else piece.text for piece in sentence)


def ranked(results: Sequence[CandidateResult]) -> list[CandidateResult]:
    """Best first: faster ones by speedup, then the rest by verdict."""
    return sorted(results, key=lambda r: (VERDICT_ORDER[r.verdict], -(r.speedup or 0.0)))


# -- the report as a whole -------------------------------------------------------


def confidence(report: Report) -> float:
    """The confidence of the speedup intervals (a hand-made Report may carry no options)."""
    options = report.options if isinstance(report.options, Options) else Options()
    return options.confidence


def ci_label(report: Report) -> str:
    """'95% CI' for the default confidence of 0.95."""
    return f"{100 * confidence(report):g}% CI"


def headline(report: Report) -> Sentence:
    title = f"%optimize {report.home.expression}" if report.home is not None else f"%%optimize {report.function}"
    return (Strong(f"{title}:"),
            f" {len(report.results)} candidate(s) on {len(report.calls)} live call(s)")


def assumptions(report: Report) -> Sentence | None:
    """'Assumed (--assume): `w >= 1`, `len(x) >= w`; ...': the domain the verdicts hold on, or None."""
    if not report.assumptions:
        return None
    pieces: list[Piece] = [Strong("Assumed:"), " "]
    for i, text in enumerate(report.assumptions):
        pieces += [*([" and "] if i else []), Code(text)]
    pieces.append("; generated inputs outside this domain were discarded, so the verdicts hold inside it.")
    return tuple(pieces)


def conclusion(report: Report) -> Sentence:
    """The last word on the report: the best candidate, or why there is none."""
    best = report.best
    if best is not None:
        return Strong("Best:"), f" {best.name}, {best.reason}."
    if report.results:
        return ("No candidate is both correct and faster; keep the original.",)
    return no_candidates(report)


def no_candidates(report: Report) -> Sentence:
    """An empty report: either nothing was asked for, or the sources that ran found nothing."""
    if not report.sources:
        return ("No candidates were given and no source ran: pass ", Code("--candidate NAME"),
                " (a function or a string of code), or ", Code("candidates=[...]"), " to ", Code("optimize()"), ".")
    names = ", ".join(report.sources)
    which = f"the source {names} offered none" if len(report.sources) == 1 else f"none of the sources {names} offered one"
    why = " (the notes say why)" if report.notes else ""
    return (f"No candidates: {which}{why}. To try a rewrite of your own, pass ",
            Code("--candidate NAME"), ".")


def note(text: str) -> Sentence:
    return Quiet("note:"), f" {text}"


def scaling(report: Report) -> Sentence | None:
    if report.scaling is None:
        return None
    measure = report.scaling.measure
    lead = f"Scaling with input size ({measure}):" if measure else "Scaling with input size:"
    return Strong(lead), f" {report.scaling.summary()}"


def first_answer(pending: str) -> Sentence:
    """Above a report shown while the candidates of *pending* sources are still being verified."""
    return (Strong("First answer:"), f" the candidates so far; those of {pending} are still being verified. "
            "This view is replaced by the full report, which offers Accept.")


def time_taken(report: Report) -> Sentence | None:
    if not report.stage_seconds:
        return None
    stages = ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in report.stage_seconds.items())
    isolated = f"; isolation: {report.isolation}" if report.isolation else ""
    return Quiet("Time taken:"), f" {stages}{isolated}"


# -- the verdict table -----------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of the verdict table, every cell a string."""

    name: str
    origin: str
    verdict: str
    speedup: str
    memory: str
    evidence: str
    reason: str

    def cells(self) -> tuple[str, ...]:
        return self.name, self.origin, self.verdict, self.speedup, self.memory, self.evidence, self.reason


def table_header(report: Report) -> tuple[str, ...]:
    return ("candidate", "origin", "verdict", f"speedup [{ci_label(report)}]", "peak memory", "inputs passed", "reason")


def table_rows(report: Report) -> list[Row]:
    return [Row(r.name, r.origin, r.verdict, speedup_cell(r), memory_cell(r, report.original_peak_memory),
                evidence_cell(r), r.reason) for r in ranked(report.results)]


def speedup_cell(result: CandidateResult) -> str:
    if result.timing is None:
        return "-"
    low, high = result.timing.ci
    return f"{result.timing.speedup:.2f}x [{low:.2f}, {high:.2f}]"


def evidence_cell(result: CandidateResult) -> str:
    """'2 live + 181 generated, 100% of lines': what the verdict stands on (the lines the inputs reached only
    for a candidate that passed them all: for one that differed they are evidence of nothing)."""
    check = result.check
    if check is None:
        return "-"
    cover = f", {100 * check.coverage:.0f}% of lines" if check.coverage is not None and check.passed else ""
    return f"{evidence_cell_counts(check)}{cover}"


def evidence_cell_counts(check: Check) -> str:
    return f"{check.live_passed} live + {check.generated_passed} generated"


def memory_cell(result: CandidateResult, original: int | None) -> str:
    if result.peak_memory is None or original is None:
        return "-"
    return f"{format_bytes(result.peak_memory)} vs {format_bytes(original)}"


def format_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


# -- one candidate ---------------------------------------------------------------


def tab_title(result: CandidateResult, choice: str = "") -> str:
    """'fast · 8.0x faster', then '· accepted' once the user chose."""
    if result.verdict == "faster" and result.speedup:
        title = f"{result.name} · {result.speedup:.1f}x faster"
    elif result.verdict == "not_faster" and result.speedup:
        title = f"{result.name} · not faster ({result.speedup:.2f}x)"
    else:
        title = f"{result.name} · {result.verdict.replace('_', ' ')}"
    return f"{title} · {choice}" if choice else title


def candidate_line(result: CandidateResult) -> Sentence:
    """'fast from user: 8.00x faster (...)' (the verdict badge goes before it)."""
    return Code(result.name), " ", Quiet(f"from {result.origin}"), f": {result.reason}"


def counterexample_heading(result: CandidateResult) -> str:
    return f"{result.name} is incorrect:"


def counterexample_lines(counterexample: Counterexample) -> list[str]:
    """The input, what each side did and why they differ, one line each."""
    return repr(counterexample).splitlines()


def likeness(counterexample: Counterexample) -> Sentence | None:
    """'An edge beyond your data: mask selects nothing ...; if such inputs never occur: --assume "mask.any()"'."""
    if not counterexample.likeness:
        return None
    kind = counterexample.likeness
    lead: Sentence = (Strong(f"{kind[0].upper()}{kind[1:]}" + (":" if counterexample.edges or kind == LIKE else ".")),)
    if counterexample.edges:
        lead += (" " + "; ".join(counterexample.edges) + ".",)
    elif kind == LIKE:
        lead += (" every argument keeps the types, dimensions, signs and kinds of values your calls pass,"
                 " so your own data could meet this difference.",)
    if counterexample.suggestion:
        lead += (" If such inputs never occur, exclude them with ", Code(f'--assume "{counterexample.suggestion}"'), ".")
    return lead


def candidate_notes(result: CandidateResult) -> list[str]:
    """What the reader should know about the check beyond the verdict: its
    notes and the lines the inputs never reached."""
    if result.check is None:
        return []
    missed = missed_line(result.check)
    return [*result.check.notes, *([missed] if missed else [])]


def timing_warnings(result: CandidateResult) -> list[str]:
    """Doubts about the timing samples (each names whose samples it is about)."""
    return [] if result.timing is None else [f"timing: {warning}" for warning in result.timing.warnings]


def missed_line(check: Check) -> str:
    if not check.lines_missed:
        return ""
    return f"the inputs never reached line(s) {', '.join(map(str, check.lines_missed))} of the original"


def evidence_items(result: CandidateResult, confidence: float) -> list[str]:
    """What the verdict stands on: inputs, coverage, timing, then the notes."""
    items: list[str] = []
    if result.check is not None:
        items += inputs_lines(result.check)
    if result.timing is not None:
        items.append(timing_line(result.timing, confidence))
    return items + candidate_notes(result) + timing_warnings(result)


def inputs_lines(check: Check) -> list[str]:
    """The same counts as the table's 'inputs passed' cell, then how many runs they took."""
    if check.live_passed or check.generated_passed:
        distinct = check.live_passed + check.generated_passed
        # runs count repeats (a generated input equal to one already tried) and a failing input too
        runs = f" ({check.inputs_tried} runs in all)" if check.inputs_tried != distinct else ""
        lines = [f"Inputs passed: {evidence_cell_counts(check)}{runs}"]
    else:
        lines = [f"Inputs tried: {check.inputs_tried}"]
    if check.coverage is not None and check.passed:  # for one that differed, the lines are evidence of nothing
        lines.append(f"Lines of the original reached: {100 * check.coverage:.0f}%")
    return lines


def timing_line(timing: Timing, confidence: float) -> str:
    return (f"Timing: {len(timing.original)} paired rounds; {timing.original_loops} pass(es) of the original and "
            f"{timing.loops} of the candidate per sample; faster needs the {100 * confidence:g}% interval above "
            f"{1 + timing.min_gain:.2f}x")


# -- the line profile ------------------------------------------------------------


@dataclass(frozen=True)
class ProfileRow:
    lineno: int
    hits: str  # "" for a line that never ran
    time_ms: str
    share: str
    source: str
    hot: bool  # among the hottest lines
    weight: float  # the line's share of the time, 0..1


PROFILE_HOTTEST = 3
PROFILE_HOT_SHARE = 0.05  # a line under this share of the time is never marked hot, even among the top three
PROFILE_COLUMNS = ("line", "hits", "ms", "share", "source")


def profile_title(function: str) -> str:
    return f"Line profile of {function} (original)"


def profile_summary(profile: LineProfile) -> str:
    return f"{profile.total_s * 1e3:.2f} ms over {profile.rounds} round(s)"


def profile_rows(profile: LineProfile) -> list[ProfileRow]:
    hot = {line.lineno for line in profile.hottest(PROFILE_HOTTEST, PROFILE_HOT_SHARE)}
    return [ProfileRow(line.lineno, str(line.hits) if line.hits else "", f"{line.time_s * 1e3:.3f}" if line.hits else "",
                       f"{100 * line.share:.1f}%" if line.hits else "", line.source, line.lineno in hot, line.share)
            for line in profile.lines]


# -- the viewer's buttons and progress ------------------------------------------


def accept_hint(function: str, name: str) -> Sentence:
    return (f"Accept puts {name} in place of ", Code(function), " in this kernel; ",
            Code(APPLY_COMMAND), " then inserts its code as a new cell.")


def accepted(function: str, name: str) -> Sentence:
    return (Strong(f"Accepted {name}"), ": ", Code(function), " now runs its code in this kernel. "
            "To keep the code in the notebook, run ", Code(APPLY_COMMAND), " in a cell: "
            "it inserts the code as a new cell below that one.")


def rejected(function: str, name: str) -> Sentence:
    return f"Rejected {name}: ", Code(function), " stays the original."


def not_accepted(name: str, problem: str) -> Sentence:
    return (f"Could not accept {name}: {problem}",)


def progress_line(message: str, stage_seconds: float, total_seconds: float) -> Sentence:
    return f"{message} · {stage_seconds:.0f} s ", Quiet(f"({total_seconds:.0f} s in all)")

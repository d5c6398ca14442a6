"""The verdict on one candidate, decided from plain data (no forking, no timing here).

Verification gives a `Check`, a `Failure` (the candidate could not be run)
or `Unverifiable` (the original is not deterministic, or was refused an
action on a live call, so nothing can be compared with it). The benchmark gives a `Timing`, a `Failure`, or nothing
for a candidate that was not timed. `decide` turns those into one of the
`Verdict`s and the one-line reason the report shows.
"""
from __future__ import annotations

from dataclasses import dataclass

from .measure.stats import is_faster
from .model import LIKE, Check, Counterexample, Timing, Verdict


@dataclass(frozen=True)
class Failure:
    """A stage could not run the candidate at all; the reason is one line for the user."""

    reason: str


@dataclass(frozen=True)
class Unverifiable:
    """The original is not deterministic, or needs an action the sandbox refuses: the reason says which, in one line."""

    reason: str


Verification = Check | Failure | Unverifiable
Benchmark = Timing | Failure | None  # None: the candidate was not timed


def decide(verification: Verification, benchmark: Benchmark) -> tuple[Verdict, str]:
    """The verdict and its reason, for the report."""
    if isinstance(verification, Unverifiable):
        return "unverifiable", verification.reason
    if isinstance(verification, Failure):
        return "failed", verification.reason
    if not verification.passed:
        cx = verification.counterexample
        return "incorrect", incorrect_reason(cx) if cx else "behaves differently"
    if not isinstance(benchmark, Timing):
        return "failed", benchmark.reason if benchmark else "was not benchmarked"
    return _on_speed(verification, benchmark)


def incorrect_reason(cx: Counterexample) -> str:
    """The difference, led by how far its input is from the user's data (and, for an edge, how to exclude it)."""
    if not cx.likeness:
        return cx.difference
    if not cx.edges:
        return f"on {'an input ' if cx.likeness == LIKE else ''}{cx.likeness}: {cx.difference}"
    exclude = f'; to exclude it: --assume "{cx.suggestion}"' if cx.suggestion else ""
    return f"on {cx.likeness} ({'; '.join(cx.edges)}): {cx.difference}{exclude}"


def _on_speed(check: Check, timing: Timing) -> tuple[Verdict, str]:
    low, high = timing.ci
    if not is_faster(low, timing.min_gain):
        outpaced = (f"; its timing stopped after {len(timing.candidate)} rounds, as another candidate is "
                    "faster beyond doubt" if timing.outpaced else "")
        if high < 1.0:  # slower beyond doubt: saying it missed a gain would undersell that
            return "not_faster", (f"{_times(1 / timing.speedup)}x slower than the original (speedup "
                                  f"{_ratio(timing.speedup)}x, interval {_ratio(low)}-{_ratio(high)}x){outpaced}")
        return "not_faster", (f"{timing.speedup:.2f}x (interval {low:.2f}-{high:.2f}x) does not clear the "
                              f"{100 * timing.min_gain:.0f}% minimum gain{outpaced}")
    if check.generated_passed == 0:
        return "not_faster", (f"{timing.speedup:.2f}x faster on the live inputs, but no generated input "
                              f"other than them passed, so it is not offered ({_no_generated_hint(check)})")
    thin = (f"; verified on only {check.live_passed} live + {check.generated_passed} generated inputs"
            if check.generated_passed < THIN_EVIDENCE else "")
    return "faster", f"{timing.speedup:.2f}x faster (interval {low:.2f}-{high:.2f}x){thin}"


def _times(x: float) -> str:
    """How many times: '25', '1.11', '1234' (no exponent)."""
    return f"{x:.0f}" if x >= 100 else f"{x:.3g}"


def _ratio(x: float) -> str:
    """A speedup below 1 to two decimals, or two significant digits when that would read 0.00."""
    return f"{x:.2f}" if x >= 0.01 else f"{x:.2g}"


THIN_EVIDENCE = 5  # fewer distinct generated inputs passed than this: a faster verdict says how few


def _no_generated_hint(check: Check) -> str:
    """The option that gets it generated inputs: none was judged within the --verify-budget (or --examples
    was 0); or those judged all equalled a live call, which no option changes."""
    if check.inputs_tried > check.live_passed:
        return "every generated input equalled a live call"
    return "a larger --verify-budget tries more, if --examples is above 0; see the notes"

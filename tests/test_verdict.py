"""Each verdict and its reason, decided from plain data (no child process)."""
import pytest

from jupyter_optimize.model import Check, Counterexample, Timing
from jupyter_optimize.verdict import Failure, Unverifiable, decide

CX = Counterexample("f(x=0)", "returned 0", "returned 1", "return value differs: 0 vs 1")


def timing(speedup: float, low: float, high: float, min_gain: float = 0.05) -> Timing:
    return Timing((1.0,) * 10, (1.0 / speedup,) * 10, 1, 1, speedup, (low, high), min_gain)


def passed(generated: int = 5) -> Check:
    return Check(True, 2 + generated, live_passed=2, generated_passed=generated)


@pytest.mark.parametrize("verification, timed, verdict, reason", [
    (Unverifiable("the original is not deterministic: x"), None, "unverifiable", "the original is not deterministic: x"),
    (Failure("syntax error on line 1: invalid syntax"), None, "failed", "syntax error on line 1: invalid syntax"),
    (Check(False, 1, CX), None, "incorrect", "return value differs: 0 vs 1"),
    (Check(False, 1), None, "incorrect", "behaves differently"),
    (passed(), None, "failed", "was not benchmarked"),
    (passed(), Failure("could not be benchmarked: timed out after 63 s"), "failed",
     "could not be benchmarked: timed out after 63 s"),
    (passed(), timing(3.0, 2.5, 3.5), "faster", "3.00x faster (interval 2.50-3.50x)"),
    (passed(generated=0), timing(3.0, 2.5, 3.5), "not_faster",
     "3.00x faster on the live inputs, but no generated input other than them passed, so it is not offered (a larger "
     "--verify-budget tries more, if --examples is above 0; see the notes)"),
    (Check(True, 4, live_passed=2, generated_passed=0), timing(3.0, 2.5, 3.5), "not_faster",
     "3.00x faster on the live inputs, but no generated input other than them passed, so it is not offered (every generated "
     "input equalled a live call)"),
    (passed(generated=2), timing(3.0, 2.5, 3.5), "faster",
     "3.00x faster (interval 2.50-3.50x); verified on only 2 live + 2 generated inputs"),
    (passed(), timing(1.02, 0.98, 1.06), "not_faster", "1.02x (interval 0.98-1.06x) does not clear the 5% minimum gain"),
    (passed(), timing(1.2, 1.1, 1.3, min_gain=0.15), "not_faster",
     "1.20x (interval 1.10-1.30x) does not clear the 15% minimum gain"),
    (passed(), timing(0.04, 0.039, 0.041), "not_faster", "25x slower than the original (speedup 0.04x, "
     "interval 0.04-0.04x)"),
    (passed(), timing(0.9, 0.8, 1.01), "not_faster", "0.90x (interval 0.80-1.01x) does not clear the 5% minimum gain"),
    (passed(), timing(0.0008, 0.0007, 0.0009), "not_faster", "1250x slower than the original (speedup 0.0008x, "
     "interval 0.0007-0.0009x)"),
])
def test_each_verdict_and_its_reason(verification, timed, verdict, reason):
    assert decide(verification, timed) == (verdict, reason)


def test_the_whole_interval_must_clear_the_gain():
    assert decide(passed(), timing(1.5, 1.05, 2.0))[0] == "not_faster"  # exactly 1 + gain is not enough
    assert decide(passed(), timing(1.5, 1.0501, 2.0))[0] == "faster"

"""A slow original costs few runs: the study's passes are reused, the benchmark stops at its budget,
generated inputs stay within theirs. Calls are counted (never timed); the functions sleep only to be
slow enough for the slow paths."""
import time

import pytest

from jupyter_optimize import optimize
from jupyter_optimize.measure import timing
from jupyter_optimize.measure.memory import affordable, peak_memory
from jupyter_optimize.model import Call
from jupyter_optimize.options import Options
from jupyter_optimize.study.original import SLOW_PASS_S, study_original
from jupyter_optimize.study.profile import PassProfiler
from jupyter_optimize.verify.check import check_candidate
from jupyter_optimize.verify.compare import Tolerance
from jupyter_optimize.verify.search import SLOWER_THAN_LIVE, per_input_limit

TOL = Tolerance(1e-9, 1e-12, False)
RUNS = []  # one entry per call of the counted functions below


def counted_sum(xs, pause=0.0):
    RUNS.append(len(xs))
    time.sleep(pause)
    total = 0
    for x in xs:
        total += x
    return total


def appends_one(xs):
    RUNS.append(len(xs))
    xs.append(1)
    return len(xs)


@pytest.fixture(autouse=True)
def fresh_count():
    RUNS.clear()


def test_a_slow_original_is_run_twice_per_call_in_the_study_profile_included():
    study = study_original(counted_sum, [Call(([1, 2, 3], SLOW_PASS_S + 0.05))], TOL, Options())
    assert len(RUNS) == 2  # the determinism check's two runs: no extra pass, no profile pass of its own
    assert study.determinism.deterministic and not study.mutates_args
    assert study.profile.rounds == 1
    loop = next(line for line in study.profile.lines if "total += x" in line.source)
    assert loop.hits == 3  # the second run was the profiled one
    assert study.pass_seconds >= SLOW_PASS_S


def test_a_fast_original_has_its_profile_rounds_and_no_extra_pass():
    calls = [Call(([1, 2],)), Call(([3],))]
    study = study_original(counted_sum, calls, TOL, Options())
    assert len(RUNS) == 2 * len(calls) + study.profile.rounds * len(calls)
    assert study.profile.rounds > 1


def test_the_live_outcomes_come_from_the_determinism_passes():
    study = study_original(appends_one, [Call(([0],))], TOL, Options(profile=False))
    assert study.mutates_args and len(RUNS) == 2


def test_a_run_past_the_study_limit_is_one_line_naming_the_option():
    study = study_original(counted_sum, [Call(([1], 2.0))], TOL, Options(profile=False), run_limit=0.2)
    assert study.problem.kind == "slow"
    assert "counted_sum" in study.problem.message and "--timeout" in study.problem.message
    assert "[1]" in study.problem.message  # which live call
    assert len(RUNS) == 1


def test_the_benchmark_of_a_slow_function_stops_after_three_rounds_past_its_budget():
    slow = lambda xs: counted_sum(xs, timing.NO_CALIBRATION_S + 0.01)  # noqa: E731
    samples = timing.measure([slow, slow], [Call(([1],))], budget_s=0.01, fresh_args=False)
    assert samples.loops == (1, 1)
    assert [len(s) for s in samples.per_function] == [timing.FEWEST_ROUNDS] * 2
    assert len(RUNS) == 2 * (1 + timing.FEWEST_ROUNDS)  # a cold pass and three rounds each: no calibration
    result = timing.summarize(samples, 1, "candidate", 1, Options(time_budget=0.01))
    assert any("only 3 rounds" in w and "--time-budget" in w and "wide" in w for w in result.warnings)


def test_a_fast_function_keeps_its_ten_rounds_and_no_warning_about_them():
    fast = lambda xs: sum(xs)  # noqa: E731
    samples = timing.measure([fast, fast], [Call(([1, 2],))], budget_s=0.5, fresh_args=False)  # ten rounds fit
    assert len(samples.per_function[0]) >= timing.MIN_ROUNDS and samples.loops[0] > 1
    result = timing.summarize(samples, 1, "candidate", 1, Options(time_budget=0.01))
    assert not any("rounds fit" in w for w in result.warnings)


def test_a_slow_first_call_then_fast_ones_is_calibrated_after_its_first_round():
    state = {"calls": 0}

    def compiles_first(xs):
        state["calls"] += 1
        if state["calls"] == 1:
            time.sleep(timing.NO_CALIBRATION_S + 0.01)  # like a compile on the first call
        return sum(xs)

    samples = timing.measure([compiles_first], [Call(([1, 2],))], budget_s=0.01, fresh_args=False)
    assert samples.loops[0] > 1  # not left at one loop per sample


def test_an_original_known_slow_from_the_study_gets_no_warm_up_pass():
    slow = lambda xs: counted_sum(xs, timing.NO_CALIBRATION_S + 0.01)  # noqa: E731
    fast = lambda xs: sum(xs)  # noqa: E731
    samples = timing.measure([slow, fast], [Call(([1],))], budget_s=0.01, fresh_args=False, original_pass_s=30.0)
    assert len(RUNS) == timing.FEWEST_ROUNDS  # its three rounds, nothing else
    assert samples.first_call[0] == samples.per_function[0][0]  # its first round was its first call


def test_the_live_lines_of_a_slow_original_come_from_its_profile():
    slow = study_original(counted_sum, [Call(([1, 2, 3], SLOW_PASS_S + 0.05))], TOL, Options())
    hit = {line.lineno for line in slow.profile.lines if line.hits}
    assert slow.live_lines == frozenset(hit) and hit
    fast = study_original(counted_sum, [Call(([1],))], TOL, Options())
    assert fast.live_lines is None  # fast: verification traces the live calls itself
    unprofiled = study_original(counted_sum, [Call(([1], SLOW_PASS_S + 0.05))], TOL, Options(profile=False))
    assert unprofiled.live_lines == frozenset()


def branchy(x):
    if x > 0:
        return x
    return -x


def test_live_calls_with_known_lines_are_not_traced_again():
    first = branchy.__code__.co_firstlineno
    known = frozenset({first + 1})
    traced = check_candidate(branchy, branchy, [Call((1,))], TOL, None)
    untraced = check_candidate(branchy, branchy, [Call((1,))], TOL, None, live_lines=known)
    assert set(traced.lines_reached) == {first + 1, first + 2}
    assert set(untraced.lines_reached) == known  # what the study saw, nothing traced here


def test_peak_memory_is_not_traced_for_a_pass_beyond_the_budget():
    peaks = peak_memory([counted_sum, counted_sum], [Call(([1, 2],))], pass_seconds=[30.0, 0.001], budget_s=3.0)
    assert peaks[0] is None and isinstance(peaks[1], int)
    assert len(RUNS) == 1
    assert affordable(0.1, 3.0) and not affordable(1.0, 3.0)


def test_a_generated_input_may_take_at_most_the_budget():
    assert per_input_limit(30.0, budget_s=1.5) == 1.5  # a slow original's large inputs are skipped
    assert per_input_limit(0.0001, budget_s=1.5) == 0.2
    assert per_input_limit(0.05, budget_s=1.5) == pytest.approx(SLOWER_THAN_LIVE * 0.05)


def slow_total(xs):
    time.sleep(0.45 if len(xs) > 50 else 0.0)  # slow on the live call, fast on small generated inputs
    total = 0
    for x in xs:
        total += x
    return total


FAST_TOTAL = "def slow_total(xs):\n    return sum(xs)\n"


@pytest.mark.slow
def test_a_slow_function_end_to_end_has_few_rounds_said_in_the_report():
    report = optimize(slow_total, [((list(range(100)),), {})], candidates=[FAST_TOTAL], time_budget=0.1)
    (result,) = report.results
    assert result.verdict == "faster", result.reason
    assert len(result.timing.original) == timing.FEWEST_ROUNDS
    assert any("only 3 rounds" in w for w in result.timing.warnings)
    assert report.profile.rounds == 1
    assert any("Peak memory not measured for the original" in n and "--time-budget" in n for n in report.notes)


def busy(n):
    total = 0
    for a in range(n):
        for b in range(n):
            total += a * b % 7
    return total


def test_a_long_profiled_pass_is_profiled_for_its_start_only():
    profiler = PassProfiler(busy, cap_s=0.05)
    profiler.reset()
    assert profiler.capped(1000) == busy(1000)  # the run itself goes on, unprofiled after the cap
    assert profiler.cut
    profile = profiler.result(rounds=1)
    assert "first 0.05 s of CPU time" in profile.note
    inner = next(line for line in profile.lines if "total += a * b % 7" in line.source)
    assert 0 < inner.hits < 1000 * 1000


def test_the_study_limit_grows_with_the_slowest_run_so_far():
    calls = [Call(([1], 0.1)), Call(([2], 0.3))]  # the second call is past the limit, but not 4x the first
    study = study_original(counted_sum, calls, TOL, Options(profile=False), run_limit=0.15)
    assert study.problem is None and len(RUNS) == 4


def test_a_slow_originals_study_passes_are_its_first_rounds():
    slow = lambda xs: counted_sum(xs, timing.NO_CALIBRATION_S + 0.01)  # noqa: E731
    fast = lambda xs: sum(xs)  # noqa: E731
    calls = [Call(([1],))]
    quick = timing.measure([slow, fast], calls, budget_s=0.01, fresh_args=False, original_pass_s=30.0,
                           prior=(30.0, 31.0), fewest=timing.QUICK_FEWEST_ROUNDS)
    assert RUNS == [] and quick.per_function[0] == (30.0, 31.0) and quick.prior_rounds == 2
    assert len(quick.per_function[1]) == 2  # paired: as many rounds of the candidate
    warnings = timing.summarize(quick, 1, "fast", 1, Options(time_budget=0.01)).warnings
    assert any("first 2 of 2 rounds are its passes in the study" in w for w in warnings)
    default = timing.measure([slow, fast], calls, budget_s=0.01, fresh_args=False, original_pass_s=30.0, prior=(30.0,))
    assert len(RUNS) == timing.FEWEST_ROUNDS - 1 and default.prior_rounds == 1
    assert default.per_function[0][0] == 30.0


def test_the_study_passes_are_not_reused_when_the_budget_has_room_for_the_rounds():
    quick = lambda xs: counted_sum(xs, timing.NO_CALIBRATION_S + 0.01)  # noqa: E731
    samples = timing.measure([quick, quick], [Call(([1],))], budget_s=60.0, fresh_args=False,
                             original_pass_s=timing.NO_CALIBRATION_S, prior=(1.0, 1.0), fewest=1)
    assert samples.prior_rounds == 0 and 1.0 not in samples.per_function[0]


def test_under_quick_a_slow_originals_second_pass_is_a_clean_pass_not_a_profile():
    study = study_original(counted_sum, [Call(([1, 2, 3], SLOW_PASS_S + 0.05))], TOL, Options.from_kwargs(quick=True))
    assert len(RUNS) == 2 and len(study.clean_passes) == 2
    assert all(p >= SLOW_PASS_S for p in study.clean_passes)
    assert "--quick" in study.profile.note and not any(line.hits for line in study.profile.lines)
    profiled = study_original(counted_sum, [Call(([1, 2, 3], SLOW_PASS_S + 0.05))], TOL, Options())
    assert len(profiled.clean_passes) == 1  # the second pass was profiled: not a clean one

"""How long each stage's child may run, and with how much memory."""
import pytest

from jupyter_optimize.options import Options
from jupyter_optimize.sandbox import limits
from jupyter_optimize.sandbox.child import ChildLimits


def test_defaults_without_a_user_timeout_name_the_option_that_allows_more():
    opts = Options()
    assert limits.for_study(opts).timeout == 180.0  # one live call: two runs of at most 60 s each, and a profile
    assert limits.for_study(opts, n_calls=3).timeout == 420.0
    assert limits.study_run_limit(opts) == 60.0  # each run of the original, inside the study's child
    assert limits.for_probe(opts).timeout == 60.0
    assert limits.for_benchmark(opts).timeout == 63.0  # its 3 s budget on top
    assert limits.for_scaling(opts).timeout == 72.0  # four budgets on top
    for chosen in (limits.for_study(opts), limits.for_probe(opts), limits.for_benchmark(opts), limits.for_scaling(opts)):
        assert "set --timeout to allow more" in chosen.timeout_hint


def test_the_limits_scale_with_a_slow_original():
    opts = Options()
    slow = 30.0  # seconds per pass over the live calls
    assert limits.for_verify(opts, original_pass_s=slow).timeout == 60.0 + 4 * slow  # not cut off at a minute
    assert limits.for_probe(opts, original_pass_s=slow).timeout == 60.0 + 4 * slow  # the rules' traced pass too
    bench = limits.for_benchmark(opts, original_pass_s=slow, functions=2).timeout
    assert bench >= opts.time_budget + 2 * 5 * slow  # warm-up, three rounds and the memory pass of each
    assert limits.for_benchmark(opts, original_pass_s=0.001).timeout == pytest.approx(63.0, abs=0.1)


def test_verification_adapts_to_the_original_and_says_how_to_allow_more():
    fast = limits.for_verify(Options(), original_pass_s=0.01)
    assert fast.timeout == pytest.approx(5 + 50 * 0.01 + 2 * 1.5 + 3)  # base, 50x, twice the input budget, shrinking
    assert "set --timeout to allow more" in fast.timeout_hint
    assert limits.for_verify(Options(), original_pass_s=2.0).timeout == 68.0  # the default plus four passes
    assert limits.for_verify(Options(verify_budget=10.0), original_pass_s=0.0).timeout == 28.0
    reading = limits.for_verify(Options(), original_pass_s=0.01, reads_a_draw=True)  # may wait for the drawing child:
    assert reading.timeout == pytest.approx(fast.timeout + 5 + 3 * 1.5)  # its start-up, its budget at wall slack


def test_the_users_timeout_and_memory_cap_are_the_limits():
    opts = Options(timeout=7.0, memory_limit_mb=256)
    assert limits.for_verify(opts, original_pass_s=100.0) == ChildLimits(7.0, 256)  # no hint: the user chose it
    assert limits.for_verify(opts, original_pass_s=0.01, reads_a_draw=True) == ChildLimits(7.0, 256)
    assert limits.for_study(opts, n_calls=5) == limits.for_probe(opts) == ChildLimits(7.0, 256)
    assert limits.study_run_limit(opts) is None  # the child's own limit is the user's
    assert limits.for_benchmark(opts, original_pass_s=100.0) == ChildLimits(10.0, 256)
    assert limits.for_scaling(opts) == ChildLimits(19.0, 256)

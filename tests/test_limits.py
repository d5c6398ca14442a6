"""How long each stage's child may run, and with how much memory."""
import pytest

from jupyter_optimize.options import Options
from jupyter_optimize.sandbox import limits
from jupyter_optimize.sandbox.child import ChildLimits


def test_defaults_without_a_user_timeout():
    opts = Options()
    assert limits.for_study(opts) == ChildLimits(60.0, 4096)
    assert limits.for_probe(opts) == ChildLimits(60.0, 4096)
    assert limits.for_benchmark(opts) == ChildLimits(63.0, 4096)  # its 3 s budget on top
    assert limits.for_scaling(opts) == ChildLimits(72.0, 4096)  # four budgets on top


def test_verification_adapts_to_the_original_and_says_how_to_allow_more():
    fast = limits.for_verify(Options(), original_pass_s=0.01)
    assert fast.timeout == pytest.approx(5 + 50 * 0.01 + 2 * 1.5 + 3)  # base, 50x, twice the input budget, shrinking
    assert "set --timeout to allow more" in fast.timeout_hint
    assert limits.for_verify(Options(), original_pass_s=2.0).timeout == 60.0  # capped at the default
    assert limits.for_verify(Options(verify_budget=10.0), original_pass_s=0.0).timeout == 28.0


def test_the_users_timeout_and_memory_cap_are_the_limits():
    opts = Options(timeout=7.0, memory_limit_mb=256)
    assert limits.for_verify(opts, original_pass_s=100.0) == ChildLimits(7.0, 256)  # no hint: the user chose it
    assert limits.for_study(opts) == limits.for_probe(opts) == ChildLimits(7.0, 256)
    assert limits.for_benchmark(opts) == ChildLimits(10.0, 256)
    assert limits.for_scaling(opts) == ChildLimits(19.0, 256)

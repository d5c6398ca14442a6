"""How long each stage's child may run: one policy, from the options and the original's time.

Every child gets the user's memory cap. Its timeout is the user's
``--timeout`` when given, else `DEFAULT_TIMEOUT` (see `Options.child_timeout`),
plus whatever the stage itself is asked to spend: the benchmark its time
budget, the scaling stage up to four budgets. Verification alone adapts: a
candidate may take about 50x the original's time plus its generated-input
budget, never more than the default, so a hanging candidate is cut off in
seconds rather than a minute.
"""
from __future__ import annotations

from ..options import VERIFY_BASE_S, VERIFY_SLOWDOWN, Options
from ..verify.search import SHRINK_ALLOWANCE_S
from .child import ChildLimits

VERIFY_HINT = f"{VERIFY_SLOWDOWN}x the original's time plus the input budget; set --timeout to allow more"
SCALING_BUDGETS = 4  # the scaling stage may spend up to this many time budgets


def for_study(options: Options) -> ChildLimits:
    """Profiling the original and checking its determinism."""
    return ChildLimits(options.child_timeout, options.memory_limit_mb, start_method=options.start_method)


def for_probe(options: Options) -> ChildLimits:
    """A source running the original to learn about it (the rules' probe of variable kinds)."""
    return ChildLimits(options.child_timeout, options.memory_limit_mb, start_method=options.start_method)


def for_verify(options: Options, original_pass_s: float) -> ChildLimits:
    """Verifying one candidate, given how long one pass of the original over the live calls took."""
    if options.timeout is not None:
        return ChildLimits(options.timeout, options.memory_limit_mb, start_method=options.start_method)
    adaptive = VERIFY_BASE_S + VERIFY_SLOWDOWN * original_pass_s + 2 * options.verify_budget + SHRINK_ALLOWANCE_S
    return ChildLimits(min(options.child_timeout, adaptive), options.memory_limit_mb, VERIFY_HINT, options.start_method)


def for_benchmark(options: Options) -> ChildLimits:
    """Timing the original and the survivors together."""
    return ChildLimits(options.time_budget + options.child_timeout, options.memory_limit_mb,
                       start_method=options.start_method)


def for_scaling(options: Options) -> ChildLimits:
    """Timing the original and the best candidates on growing inputs."""
    return ChildLimits(options.time_budget * SCALING_BUDGETS + options.child_timeout, options.memory_limit_mb,
                       start_method=options.start_method)

"""How long each stage's child may run: one policy, from the options and the original's time.

Every child gets the user's memory cap. Its timeout is the user's
``--timeout`` when given, else `DEFAULT_TIMEOUT` (see `Options.child_timeout`),
plus whatever the stage itself is asked to spend: the benchmark its time
budget, the scaling stage up to four budgets. Without --timeout the limits
scale with the original's measured time, so a function of 30 s per call is
not cut off at a minute: the study allows each run of the original the
default (`study_run_limit`, enforced inside the child) and the child two runs
per live call; verification allows about 50x the original's time plus its
generated-input budget, never more than the default plus a few passes (a
hanging candidate is cut off in seconds, not minutes); the rules' probe
the default plus a few passes; the benchmark its
budget plus the few passes it needs at least. Every timeout's message names
--timeout, the option that allows more.
"""
from __future__ import annotations

from ..options import DEFAULT_TIMEOUT, VERIFY_BASE_S, VERIFY_SLOWDOWN, Options
from ..verify.search import SHRINK_ALLOWANCE_S, WALL_SLACK
from .child import ChildLimits

VERIFY_HINT = ("the limit grows with the original's time and the --verify-budget, as the --timeout option's help "
               "says; set --timeout to allow more")
DEFAULT_HINT = "the default limit; set --timeout to allow more"
SCALING_BUDGETS = 4  # the scaling stage may spend up to this many time budgets
PROBE_PASSES = 4  # without --timeout, the rules' probe may take the default plus this many passes of the original
VERIFY_PASSES = 4  # without --timeout, verifying may take the default plus this many passes of the original
BENCHMARK_PASSES = 8  # ... and the benchmark its budget plus this many passes per function timed (warm-up,
                      # at least three rounds, the memory pass, and room for a candidate twice as slow)


def _limits(options: Options, default: float, hint: str = DEFAULT_HINT) -> ChildLimits:
    """The user's --timeout as it is, else *default* with a hint naming the option."""
    if options.timeout is not None:
        return ChildLimits(options.timeout, options.memory_limit_mb, start_method=options.start_method)
    return ChildLimits(default, options.memory_limit_mb, hint, options.start_method)


def study_run_limit(options: Options) -> float | None:
    """How long one run of the original may take in the study (None: only the child's --timeout bounds it)."""
    return None if options.timeout is not None else DEFAULT_TIMEOUT


def for_study(options: Options, n_calls: int = 1) -> ChildLimits:
    """Profiling the original and checking its determinism: two runs of each live call, each within
    `study_run_limit`, and room for one more pass when the profile is taken apart."""
    return _limits(options, DEFAULT_TIMEOUT * (2 * n_calls + 1))


def for_probe(options: Options, original_pass_s: float = 0.0) -> ChildLimits:
    """A source running the original to learn about it (the rules' probe of variable kinds, one traced
    pass, about three times a plain one): without --timeout, the default plus a few passes."""
    return _limits(options, DEFAULT_TIMEOUT + PROBE_PASSES * original_pass_s)


def for_verify(options: Options, original_pass_s: float, reads_a_draw: bool = False) -> ChildLimits:
    """Verifying one candidate, given how long one pass of the original over the live calls took;
    *reads_a_draw*: its child judges the generated inputs as another child draws them (`verify.stream`),
    so it may wait for that child as long as it takes to start and spend its budget (not under --timeout:
    `judging.draw_once` then waits for the draw itself)."""
    if options.timeout is not None:
        return ChildLimits(options.timeout, options.memory_limit_mb, start_method=options.start_method)
    adaptive = VERIFY_BASE_S + VERIFY_SLOWDOWN * original_pass_s + 2 * options.verify_budget + SHRINK_ALLOWANCE_S
    most = DEFAULT_TIMEOUT + VERIFY_PASSES * original_pass_s
    waits = VERIFY_BASE_S + WALL_SLACK * options.verify_budget if reads_a_draw else 0.0
    return ChildLimits(min(most, adaptive) + waits, options.memory_limit_mb, VERIFY_HINT, options.start_method)


def for_benchmark(options: Options, original_pass_s: float = 0.0, functions: int = 2) -> ChildLimits:
    """Timing the original and the survivors together (*functions* in all, the original included)."""
    if options.timeout is not None:
        return ChildLimits(options.time_budget + options.timeout, options.memory_limit_mb,
                           start_method=options.start_method)
    passes = BENCHMARK_PASSES * functions * original_pass_s
    return _limits(options, options.time_budget + DEFAULT_TIMEOUT + passes)


def for_scaling(options: Options) -> ChildLimits:
    """Timing the original and the best candidates on growing inputs."""
    limit = options.time_budget * SCALING_BUDGETS + options.child_timeout
    return ChildLimits(limit, options.memory_limit_mb, DEFAULT_HINT if options.timeout is None else "",
                       options.start_method)

"""optimize(): the stages in order, nothing else.

study the original (profile, determinism) -> candidates -> verify each in a
child -> benchmark the survivors together in one child -> Report.
"""
from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from . import sandbox
from .errors import OptimizeError, UsageProblem
from .measure import stats, timing
from .measure.memory import peak_memory
from .measure.scaling import Scaling, measure_scaling
from .model import Call, Candidate, CandidateResult, Check, LineProfile, Report, Timing
from .options import Options
from .sources import check_names, repair, run_sources
from .sources.candidates import CandidateProblem, as_candidates, materialize
from .sources.protocol import SourceRequest
from .study.profile import line_profile
from .verify.check import check_candidate
from .verify.compare import Tolerance
from .verify.describe import describe_call
from .verify.determinism import Determinism, check_determinism, mutates_arguments
from .verify.judge import parameter_names
from .verify.search import SHRINK_ALLOWANCE_S

Progress = Callable[[str, float], None]


def optimize(func: Callable, calls: Iterable[Any], *, candidates: Iterable[Any] = (),
             sources: Iterable[str] = (), progress: Progress | None = None, **options: Any) -> Report:
    """Verify and benchmark *candidates* (and those from *sources*) against *func*.

    calls: list of ``(args_tuple, kwargs_dict)`` the function is called with.
    candidates: source strings defining a function with func's name, or functions.
    sources: names of candidate sources to run.
    options: see `Options` (rtol, atol, exact, timeout, time_budget, min_gain, ...).
    """
    opts = Options.from_kwargs(**options)
    check_function(func)
    live = coerce_calls(calls)
    sources = tuple(sources)
    check_names(sources)
    run = _Run(func, live, opts, progress or (lambda message, fraction: None))
    return run.execute(list(candidates), sources)


def check_function(func: Any) -> None:
    if not inspect.isfunction(func):
        raise UsageProblem(f"optimize() needs a Python function defined with def, got {type(func).__name__}.")
    if inspect.iscoroutinefunction(func):
        raise UsageProblem(f"{func.__name__} is an async function; only plain functions can be optimized.")
    if inspect.isgeneratorfunction(func):
        raise UsageProblem(f"{func.__name__} is a generator; wrap it in a function that returns a list.")


def coerce_calls(calls: Iterable[Any]) -> list[Call]:
    out = []
    for i, item in enumerate(calls):
        if not isinstance(item, Call) and not (
            isinstance(item, (tuple, list)) and len(item) == 2
            and isinstance(item[0], (tuple, list)) and isinstance(item[1], dict)
        ):
            raise UsageProblem(
                f"calls[{i}] is {item!r:.60}; each call must be (args_tuple, kwargs_dict), e.g. ((img, mask), {{}})."
            )
        out.append(Call.coerce(item))
    if not out:
        raise UsageProblem("No calls to verify with: pass calls=[((x,), {})] with the inputs you use.")
    return out


@dataclass(frozen=True)
class OriginalStudy:
    profile: LineProfile | None
    determinism: Determinism
    mutates_args: bool
    pass_seconds: float  # one pass over the live calls


class _Run:
    def __init__(self, func: Callable, calls: list[Call], opts: Options, progress: Progress):
        self.func, self.calls, self.opts, self.progress = func, calls, opts, progress
        self.tol = Tolerance(opts.rtol, opts.atol, opts.exact)
        self.stage_seconds: dict[str, float] = {}
        self.notes: list[str] = []

    @contextmanager
    def stage(self, name: str, message: str, fraction: float):
        self.progress(message, fraction)
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stage_seconds[name] = self.stage_seconds.get(name, 0.0) + time.perf_counter() - started

    def execute(self, given: list[Any], sources: tuple[str, ...]) -> Report:
        with self.stage("study", "Profiling the original", 0.05):
            study = self._study()
        with self.stage("candidates", "Collecting candidates", 0.15):
            candidates = unique_names(as_candidates(given) + self._from_sources(sources, study))
        checks = self._verify_all(candidates, study)
        if self.opts.repair:
            self._repair(candidates, checks, study)
        survivors = {i: candidates[i] for i, c in checks.items() if isinstance(c, Check) and c.passed}
        with self.stage("benchmark", f"Benchmarking {len(survivors)} candidate(s)", 0.6):
            bench_out = self._benchmark(survivors, study) if survivors else _BenchOut({}, {}, None)
        results = [self._result(c, checks[i], bench_out.timings.get(i), bench_out.memory.get(i), study)
                   for i, c in enumerate(candidates)]
        scaling = None
        if self.opts.scaling:
            with self.stage("scaling", "Timing growing inputs", 0.85):
                scaling = self._scaling([r for r in results if r.verdict == "faster"], study)
        self.progress("Done", 1.0)
        return Report(
            function=self.func.__name__,
            original_source=_source(self.func),
            calls=tuple(describe_call(self.func.__name__, c.args, c.kwargs, parameter_names(self.func)) for c in self.calls),
            profile=study.profile,
            results=tuple(results),
            options=self.opts,
            stage_seconds=dict(self.stage_seconds),
            notes=tuple(self.notes),
            original_peak_memory=bench_out.original_memory,
            scaling=scaling,
        )

    # -- stages --------------------------------------------------------------

    def _study(self) -> OriginalStudy:
        func, calls, tol, opts = self.func, self.calls, self.tol, self.opts

        def job() -> OriginalStudy:
            started = time.perf_counter()
            determinism = check_determinism(func, calls, tol, opts.seed)
            pass_seconds = (time.perf_counter() - started) / 2
            mutates = mutates_arguments(func, calls, tol, determinism.seed)
            profile = line_profile(func, calls) if opts.profile else None
            return OriginalStudy(profile, determinism, mutates, pass_seconds)

        child = sandbox.run_isolated(job, timeout=opts.child_timeout, memory_limit_mb=opts.memory_limit_mb)
        if not child.ok:
            raise OptimizeError(f"Running the original {func.__name__} on its inputs failed: {child.error}")
        study: OriginalStudy = child.value
        if not study.determinism.deterministic:
            self.notes.append(study.determinism.reason)
        elif study.determinism.seed is not None:
            self.notes.append("The original uses random numbers: every run was seeded the same way.")
        return study

    def _request(self, study: OriginalStudy) -> SourceRequest:
        return SourceRequest(self.func, _source(self.func), tuple(self.calls), study.profile, self.opts,
                             lambda message: self.progress(message, 0.15))

    def _from_sources(self, names: tuple[str, ...], study: OriginalStudy) -> list[Candidate]:
        if not names:
            return []
        found = run_sources(names, self._request(study))
        self.notes.extend(found.notes)
        return found.candidates

    def _verify_all(self, candidates: list[Candidate], study: OriginalStudy, first: int = 0) -> dict[int, Check | str]:
        checks = {}
        for i, cand in enumerate(candidates[first:], first):
            message = f"Verifying {cand.name} ({i + 1}/{len(candidates)})"
            with self.stage("verify", message, 0.2 + 0.4 * i / max(len(candidates), 1)):
                checks[i] = self._verify(cand, study)
        return checks

    def _repair(self, candidates: list[Candidate], checks: dict, study: OriginalStudy) -> None:
        """Send each rejected candidate back to its source once; verify the fixes too."""
        rejected = [(c, checks[i]) for i, c in enumerate(candidates)
                    if isinstance(checks[i], Check) and checks[i].counterexample is not None]
        first = len(candidates)
        with self.stage("repair", f"Asking for repairs of {len(rejected)} candidate(s)", 0.5):
            for cand, check in rejected:
                fixed = repair(self._request(study), cand, check.counterexample)
                if fixed is not None:
                    candidates.append(fixed)
        checks.update(self._verify_all(candidates, study, first))

    def _verify(self, cand: Candidate, study: OriginalStudy) -> Check | str:
        """A Check, or a string: why the candidate could not be run at all."""
        if not study.determinism.deterministic:
            return "unverifiable"
        func, calls, tol, seed, opts = self.func, self.calls, self.tol, study.determinism.seed, self.opts

        def job() -> Check | str:
            try:
                candidate = materialize(cand, func)
            except CandidateProblem as problem:
                return str(problem)
            return check_candidate(func, candidate, calls, tol, seed, opts.examples, opts.verify_budget, opts.seed)

        child = sandbox.run_isolated(job, timeout=self._verify_limit(study), memory_limit_mb=self.opts.memory_limit_mb)
        if child.ok:
            return child.value
        if "timed out" in child.error and self.opts.timeout is None:
            return f"{child.error} (50x the original's time plus the input budget; set --timeout to allow more)"
        return child.error

    def _verify_limit(self, study: OriginalStudy) -> float:
        """The user's --timeout if given; else a candidate may take about 50x the
        original's time (plus the generated-input budget), at most the default."""
        if self.opts.timeout is not None:
            return self.opts.timeout
        adaptive = 5.0 + 50 * study.pass_seconds + 2 * self.opts.verify_budget + SHRINK_ALLOWANCE_S
        return min(self.opts.child_timeout, adaptive)

    def _benchmark(self, survivors: dict[int, Candidate], study: OriginalStudy) -> _BenchOut:
        func, calls, opts = self.func, self.calls, self.opts
        chosen = list(survivors.values())

        def job() -> tuple[timing.Samples, tuple[int, ...]]:
            funcs = [func] + [materialize(c, func) for c in chosen]
            samples = timing.measure(funcs, calls, opts.time_budget, study.mutates_args, opts.seed, opts.confidence)
            return samples, peak_memory(funcs, calls)

        child = sandbox.run_isolated(job, timeout=opts.time_budget + opts.child_timeout,
                                     memory_limit_mb=opts.memory_limit_mb)
        if not child.ok:
            return _BenchOut({i: f"could not be benchmarked: {child.error}" for i in survivors}, {}, None)
        samples, peaks = child.value
        timings = {i: self._timing(samples, k + 1, cand) for k, (i, cand) in enumerate(survivors.items())}
        memory = {i: peaks[k + 1] for k, i in enumerate(survivors)}
        return _BenchOut(timings, memory, peaks[0])

    def _scaling(self, faster: list[CandidateResult], study: OriginalStudy) -> Scaling | None:
        if not faster:
            self.notes.append("--scaling: no candidate is faster, so there is nothing to scale.")
            return None
        best = sorted(faster, key=lambda r: -(r.speedup or 0))[:3]
        func, calls, opts = self.func, self.calls, self.opts

        def job() -> Scaling:
            funcs = [func] + [materialize(r.candidate, func) for r in best]
            return measure_scaling(funcs, [r.name for r in best], calls, study.mutates_args, opts.time_budget)

        child = sandbox.run_isolated(job, timeout=opts.time_budget * 4 + opts.child_timeout,
                                     memory_limit_mb=opts.memory_limit_mb)
        if not child.ok:
            self.notes.append(f"--scaling could not finish: {child.error}")
            return None
        return child.value

    def _timing(self, samples: timing.Samples, k: int, cand: Candidate) -> Timing:
        orig, mine = samples.per_function[0], samples.per_function[k]
        ratio = stats.speedup_interval(orig, mine, self.opts.confidence)
        per_call = float(sorted(orig)[len(orig) // 2]) / len(self.calls)
        gain = stats.required_gain(self.opts.min_gain, per_call)
        warnings = stats.spread_warnings(orig, samples.first_call[0], "original")
        warnings += stats.spread_warnings(mine, samples.first_call[k], cand.name)
        return Timing(orig, mine, samples.loops[k], samples.loops[0], ratio.speedup, (ratio.low, ratio.high), gain, tuple(warnings))

    def _result(self, cand: Candidate, check: Check | str, timing: Timing | str | None, memory: int | None,
                study: OriginalStudy) -> CandidateResult:
        def result(verdict: str, reason: str, **extra) -> CandidateResult:
            return CandidateResult(cand.name, cand.origin, cand.source, verdict, reason,
                                   explanation=cand.explanation, candidate=cand, peak_memory=memory, **extra)

        if check == "unverifiable":
            return result("unverifiable", study.determinism.reason)
        if isinstance(check, str):
            return result("failed", check)
        if not check.passed:
            return result("incorrect", check.counterexample.difference if check.counterexample else "behaves differently", check=check)
        if isinstance(timing, str) or timing is None:
            return result("failed", timing or "was not benchmarked", check=check)
        low, high = timing.ci
        if stats.is_faster(low, timing.min_gain) and check.generated_passed == 0:
            return result("not_faster", f"{timing.speedup:.2f}x faster on the live inputs, but no generated input "
                          "was tried, so it is not offered (see --examples)", check=check, timing=timing)
        if stats.is_faster(low, timing.min_gain):
            return result("faster", f"{timing.speedup:.2f}x faster (interval {low:.2f}-{high:.2f}x)", check=check, timing=timing)
        return result("not_faster", f"{timing.speedup:.2f}x (interval {low:.2f}-{high:.2f}x) does not clear the "
                      f"{100 * timing.min_gain:.0f}% minimum gain", check=check, timing=timing)


@dataclass(frozen=True)
class _BenchOut:
    timings: dict  # candidate index -> Timing, or the reason it could not be timed
    memory: dict  # candidate index -> peak bytes
    original_memory: int | None


def unique_names(candidates: list[Candidate]) -> list[Candidate]:
    """Results are looked up by name: a repeated name gets ' (2)', ' (3)', ..."""
    seen: dict[str, int] = {}
    out = []
    for cand in candidates:
        seen[cand.name] = seen.get(cand.name, 0) + 1
        out.append(cand if seen[cand.name] == 1 else replace(cand, name=f"{cand.name} ({seen[cand.name]})"))
    return out


def _source(func: Callable) -> str | None:
    try:
        return inspect.getsource(func)
    except (OSError, TypeError):
        return None

"""How well the verifier tells right rewrites from wrong ones, and how fast.

Runs every original of the corpus in tests/corpus through `optimize` with the
default input budget (examples=200, verify_budget=1.5 s) and a short
benchmark, then prints the share of wrong candidates rejected, the share of
right ones passed, the verification time per candidate (median and max), the
same for originals that run in milliseconds or less, the same counts for the
pandas originals alone (with how many right ones were offered as faster)
and for the float reductions (issue 13), and one line per miss. Originals
with a documented domain (`Entry.assume`, tests/corpus/domains.py) run with
it, and once more without it: the right ones passed are counted both ways,
and how many of those rejected without the assumptions were rejected only on
an input outside the domain.

Goal (issue 3): every wrong candidate rejected and no right one (at least 95%
and zero); verifying one candidate of a millisecond function under 2 s.

    python benchmarks/verify_corpus.py [--only NAME ...] [--jobs N] [--examples N] [--verify-budget S] [--seed N]

Timings are per candidate, from the start of its verification to the start
of the next stage: the sandbox child, the live calls, the generated inputs
and, for a wrong one, shrinking its counterexample. Keep --jobs at 1 when the
times matter: parallel originals share the cores.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import timeit
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from corpus import ENTRIES, Entry, Outcome, define, floats, frames, verify_named  # noqa: E402

from jupyter_optimize.verify.edges import EDGE  # noqa: E402

MILLISECONDS = 0.01  # originals whose live calls take at most this long (s) count as "run in milliseconds"


def original_seconds(entry: Entry) -> float:
    """Seconds per pass of the original over its live calls (best of a few)."""
    func, calls = define(entry), entry.calls()

    def one_pass() -> None:
        for args, kwargs in calls:
            func(*args, **kwargs)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loops, seconds = timeit.Timer(one_pass).autorange()
        return seconds / loops


def run_one(name: str, options: dict, assumed: bool = True) -> tuple[list[Outcome], float]:
    started = time.perf_counter()
    outcomes = verify_named(name, assumed, **options)
    return outcomes, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", default=[], help="names of originals to run")
    parser.add_argument("--jobs", type=int, default=1, help="originals verified at once (default 1)")
    parser.add_argument("--examples", type=int, default=None, help="generated inputs per candidate")
    parser.add_argument("--verify-budget", type=float, default=None, help="seconds of generated inputs per candidate")
    parser.add_argument("--seed", type=int, default=None, help="the verifier's seed (default 0)")
    args = parser.parse_args()
    given = (("examples", args.examples), ("verify_budget", args.verify_budget), ("seed", args.seed))
    options = {k: v for k, v in given if v is not None}
    entries = [e for e in ENTRIES if not args.only or e.name in args.only]
    if not entries:
        parser.error(f"no original named {args.only}; known: {', '.join(e.name for e in ENTRIES)}")

    started = time.perf_counter()
    runs = run_all(entries, options, args.jobs, assumed=True)
    wall = time.perf_counter() - started
    unassumed = run_all([e for e in entries if e.assume], options, args.jobs, assumed=False)
    report(entries, runs, wall, options, args.jobs)
    report_domains(runs, unassumed)


def run_all(entries: list[Entry], options: dict, jobs: int, assumed: bool) -> list[tuple[list[Outcome], float]]:
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            n = len(entries)
            return list(pool.map(run_one, [e.name for e in entries], [options] * n, [assumed] * n))
    runs = []
    for entry in entries:
        runs.append(run_one(entry.name, options, assumed))
        bare = "" if assumed or not entry.assume else " (without its assumptions)"
        print(f"  {entry.name:<20} {runs[-1][1]:5.1f} s{bare}", file=sys.stderr, flush=True)
    return runs


def report(entries: list[Entry], runs: list[tuple[list[Outcome], float]], wall: float, options: dict, jobs: int) -> None:
    outcomes = [o for run, _ in runs for o in run]
    wrong = [o for o in outcomes if o.kind == "wrong"]
    right = [o for o in outcomes if o.kind == "right"]
    rejected = [o for o in wrong if o.rejected]
    passed = [o for o in right if o.as_expected]
    live = [o for o in rejected if o.caught_on == "live"]
    print(f"Verifier on the corpus: {len(entries)} originals, {len(right)} right and {len(wrong)} wrong candidates"
          f" (options {options or 'default'}, jobs {jobs})")
    print(f"  wrong candidates rejected: {len(rejected)}/{len(wrong)} = {_pct(rejected, wrong)}"
          f"   ({len(live)} on a live call, {len(rejected) - len(live)} on a generated input)   goal: >= 95%, ideally all")
    print(f"  right candidates passed:   {len(passed)}/{len(right)} = {_pct(passed, right)}"
          f"   ({len(right) - len(passed)} rejected)   goal: none rejected")
    print(f"  verification time per candidate: {_times(outcomes)}")
    print(f"    right ones:                    {_times(right)}")
    print(f"    wrong ones:                    {_times(wrong)}")
    per_pass = {e.name: original_seconds(e) for e in entries}
    fast = [o for o in outcomes if per_pass[o.entry] <= MILLISECONDS]
    spread = sorted(per_pass.values())
    print(f"  originals run in {spread[0] * 1e6:.1f} us .. {spread[-1] * 1e3:.2f} ms per pass over their live calls"
          f" (median {statistics.median(spread) * 1e6:.1f} us)")
    print(f"  candidates of originals taking <= {MILLISECONDS * 1e3:g} ms ({sum(v <= MILLISECONDS for v in spread)}"
          f" of {len(entries)} originals): {_times(fast)}   goal: median < 2 s")
    slowest = sorted(outcomes, key=lambda o: -o.seconds)[:3]
    print("  slowest: " + ", ".join(f"{o.entry} {o.label.split(':')[0]} {o.seconds:.2f} s" for o in slowest))
    print(f"  whole run: {wall:.0f} s wall, {sum(t for _, t in runs):.0f} s over the originals")
    report_pandas(outcomes)
    report_floats(outcomes)
    report_edges(outcomes)
    misses = [o for o in outcomes if not o.as_expected]
    if misses:
        print(f"\nMisses ({len(misses)}):")
        for o in misses:
            what = "wrong candidate NOT rejected" if o.kind == "wrong" else "right candidate REJECTED"
            print(f"  {o.entry} / {o.label}\n      {what}: {o.verdict} ({o.reason}) [{o.seconds:.1f} s,"
                  f" {o.inputs_tried} inputs tried]")
            for note in o.notes:
                print(f"      note: {note}")
            if o.counterexample:
                print("      " + o.counterexample.replace("\n", "\n      "))


def report_domains(runs: list[tuple[list[Outcome], float]], unassumed: list[tuple[list[Outcome], float]]) -> None:
    """Right candidates passed with and without the documented assumptions (issue 13)."""
    outcomes = [o for run, _ in runs for o in run]
    bare = [o for run, _ in unassumed for o in run]
    right = [o for o in outcomes if o.kind == "right"]
    assumed = [o for o in right if o.assumed]
    if not assumed:
        return
    bare_right = [o for o in bare if o.kind == "right"]
    bare_wrong = [o for o in bare if o.kind == "wrong"]
    passed_bare = [o for o in right if not o.assumed and o.as_expected] + [o for o in bare_right if o.as_expected]
    outside = [o for o in bare_right if o.rejected and o.outside_domain]
    print(f"  originals with a documented domain ({len({o.entry for o in assumed})}, "
          f"{len(assumed)} right candidates):")
    print(f"    right passed with the documented assumptions:    {sum(o.as_expected for o in right)}/{len(right)}"
          f"   (of those with one: {sum(o.as_expected for o in assumed)}/{len(assumed)})")
    print(f"    right passed without them:                       {len(passed_bare)}/{len(right)}"
          f"   (of those with one: {sum(o.as_expected for o in bare_right)}/{len(bare_right)};"
          f" {len(outside)} rejected only on an input outside the domain)")
    print(f"    wrong rejected without them:                     {sum(o.rejected for o in bare_wrong)}/{len(bare_wrong)}")


def report_pandas(outcomes: list[Outcome]) -> None:
    """The pandas originals (tests/corpus/frames.py) on their own: the issue 12 goal."""
    mine, wrong, right = _of(frames.ENTRIES, outcomes)
    if not mine:
        return
    rejected = [o for o in wrong if o.rejected]
    passed = [o for o in right if o.as_expected]
    faster = [o for o in right if o.verdict == "faster"]
    print(f"  pandas originals ({len({o.entry for o in mine})}):")
    print(f"    wrong candidates rejected:     {len(rejected)}/{len(wrong)} = {_pct(rejected, wrong)}")
    print(f"    right candidates passed:       {len(passed)}/{len(right)} = {_pct(passed, right)}")
    print(f"    right ones offered as faster:  {len(faster)}/{len(right)} = {_pct(faster, right)}")
    print(f"    verification time per candidate: {_times(mine)}")


def report_floats(outcomes: list[Outcome]) -> None:
    """The float reductions (tests/corpus/floats.py) on their own: issue 13's reassociation rule."""
    mine, wrong, right = _of(floats.ENTRIES, outcomes)
    if not mine:
        return
    print(f"  float reductions ({len({o.entry for o in mine})}): wrong rejected"
          f" {sum(o.rejected for o in wrong)}/{len(wrong)}, right passed {sum(o.as_expected for o in right)}/{len(right)}")


def _of(entries: tuple[Entry, ...], outcomes: list[Outcome]) -> tuple[list[Outcome], list[Outcome], list[Outcome]]:
    """The outcomes of *entries*' candidates: all, the wrong ones, the right ones."""
    names = {e.name for e in entries}
    mine = [o for o in outcomes if o.entry in names]
    return mine, [o for o in mine if o.kind == "wrong"], [o for o in mine if o.kind == "right"]


def report_edges(outcomes: list[Outcome]) -> None:
    """Rejections on a generated input beyond the live calls' data (issue 13): an edge
    (empty, NaN, a mask selecting nothing, ...) or an input like the user's own."""
    incorrect = [o for o in outcomes if o.verdict == "incorrect" and o.caught_on == "generated"]
    edge = [o for o in incorrect if o.reason.startswith(f"on {EDGE}")]
    suggested = [o for o in edge if "--assume" in o.reason]
    print(f"  generated counterexamples that were edge-only: {len(edge)}/{len(incorrect)} = {_pct(edge, incorrect)}"
          f"   ({len(suggested)} with a suggested --assume;"
          f" right candidates among them: {sum(o.kind == 'right' for o in edge)})")


def _pct(part: list, whole: list) -> str:
    return f"{100 * len(part) / len(whole):.1f}%" if whole else "n/a"


def _times(outcomes: list[Outcome]) -> str:
    seconds = [o.seconds for o in outcomes]
    if not seconds:
        return "n/a"
    return f"median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s (n={len(seconds)})"


if __name__ == "__main__":
    main()

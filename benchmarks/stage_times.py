"""Time of a full `%%optimize` of the demo with two candidates, stage by stage.

Runs the real magic in an IPython shell (no kernel) several times and prints
the time of each stage and of the whole cell. Goals: under 10 s; under 3 s with --quick.
With --slow-seconds S it also times a slow function (a pure-Python double loop of about S seconds
per call, one live call, one vectorized candidate) once, with the default options and with --quick;
goal for S = 1: under 30 s.

    python benchmarks/stage_times.py [--runs 5] [--quick] [--slow-seconds 1] [--slow-only]
"""
from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import numpy as np
from IPython.testing.globalipapp import start_ipython
from IPython.utils.capture import capture_output

from jupyter_optimize import demo


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="time `%%%%optimize ... --quick` (goal: < 3 s)")
    parser.add_argument("--slow-seconds", type=float, default=1.0,
                        help="seconds per call of the slow function (0: leave the slow case out)")
    parser.add_argument("--slow-only", action="store_true", help="time the slow function only")
    args = parser.parse_args()
    shell = start_ipython()
    shell.run_line_magic("load_ext", "jupyter_optimize")
    if not args.slow_only:
        demo_case(shell, args.runs, args.quick)
    if args.slow_seconds > 0:
        data = slow_input(args.slow_seconds)
        for quick in ("", " --quick"):
            slow_case(shell, data, args.slow_seconds, quick)


def demo_case(shell: Any, runs: int, quick_run: bool) -> None:
    img = demo.photograph(128)
    mask = demo.circle_mask(img.shape)
    shell.user_ns.update(np=demo.np, img=img, mask=mask, empty=demo.np.zeros_like(mask),
                         fast=demo.VECTORIZED, wrong=demo.ARGMAX)
    quick = " --quick" if quick_run else ""
    cell = ("%%optimize equalize(img, mask); equalize(img, empty) --candidate fast --candidate wrong -o rep"
            + quick + "\n" + demo.ORIGINAL)
    totals, stages = [], {}
    for _ in range(runs):
        with capture_output():  # the report itself is not the point here
            started = time.perf_counter()
            shell.run_cell(cell, silent=True)
            totals.append(time.perf_counter() - started)
        report = shell.user_ns["rep"]
        for name, seconds in report.stage_seconds.items():
            stages.setdefault(name, []).append(seconds)
        verdicts = [r.verdict for r in report.results]
    print(f"%%optimize{quick} on the demo (128x128, 2 live calls, 2 candidates), {runs} runs; verdicts {verdicts}")
    for name, values in stages.items():
        print(f"  {name:<11} median {statistics.median(values):6.2f} s   max {max(values):6.2f} s")
    goal = 3 if quick else 10
    print(f"  {'whole cell':<11} median {statistics.median(totals):6.2f} s   max {max(totals):6.2f} s   (goal: < {goal} s)")
    print(f"  speedup of the vectorized candidate in the last run: {shell.user_ns['rep'].results[0].speedup:.2f}x")



SLOW = """def pair_residues(xs):
    total = 0
    for a in xs:
        for b in xs:
            total += a * b % 7
    return total
"""
FAST = """def pair_residues(xs):
    counts = {}
    for x in xs:
        counts[x % 7] = counts.get(x % 7, 0) + 1
    return sum(counts[a] * counts[b] * (a * b % 7) for a in counts for b in counts)
"""


def slow_input(seconds: float) -> list[int]:
    """A list the slow (quadratic) function takes about *seconds* on (best of three timings of a probe)."""
    namespace: dict[str, Any] = {}
    exec(SLOW, namespace)
    probe = list(range(1500))
    timed = []
    for _ in range(3):
        started = time.perf_counter()
        namespace["pair_residues"](probe)
        timed.append(time.perf_counter() - started)
    n = int(len(probe) * (seconds / min(timed)) ** 0.5)
    return [int(v) for v in np.random.default_rng(1).integers(-10**6, 10**6, n)]


def slow_case(shell: Any, data: list[int], seconds: float, quick: str) -> None:
    """One %%optimize of a pure-Python loop taking about *seconds* per call, with one candidate."""
    shell.user_ns.update(np=np, data=data, fast=FAST)
    cell = f"%%optimize pair_residues(data) --candidate fast -o rep{quick}\n{SLOW}"
    shell.user_ns.pop("rep", None)
    with capture_output() as captured:
        started = time.perf_counter()
        shell.run_cell(cell, silent=True)
        total = time.perf_counter() - started
    if "rep" not in shell.user_ns:
        print(f"%%optimize{quick} of the slow function failed after {total:.1f} s:", captured.stdout[-2000:],
              captured.stderr[-2000:])
        return
    report = shell.user_ns["rep"]
    (result,) = report.results
    rounds = len(result.timing.original) if result.timing else 0
    print(f"%%optimize{quick} of a pure-Python double loop of ~{seconds:g} s per call ({len(data)} ints, "
          f"1 live call, 1 candidate): verdict {result.verdict} ({result.reason}); {rounds} timing rounds")
    for name, value in report.stage_seconds.items():
        print(f"  {name:<11} {value:7.2f} s")
    goal = "   (goal for ~1 s: < 30 s)" if seconds <= 1 else ""
    print(f"  {'whole cell':<11} {total:7.2f} s{goal}")
    for note in report.notes:
        print(f"  note: {note}")


if __name__ == "__main__":
    main()

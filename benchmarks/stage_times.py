"""Time of a full `%%optimize` of the demo with two candidates, stage by stage.

Runs the real magic in an IPython shell (no kernel) several times and prints
the time of each stage and of the whole cell. Goals: under 10 s; under 3 s with --quick.
With --slow-seconds S it also times a slow function (a pure-Python loop of about S seconds per
call, one live call, one vectorized candidate) once, with the default options and with --quick;
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



SLOW = """def energy(xs):
    total = 0.0
    for x in xs:
        total += x * x
    return total
"""
FAST = "def energy(xs):\n    return float(np.dot(xs, xs))\n"


def slow_input(seconds: float) -> np.ndarray:
    """An array the slow function takes about *seconds* on (best of three timings of a probe)."""
    namespace: dict[str, Any] = {}
    exec(SLOW, namespace)
    probe = np.random.default_rng(0).random(1_000_000)
    timed = []
    for _ in range(3):
        started = time.perf_counter()
        namespace["energy"](probe)
        timed.append(time.perf_counter() - started)
    return np.random.default_rng(1).random(max(1, int(seconds * len(probe) / min(timed))))


def slow_case(shell: Any, data: np.ndarray, seconds: float, quick: str) -> None:
    """One %%optimize of a pure-Python loop taking about *seconds* per call, with one candidate."""
    shell.user_ns.update(np=np, data=data, fast=FAST)
    cell = f"%%optimize energy(data) --candidate fast -o rep{quick}\n{SLOW}"
    with capture_output():
        started = time.perf_counter()
        shell.run_cell(cell, silent=True)
        total = time.perf_counter() - started
    report = shell.user_ns["rep"]
    (result,) = report.results
    rounds = len(result.timing.original) if result.timing else 0
    print(f"%%optimize{quick} of a pure-Python loop of ~{seconds:g} s per call ({len(data)} elements, "
          f"1 live call, 1 candidate): verdict {result.verdict} ({result.reason}); {rounds} timing rounds")
    for name, value in report.stage_seconds.items():
        print(f"  {name:<11} {value:7.2f} s")
    goal = "   (goal for ~1 s: < 30 s)" if seconds <= 1 else ""
    print(f"  {'whole cell':<11} {total:7.2f} s{goal}")
    for note in report.notes:
        print(f"  note: {note}")


if __name__ == "__main__":
    main()

"""Time of a full `%%optimize` of the demo with two candidates, stage by stage.

Runs the real magic in an IPython shell (no kernel) several times and prints
the time of each stage and of the whole cell. Goals: under 10 s; under 3 s with --quick.

    python benchmarks/stage_times.py [--runs 5] [--quick]
"""
from __future__ import annotations

import argparse
import statistics
import time

from IPython.testing.globalipapp import start_ipython
from IPython.utils.capture import capture_output

from jupyter_optimize import demo


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="time `%%%%optimize ... --quick` (goal: < 3 s)")
    args = parser.parse_args()
    runs = args.runs
    shell = start_ipython()
    shell.run_line_magic("load_ext", "jupyter_optimize")
    img = demo.photograph(128)
    mask = demo.circle_mask(img.shape)
    shell.user_ns.update(np=demo.np, img=img, mask=mask, empty=demo.np.zeros_like(mask),
                         fast=demo.VECTORIZED, wrong=demo.ARGMAX)
    quick = " --quick" if args.quick else ""
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


if __name__ == "__main__":
    main()

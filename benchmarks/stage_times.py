"""Time of a full `%%optimize` of the demo, stage by stage: given candidates and the default path.

Runs the real magic in an IPython shell (no kernel). Prints, in one run so
the figures compare as ratios on the same machine:

* the demo with two given candidates (goal: under 1 s);
* the default path, no --candidate (the offline sources), with --jobs 1 and
  with the default (one job per core) side by side, alternating (goals on 2
  cores: under 3 s, and at least 1.6x faster than --jobs 1);
* with --first-run, a first run in a fresh process against a second one
  (goal: at most 1.5x), each in a new interpreter.

    python benchmarks/stage_times.py [--runs 5] [--quick] [--first-run]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from IPython.testing.globalipapp import start_ipython
from IPython.utils.capture import capture_output

from jupyter_optimize import demo

GIVEN = "%%optimize equalize(img, mask); equalize(img, empty) --candidate fast --candidate wrong -o rep"
DEFAULT_PATH = "%%optimize equalize(img, mask); equalize(img, empty) -o rep"


def shell_with_demo():  # type: ignore[no-untyped-def]
    shell = start_ipython()
    shell.run_line_magic("load_ext", "jupyter_optimize")
    img = demo.photograph(128)
    mask = demo.circle_mask(img.shape)
    shell.user_ns.update(np=demo.np, img=img, mask=mask, empty=demo.np.zeros_like(mask),
                         fast=demo.VECTORIZED, wrong=demo.ARGMAX)
    return shell


def timed(shell, line: str) -> tuple[float, dict[str, float], list[str]]:  # type: ignore[no-untyped-def]
    with capture_output():  # the report itself is not the point here
        started = time.perf_counter()
        shell.run_cell(line + "\n" + demo.ORIGINAL, silent=True)
        seconds = time.perf_counter() - started
    report = shell.user_ns["rep"]
    return seconds, dict(report.stage_seconds), [f"{r.name}: {r.verdict}" for r in report.results]


def summary(label: str, runs: list[tuple[float, dict[str, float], list[str]]], goal: str = "") -> float:
    totals = [t for t, _, _ in runs]
    print(f"{label}: {len(runs)} runs; verdicts {runs[-1][2]}")
    for stage in runs[-1][1]:
        values = [stages.get(stage, 0.0) for _, stages, _ in runs]
        print(f"  {stage:<11} median {statistics.median(values):6.2f} s   max {max(values):6.2f} s")
    median = statistics.median(totals)
    print(f"  {'whole cell':<11} median {median:6.2f} s   max {max(totals):6.2f} s   {goal}")
    return median


def first_and_second(line: str, pause: float) -> tuple[float, float]:
    """A fresh interpreter: its first %%optimize (*pause* seconds after %load_ext, as a user types
    the next cell while the warm-up runs), then its second."""
    code = (f"import time\nfrom benchmarks.stage_times import shell_with_demo, timed\n"
            f"shell = shell_with_demo()\ntime.sleep({pause})\nfirst = timed(shell, {line!r})[0]\n"
            f"second = timed(shell, {line!r})[0]\nprint(first, second)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    first, second = map(float, out[-2:])
    return first, second


def report_first_runs() -> None:
    for label, line in (("two given candidates", GIVEN), ("default path", DEFAULT_PATH)):
        for pause in (0.0, 3.0):
            first, second = first_and_second(line, pause)
            print(f"{label}, first run {pause:g} s after %load_ext in a fresh process: {first:.2f} s, "
                  f"second {second:.2f} s: {first / second:.2f}x (goal: <= 1.5x)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="add --quick to every run")
    parser.add_argument("--first-run", action="store_true", help="also time a first run in a fresh process")
    args = parser.parse_args()
    quick = " --quick" if args.quick else ""
    shell = shell_with_demo()
    timed(shell, DEFAULT_PATH + quick)  # imports, numba's first compile: a kernel that has run before
    given = [timed(shell, GIVEN + quick) for _ in range(args.runs)]
    serial, parallel = [], []
    for _ in range(args.runs):  # alternating, so both see the same load
        serial.append(timed(shell, DEFAULT_PATH + " --jobs 1" + quick))
        parallel.append(timed(shell, DEFAULT_PATH + quick))
    print(f"%%optimize{quick} on the demo (128x128, 2 live calls)")
    summary("two given candidates", given, "(goal: < 1 s)")
    one = summary("default path, --jobs 1", serial)
    many = summary("default path, default jobs (the cores)", parallel, "(goal: < 3 s)")
    print(f"default path: default jobs {one / many:.2f}x faster than --jobs 1 (goal: >= 1.6x on 2 cores)")
    if args.first_run:
        report_first_runs()


if __name__ == "__main__":
    main()

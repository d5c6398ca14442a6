"""Time of a full `%%optimize` of the demo, stage by stage: given candidates and the default path.

Runs the real magic in an IPython shell (no kernel). Prints, in one run so
the figures compare as ratios on the same machine:

* the demo with two given candidates (goal: under 1 s);
* the default path, no --candidate (the offline sources), with --jobs 1 and
  with the default (one job per core) side by side, alternating (goals on 2
  cores: under 3 s, and at least 1.6x faster than --jobs 1);
* with --first-run, a first run in a fresh process against a second one
  (goal: at most 1.5x), each in a new interpreter;
* a slow function (a pure-Python double loop of about --slow-seconds S per
  call, one live call, one candidate), once with the default options and
  once with --quick (goal for S = 1: under 30 s).

    python benchmarks/stage_times.py [--runs 5] [--quick] [--first-run] [--slow-seconds 1] [--slow-only]
"""
from __future__ import annotations

import argparse
import functools
import statistics
import subprocess
import sys
import time
from typing import Any

import numpy as np
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
    best = [f"best {report.best.name} {report.best.speedup:.1f}x"] if report.best is not None else []
    return seconds, dict(report.stage_seconds), [f"{r.name}: {r.verdict}" for r in report.results] + best


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


def first_answers(runs: int, quick: bool) -> None:
    """The default path through the Python API with a first-answer callback (what the viewer shows first
    in a kernel): when the first answer came, and when the full report did."""
    import jupyter_optimize

    firsts: list[float] = []
    totals: list[float] = []

    def came(report: Any, pending: str, started: float) -> None:
        firsts.append(time.perf_counter() - started)

    for _ in range(runs):
        started = time.perf_counter()
        jupyter_optimize.optimize(demo.define(), demo.live_calls(128), sources=["rules", "numba"], quick=quick,
                                  first_answer=functools.partial(came, started=started))
        totals.append(time.perf_counter() - started)
    first = f"first answer median {statistics.median(firsts):.2f} s, " if firsts else "no first answer, "
    print(f"default path with a first answer (optimize(first_answer=...), {runs} runs): {first}"
          f"full report median {statistics.median(totals):.2f} s")


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
    parser.add_argument("--slow-seconds", type=float, default=1.0,
                        help="seconds per call of the slow function (0: leave the slow case out)")
    parser.add_argument("--slow-only", action="store_true", help="time the slow function only")
    args = parser.parse_args()
    quick = " --quick" if args.quick else ""
    shell = shell_with_demo()
    if not args.slow_only:
        demo_cases(shell, args, quick)
    if args.slow_seconds > 0:
        data = slow_input(args.slow_seconds)
        for slow_quick in ("", " --quick"):
            slow_case(shell, data, args.slow_seconds, slow_quick)


def demo_cases(shell: Any, args: argparse.Namespace, quick: str) -> None:
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
    first_answers(args.runs, bool(quick))
    if args.first_run:
        report_first_runs()


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
    goals = {"": "< 5 min", " --quick": "< 2 min"} if seconds >= 30 else {"": "< 30 s"} if seconds <= 1 else {}
    goal = f"   (goal for ~{seconds:g} s: {goals[quick]})" if quick in goals else ""
    print(f"  {'whole cell':<11} {total:7.2f} s{goal}")
    if result.timing:  # the machine's load changes what a pass costs: the cell in passes of the original
        one_pass = statistics.median(result.timing.original)
        print(f"  {'in passes':<11} {total / one_pass:7.2f} passes of the original ({one_pass:.1f} s each here)")
    for note in report.notes:
        print(f"  note: {note}")


if __name__ == "__main__":
    main()

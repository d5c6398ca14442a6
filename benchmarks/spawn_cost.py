"""What the spawn backend costs against fork: `%%optimize` of the demo with two candidates.

Runs the real magic in an IPython shell (no kernel). First the cold run: the
first `%%optimize` under spawn in this process, which starts the worker
(Python, numpy, the verifier). Then rounds that alternate fork and spawn,
so both see the same machine load, with the worker already started.
Each spawn run takes spare workers started in advance (one job per worker),
and their replacements start after it: the next round waits for them, as a
user reading the report would, so neither backend is timed while they start.
Prints the medians and their ratio (goal: spawn at most 1.5x fork with the
workers started), and how many workers were started in all.

    python benchmarks/spawn_cost.py [--rounds 5]
"""
from __future__ import annotations

import argparse
import statistics
import time

from IPython.testing.globalipapp import start_ipython
from IPython.utils.capture import capture_output

from jupyter_optimize import demo
from jupyter_optimize.sandbox import spawn


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    shell = start_ipython()
    shell.run_line_magic("load_ext", "jupyter_optimize")
    img = demo.photograph(128)
    mask = demo.circle_mask(img.shape)
    shell.user_ns.update(np=demo.np, img=img, mask=mask, fast=demo.VECTORIZED, wrong=demo.ARGMAX)
    cell = "%%optimize equalize(img, mask) --candidate fast --candidate wrong -o rep\n" + demo.ORIGINAL

    def run(method: str) -> tuple[float, list[str]]:
        shell.run_line_magic("config", f'Optimize.start_method = "{method}"')
        with capture_output():
            started = time.perf_counter()
            shell.run_cell(cell, silent=True)
            seconds = time.perf_counter() - started
        report = shell.user_ns["rep"]
        assert report.isolation.startswith(method), report.isolation
        spawn.wait_for_spares()
        return seconds, [r.verdict for r in report.results]

    run("fork")  # imports and caches warmed in this process, as in a kernel that has run before
    cold, verdicts = run("spawn")
    times: dict[str, list[float]] = {"fork": [], "spawn": []}
    seen: dict[str, list[str]] = {}
    for _ in range(args.rounds):
        for method in ("fork", "spawn"):
            seconds, seen[method] = run(method)
            times[method].append(seconds)
    print(f"%%optimize on the demo (128x128, 1 live call, 2 candidates), {args.rounds} rounds alternating fork/spawn")
    print(f"  verdicts: fork {seen['fork']}, spawn {seen['spawn']} (first spawn run {verdicts})")
    print(f"  spawn, first run in the process (starts its workers): {cold:6.2f} s")
    for method, values in times.items():
        print(f"  {method:<5} median {statistics.median(values):6.2f} s   min {min(values):6.2f} s   max {max(values):6.2f} s")
    ratio = statistics.median(times["spawn"]) / statistics.median(times["fork"])
    print(f"  spawn / fork, workers started: {ratio:.2f}x   (goal: <= 1.5x)")
    print(f"  workers started in all: {spawn.started} ({spawn.SPARES} spares; one job per worker)")


if __name__ == "__main__":
    main()

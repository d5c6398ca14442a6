"""What containment costs: a `%%optimize` of the demo with two candidates,
timed with and without it, interleaved in one run (goal: at most 1.2x).

"Without" uses `jupyter_optimize.sandbox.fork.CONTAIN = False`, a switch that
exists for this measurement only: the children then get no scratch folder and
no audit hook. Runs alternate (contained, uncontained, ...) so drift in the
machine's load falls on both. Also prints the audit hook's cost per event
that it does not watch (``id()``), the one a user's hot loop would pay, and
each stage's median both ways: the benchmark stage stops once its confidence
interval is tight, so its length is the noisiest part; use more runs on a
busy machine.

    python benchmarks/containment_cost.py [--runs 5]
"""
from __future__ import annotations

import argparse
import statistics
import time

from IPython.testing.globalipapp import start_ipython
from IPython.utils.capture import capture_output

from jupyter_optimize import demo
from jupyter_optimize.sandbox import containment, fork, run_isolated, scratch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    shell = start_ipython()
    shell.run_line_magic("load_ext", "jupyter_optimize")
    img = demo.photograph(128)
    mask = demo.circle_mask(img.shape)
    shell.user_ns.update(np=demo.np, img=img, mask=mask, empty=demo.np.zeros_like(mask),
                         fast=demo.VECTORIZED, wrong=demo.ARGMAX)
    cell = ("%%optimize equalize(img, mask); equalize(img, empty) --candidate fast --candidate wrong -o rep\n"
            + demo.ORIGINAL)
    times: dict[bool, list[float]] = {True: [], False: []}
    verdicts: dict[bool, list[str]] = {}
    stages: dict[bool, dict[str, list[float]]] = {True: {}, False: {}}
    for _ in range(runs):
        for contained in (True, False):
            fork.CONTAIN = contained
            with capture_output():
                started = time.perf_counter()
                shell.run_cell(cell, silent=True)
                times[contained].append(time.perf_counter() - started)
            report = shell.user_ns["rep"]
            verdicts[contained] = [r.verdict for r in report.results]
            for name, seconds in report.stage_seconds.items():
                stages[contained].setdefault(name, []).append(seconds)
    fork.CONTAIN = True
    on, off = statistics.median(times[True]), statistics.median(times[False])
    print(f"%%optimize on the demo (128x128, 2 live calls, 2 candidates), {runs} interleaved runs each")
    print(f"  contained     median {on:6.2f} s   verdicts {verdicts[True]}")
    print(f"  uncontained   median {off:6.2f} s   verdicts {verdicts[False]}")
    print(f"  ratio         {on / off:6.2f}x   (goal: at most 1.2x)")
    for name in stages[True]:
        with_it, without = (statistics.median(stages[c].get(name, [0.0])) for c in (True, False))
        print(f"    {name:<11} {with_it:6.2f} s contained, {without:6.2f} s uncontained")
    print(f"  child start   contained {_child_start(True) * 1e3:.1f} ms, uncontained {_child_start(False) * 1e3:.1f} ms")
    print(f"  hook cost     {_hook_cost_ns():.0f} ns per unwatched audit event (id())")


def _child_start(contained: bool, n: int = 20) -> float:
    """Median time of a child that does nothing: fork, scratch folder, mirror, hook, reap."""
    fork.CONTAIN = contained
    spent = []
    for _ in range(n):
        started = time.perf_counter()
        run_isolated(lambda: None, timeout=30, memory_limit_mb=512)
        spent.append(time.perf_counter() - started)
    fork.CONTAIN = True
    return statistics.median(spent)


def _hook_cost_ns(n: int = 1_000_000) -> float:
    def loop() -> float:
        started = time.perf_counter()
        for _ in range(n):
            id(n)
        return time.perf_counter() - started

    root = scratch.create_root()

    def with_and_without() -> tuple[float, float]:
        before = loop()
        containment.install(root, ".")  # in an uncontained child: the only hook
        return before, loop()

    fork.CONTAIN = False
    try:
        before, after = run_isolated(with_and_without, timeout=60, memory_limit_mb=512).value
    finally:
        fork.CONTAIN = True
        scratch.remove_root(root)
    return (after - before) / n * 1e9


if __name__ == "__main__":
    main()

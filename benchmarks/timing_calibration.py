"""Does the timing tell the truth? A/A, half-work and double-work candidates.

Each run verifies and benchmarks, with the default timing settings, three
candidates against a function that does a fixed amount of pure-Python work:
an identical copy (A/A: must not be called faster), one that does exactly
half the work (must measure 2.0x), and one that does double (must never be
called faster). Goals (issue 4): A/A `faster` in at most 1 run of 50; the
half-work candidate at 2.0x +- 10% (median over runs); double never `faster`.

    python benchmarks/timing_calibration.py [--runs 50] [--time-budget 3]
"""
from __future__ import annotations

import argparse
import statistics
import time

from jupyter_optimize import optimize

ORIGINAL = '''
def work(n):
    total = 0
    for _ in range(2):
        for i in range(n):
            total += i * i % 7
    return total // 2
'''
SAME = ORIGINAL
HALF = '''
def work(n):
    total = 0
    for i in range(n):
        total += i * i % 7
    return total
'''
DOUBLE = '''
def work(n):
    total = 0
    for _ in range(4):
        for i in range(n):
            total += i * i % 7
    return total // 4
'''


def define(source: str):
    namespace: dict = {}
    exec(compile(source, "<timing calibration>", "exec"), namespace)
    return namespace["work"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--time-budget", type=float, default=3.0)
    parser.add_argument("--n", type=int, default=5000, help="loop length (sets the time per call)")
    args = parser.parse_args()
    original = define(ORIGINAL)
    verdicts = {"A/A": [], "half": [], "double": []}
    speedups = {"A/A": [], "half": [], "double": []}
    started = time.perf_counter()
    for run in range(args.runs):
        report = optimize(original, [((args.n,), {})], candidates=[SAME, HALF, DOUBLE],
                          time_budget=args.time_budget, examples=20, verify_budget=0.3, profile=False, seed=run)
        for name, result in zip(verdicts, report.results):
            verdicts[name].append(result.verdict)
            speedups[name].append(result.speedup)
    took = time.perf_counter() - started
    t0 = time.perf_counter()
    original(args.n)
    one_call = time.perf_counter() - t0
    print(f"{args.runs} runs, time budget {args.time_budget:g} s, one call of the original ~{one_call * 1e3:.2f} ms; "
          f"{took:.0f} s in all")
    for name in verdicts:
        faster = verdicts[name].count("faster")
        median = statistics.median(speedups[name])
        print(f"  {name:<7} called faster in {faster:>2}/{args.runs} runs; speedup median {median:.3f}x, "
              f"range {min(speedups[name]):.3f}-{max(speedups[name]):.3f}x")
    aa_ok = verdicts["A/A"].count("faster") <= max(1, args.runs // 50)
    half = statistics.median(speedups["half"])
    print(f"goal A/A faster <= 1 in 50: {'met' if aa_ok else 'MISSED'}")
    print(f"goal half-work 2.0x +- 10%: {'met' if 1.8 <= half <= 2.2 else 'MISSED'} ({half:.3f}x)")
    print(f"goal double never faster: {'met' if 'faster' not in verdicts['double'] else 'MISSED'}")


if __name__ == "__main__":
    main()

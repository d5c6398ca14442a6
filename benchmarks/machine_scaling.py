"""How much faster this machine runs two busy Python processes side by side than one after the other.

The ceiling for `stage_times.py`'s "default jobs against --jobs 1" ratio: on a machine whose two cores
(or vCPUs) give 1.7x for two pure-Python loops, verification in two children cannot give 2x. Prints the
ratio for each of --runs tries, in one run.

    python benchmarks/machine_scaling.py [--runs 5] [--loops 3000000]
"""
from __future__ import annotations

import argparse
import multiprocessing
import time


def busy(loops: int) -> int:
    total = 0
    for i in range(loops):
        total += i * i
    return total


def one_try(loops: int) -> tuple[float, float]:
    started = time.perf_counter()
    busy(loops)
    busy(loops)
    serial = time.perf_counter() - started
    started = time.perf_counter()
    workers = [multiprocessing.Process(target=busy, args=(loops,)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return serial, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--loops", type=int, default=3_000_000)
    args = parser.parse_args()
    ratios = []
    for k in range(args.runs):
        serial, parallel = one_try(args.loops)
        ratios.append(serial / parallel)
        print(f"try {k + 1}: one after the other {serial:.2f} s, side by side {parallel:.2f} s: {ratios[-1]:.2f}x")
    print(f"two processes side by side: {min(ratios):.2f}x to {max(ratios):.2f}x faster (2.00x would be perfect)")


if __name__ == "__main__":
    main()

"""`python -m jupyter_optimize demo`: the seed story, headless.

Verifies and benchmarks the two rewrites of masked histogram equalization
against the loop version on a 128x128 photograph, prints the verdict table
and writes an HTML report whose path it prints.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import demo
from .errors import OptimizeError
from .model import Candidate
from .pipeline import optimize
from .render import html, text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jupyter_optimize")
    commands = parser.add_subparsers(dest="command", required=True)
    run_demo = commands.add_parser("demo", help="verify and benchmark the histogram-equalization rewrites")
    run_demo.add_argument("--size", type=int, default=128, help="image side in pixels (default 128)")
    run_demo.add_argument("--html", type=Path, default=Path("optimize-report.html"), help="where to write the HTML report")
    run_demo.add_argument("--time-budget", type=float, default=3.0, help="seconds of benchmarking (default 3)")
    run_demo.add_argument("--scaling", action="store_true", help="also time growing inputs and fit exponents")
    args = parser.parse_args(argv)
    try:
        return _demo(args.size, args.html, args.time_budget, args.scaling)
    except OptimizeError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2


def _demo(size: int, html_path: Path, time_budget: float, scaling: bool) -> int:
    print(f"Masked histogram equalization of a {size}x{size} photograph; live call: a round mask (never an empty one).")
    started = time.perf_counter()
    report = optimize(
        demo.define(),
        demo.live_calls(size, include_empty_mask=False),  # the empty mask is an edge the search must find
        candidates=[_named("vectorized", demo.VECTORIZED), _named("argmax", demo.ARGMAX)],
        time_budget=time_budget,
        scaling=scaling,
        progress=lambda message, fraction: print(f"  {message} ...", flush=True),
    )
    page = html.render(report, plots=True)
    html_path.write_text(f"<!doctype html><meta charset='utf-8'><title>jupyter-optimize demo</title>{page}")
    print()
    print(text.render(report))
    print(f"\nHTML report: {html_path.resolve()}  (the whole run took {time.perf_counter() - started:.1f} s)")
    return 0


def _named(name: str, source: str) -> Candidate:
    return Candidate(name, "user", source=source)


if __name__ == "__main__":
    sys.exit(main())

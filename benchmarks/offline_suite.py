"""The offline sources ("rules", and "numba" when installed) on slow notebook-style functions.

For each function in `offline_functions.CASES`: run ``optimize(..., sources=...)``
on its live calls, print the best verified speedup, the source and rules that
found it, and the seconds the tool took; then check the accepted candidate
once more on held-out inputs, outside the tool. Totals at the end: how many
functions got a speedup, the geometric mean of the best speedups (1x where
none), and how many accepted candidates were wrong on held-out inputs
(goal: speedups on >= 8, geometric mean > 5x, no wrong candidate accepted).

The pandas part (`pandas_functions.CASES`, issue 17) is reported the same
way, with its own totals (goal: speedups on >= 10 of 12, geometric mean
>= 20x, no wrong candidate accepted).

    python benchmarks/offline_suite.py [--part numpy pandas] [--sources rules numba] [--only NAME ...] [--quick]
"""
from __future__ import annotations

import argparse
import copy
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from offline_functions import CASES, Case  # noqa: E402

import jupyter_optimize  # noqa: E402
from jupyter_optimize.sources.candidates import materialize  # noqa: E402
from jupyter_optimize.verify.compare import Tolerance, difference  # noqa: E402


def held_out_problem(case: Case, result) -> str | None:
    """How the accepted candidate differs from the original on held-out inputs, or None."""
    candidate = materialize(result.candidate, case.func)
    for args, kwargs in case.held_out():
        outcomes = []
        for func in (case.func, candidate):
            try:
                outcomes.append(("value", func(*copy.deepcopy(args), **copy.deepcopy(kwargs))))
            except Exception as exc:  # the same exception type counts as the same behaviour
                outcomes.append(("raised", type(exc).__name__))
        (kind_a, a), (kind_b, b) = outcomes
        found = f"{kind_a} vs {kind_b}" if kind_a != kind_b else difference(a, b, Tolerance())
        if found:
            return found
    return None


def run_case(name: str, case: Case, sources: list[str], options: dict) -> dict:
    started = time.perf_counter()
    report = jupyter_optimize.optimize(case.func, case.calls(), sources=sources, **options)
    seconds = time.perf_counter() - started
    best = report.best
    wrong = held_out_problem(case, best) if best else None
    verdicts = [r.verdict for r in report.results]
    return {"name": name, "best": best, "seconds": seconds, "wrong": wrong, "verdicts": verdicts,
            "candidates": len(report.results)}


def print_row(row: dict) -> None:
    best = row["best"]
    speed = f"{best.speedup:8.1f}x" if best else "       -"
    found = best.name if best else f"no faster candidate ({_tally(row['verdicts'])})"
    check = "  WRONG on held-out: " + row["wrong"] if row["wrong"] else ""
    print(f"{row['name']:<22} {speed}  {row['seconds']:6.1f} s  {found}{check}", flush=True)


def _tally(verdicts: list[str]) -> str:
    if not verdicts:
        return "no rule applies"
    return ", ".join(f"{verdicts.count(v)} {v}" for v in dict.fromkeys(verdicts))


GOALS = {"numpy": (8, 5.0), "pandas": (10, 20.0)}  # functions sped up, geometric mean


def print_totals(rows: list[dict], part: str = "numpy") -> None:
    sped = [r for r in rows if r["best"]]
    speedups = [r["best"].speedup if r["best"] else 1.0 for r in rows]
    geomean = math.exp(sum(math.log(s) for s in speedups) / len(speedups))
    wrong = sum(1 for r in rows if r["wrong"])
    print("-" * 78)
    least, mean = GOALS[part]
    print(f"functions with a verified speedup: {len(sped)} of {len(rows)}   (goal: >= {least})")
    print(f"geometric mean of best speedups:   {geomean:.1f}x (1x where none)   (goal: >= {mean:g}x)")
    print(f"wrong candidates accepted:         {wrong}   (goal: 0)")
    print(f"tool time: {sum(r['seconds'] for r in rows):.0f} s in total, "
          f"{sum(r['candidates'] for r in rows)} candidates verified")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", nargs="+", default=["rules", "numba"])
    parser.add_argument("--part", nargs="+", choices=["numpy", "pandas"], default=["numpy", "pandas"])
    parser.add_argument("--only", nargs="+", default=None, help="names of functions (of the parts chosen)")
    parser.add_argument("--quick", action="store_true", help="shorter benchmarking and verification")
    args = parser.parse_args()
    sources = [s for s in args.sources if s != "numba" or _has_numba()]
    options = {"quick": True} if args.quick else {}
    for part in args.part:
        cases = _cases(part)
        names = [n for n in (args.only or cases) if n in cases]
        if not names:
            continue
        print(f"== {part} part; sources: {', '.join(sources)}; {len(names)} functions")
        print(f"{'function':<22} {'best':>9}  {'tool':>8}  found by")
        rows = []
        for name in names:
            rows.append(run_case(name, cases[name], sources, options))
            print_row(rows[-1])
        print_totals(rows, part)


def _cases(part: str) -> dict[str, Case]:
    if part == "numpy":
        return CASES
    from pandas_functions import CASES as PANDAS_CASES
    return PANDAS_CASES


def _has_numba() -> bool:
    try:
        import numba  # noqa: F401
    except ImportError:
        print("numba is not installed: running the rules only")
        return False
    return True


if __name__ == "__main__":
    main()

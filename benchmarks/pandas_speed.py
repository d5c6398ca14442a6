"""How fast pandas values are judged: one frame comparison, and one candidate's verification.

(a) `jupyter_optimize.verify.compare.difference` on two 1,000,000-row frames of
    a float, an int and a str column: equal, and with one cell changed
    (the first, the middle and the last row, since a comparison may stop early).
    Best of a few runs each, next to the time `pandas.testing.assert_frame_equal`
    (with the same tolerances) takes to judge the same pair.
(b) `jupyter_optimize.optimize` of a notebook-style function over a 100,000-row
    frame with one correct vectorized candidate, default budgets; the
    verification stage's time from `report.stage_seconds["verify"]`, with the
    verdict, its reason and the inputs tried.
(c) The input generator on that 100,000-row frame: building the drawer once,
    then 200 generated inputs (seeded), per input.

Goals (issue 12): (a) well under 1 s; (b) under 3 s on 2 cores; (c) a few ms. Figures are
printed as measured; nothing is asserted. Either part is reported, not raised,
when the code it measures is missing or fails.

    python benchmarks/pandas_speed.py [--rows N] [--verify-rows N] [--runs N] [--skip-compare] [--skip-verify]
        [--skip-draw] [--draws N]
"""
from __future__ import annotations

import argparse
import time
import traceback
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

COMPARE_GOAL = 1.0  # seconds: "well under a second"
VERIFY_GOAL = 3.0  # seconds

ORIGINAL = '''
def with_tax(orders):
    out = orders.copy()
    out["gross"] = out["price"].apply(lambda p: p * 1.25 if p > 100 else p)
    out["label"] = out["city"].apply(lambda c: c.upper())
    return out
'''

VECTORIZED = '''
def with_tax(orders):
    out = orders.copy()
    out["gross"] = out["price"].where(out["price"] <= 100, out["price"] * 1.25)
    if out["city"].isna().any():  # the row-wise apply raises on a missing city (a float has no .upper)
        return out["city"].apply(lambda c: c.upper())
    out["label"] = out["city"].str.upper()
    return out
'''


def frame(rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "price": rng.random(rows) * 200,
        "qty": rng.integers(0, 50, rows),
        "city": rng.choice(["Oslo", "Bergen", "Tromsø", "Stavanger"], rows),
    })


def best_of(runs: int, work: Callable[[], object]) -> tuple[float, object]:
    """The shortest of *runs* timings of *work*, and what it returned the last time."""
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def with_one_cell_changed(original: pd.DataFrame, row: int) -> pd.DataFrame:
    changed = original.copy()
    changed.iloc[row, 0] += 1.0
    return changed


def compare_frames(rows: int, runs: int) -> None:
    from jupyter_optimize.verify import compare

    original = frame(rows)
    cases = {"equal (a copy)": original.copy()}
    cases.update({f"one cell differs (row {row:,})": with_one_cell_changed(original, row)
                  for row in (0, rows // 2, rows - 1)})
    print(f"(a) difference() on two {rows:,}-row frames ({', '.join(f'{c} {t}' for c, t in original.dtypes.items())}),"
          f" best of {runs}; goal well under {COMPARE_GOAL:.0f} s")
    for case, other in cases.items():
        seconds, said = best_of(runs, partial(compare.difference, original, other))
        reference, _ = best_of(runs, partial(pandas_reference, original, other))
        print(f"    {case:32s} {seconds:7.3f} s = {seconds / reference:4.1f}x assert_frame_equal ({reference:.3f} s)"
              f" = {seconds / COMPARE_GOAL:.2f} of the goal")
        print(f"      -> {'same' if said is None else said}")


def pandas_reference(original: pd.DataFrame, other: pd.DataFrame) -> bool:
    """pandas' own judgement with tolerance (the issue's reference semantics): True when the same."""
    try:
        pd.testing.assert_frame_equal(original, other, check_exact=False, rtol=1e-7, atol=1e-10)
        return True
    except AssertionError:
        return False


def verify_candidate(rows: int) -> None:
    from jupyter_optimize import optimize
    from jupyter_optimize.sources.candidates import register_source

    namespace: dict[str, Any] = {"np": np, "pd": pd}
    exec(compile(ORIGINAL, register_source(ORIGINAL, "with_tax"), "exec"), namespace)
    print(f"(b) optimize() of with_tax over a {rows:,}-row frame, one correct vectorized candidate, default budgets;"
          f" goal: verify under {VERIFY_GOAL:.0f} s")
    started = time.perf_counter()
    report = optimize(namespace["with_tax"], [((frame(rows, seed=1),), {})], candidates=[VECTORIZED], sources=(),
                      time_budget=0.5)
    total = time.perf_counter() - started
    stages = ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in report.stage_seconds.items())
    verify = report.stage_seconds.get("verify")
    shown = "not recorded" if verify is None else f"{verify:.2f} s ({verify / VERIFY_GOAL:.2f} of the goal)"
    print(f"    verify stage: {shown}; whole optimize(): {total:.2f} s ({stages})")
    for result in report.results:
        tried = result.check.inputs_tried if result.check else 0
        generated = result.check.generated_passed if result.check else 0
        print(f"    candidate {result.name}: {result.verdict} — {result.reason}")
        print(f"    inputs tried {tried} (distinct generated inputs passed: {generated})")
        if result.counterexample is not None:
            print("    " + repr(result.counterexample).replace("\n", "\n    "))


def draw_frames(rows: int, count: int) -> None:
    """(c) The input generator on a live frame: building its drawer once, then *count* draws."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as fixed_seed

    from jupyter_optimize.model import Call
    from jupyter_optimize.verify.inputs import calls_like

    namespace: dict[str, object] = {}
    exec(ORIGINAL, namespace)
    started = time.perf_counter()
    strategy = calls_like(namespace["with_tax"], [Call((frame(rows),))])  # type: ignore[arg-type]
    built = time.perf_counter() - started
    sizes: list[int] = []

    @fixed_seed(0)
    @settings(max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def draw(call: Call) -> None:
        sizes.append(len(call.args[0]))

    started = time.perf_counter()
    draw()
    seconds = time.perf_counter() - started
    print(f"(c) generated frames like a {rows:,}-row live frame: drawer built in {built * 1e3:.0f} ms; "
          f"{len(sizes)} draws in {seconds:.2f} s = {seconds / max(len(sizes), 1) * 1e3:.1f} ms per input "
          f"(median {int(np.median(sizes)):,} rows, {sum(n == rows for n in sizes)} at the live size); goal: a few ms")


def guarded(part: Callable[[], None]) -> None:
    """Run one part; if it fails (e.g. pandas support not merged yet), say how and go on."""
    try:
        part()
    except Exception:
        print("    failed:\n      " + traceback.format_exc().strip().replace("\n", "\n      "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the compared frames")
    parser.add_argument("--verify-rows", type=int, default=100_000, help="rows of the verified function's frame")
    parser.add_argument("--runs", type=int, default=5, help="runs of each comparison (the best is shown)")
    parser.add_argument("--skip-compare", action="store_true")
    parser.add_argument("--skip-verify", action="store_true")
    parser.add_argument("--skip-draw", action="store_true")
    parser.add_argument("--draws", type=int, default=200, help="generated inputs drawn in part (c)")
    args = parser.parse_args()
    print(f"pandas {pd.__version__}, numpy {np.__version__}")
    if not args.skip_compare:
        guarded(lambda: compare_frames(args.rows, args.runs))
    if not args.skip_verify:
        guarded(lambda: verify_candidate(args.verify_rows))
    if not args.skip_draw:
        guarded(lambda: draw_frames(args.verify_rows, args.draws))


if __name__ == "__main__":
    main()

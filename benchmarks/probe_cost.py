"""What the rules' probe (learning the kinds of a function's variables, in a child) costs against one plain
run of the function in a child, on a pandas row loop that starts about a million Python frames.

    python benchmarks/probe_cost.py [--rows 15000]
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from jupyter_optimize import sandbox
from jupyter_optimize.model import Call
from jupyter_optimize.options import Options
from jupyter_optimize.sandbox import limits
from jupyter_optimize.sources.rules.engine.probe import learn_kinds


def revenue(df):
    out = []
    for _, row in df.iterrows():
        out.append(row["sales"] * row["price"])
    return pd.Series(out, index=df.index)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=15000)
    parser.add_argument("--repeat", type=int, default=3)
    rows = parser.parse_args().rows
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"sales": rng.integers(0, 100, rows), "price": rng.random(rows)})
    within = limits.for_probe(Options())
    plain, probe = [], []
    for _ in range(parser.parse_args().repeat):
        started = time.perf_counter()
        assert sandbox.run_within(lambda: revenue(df) is not None, within).ok
        plain.append(time.perf_counter() - started)
        started = time.perf_counter()
        seen = learn_kinds(revenue, [Call.coerce(((df,), {}))], within)
        probe.append(time.perf_counter() - started)
        assert "row" in seen.kinds, seen.note
    print(f"{rows} rows: plain run in a child {min(plain):.2f} s, probe {min(probe):.2f} s: "
          f"{min(probe) / min(plain):.1f}x a plain run (best of {len(plain)})")


if __name__ == "__main__":
    main()

"""Originals whose right rewrites differ only outside any sensible use (issue 13):
a negative window, an empty array, n < 0, bins < 1, axis = 2. Each entry
documents the `assume` that states the domain; its right candidates are
rejected without it (on an input outside it) and pass with it, and its wrong
candidate has a witness inside the domain, so it stays rejected with it.

The live arrays here have fewer than 8 elements along the summed axis, so the
generated ones do too: numpy then adds them in the loop's order, and these
entries test the domain, not floating-point reassociation."""
from __future__ import annotations

import numpy as np

from . import Entry, Wrong, code


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


ENTRIES = (
    Entry(
        about="a moving average: negative windows and windows longer than the data are outside the domain",
        original=code("""
            def moving_average(x, w):
                out = []
                for i in range(len(x) - w + 1):
                    s = 0.0
                    for j in range(w):
                        s += x[i + j]
                    out.append(s / w)
                return np.array(out)
        """),
        calls=lambda: [((_rng(30).random(7), 3), {}), ((_rng(31).random(6), 2), {})],
        assume=("w >= 1 and len(x) >= w",),
        right=(
            code("""
                def moving_average(x, w):
                    return np.convolve(x, np.ones(w), "valid") / w
            """),
        ),
        wrong=(
            Wrong(code("""
                def moving_average(x, w):
                    return np.convolve(np.nan_to_num(x), np.ones(w), "valid") / w
            """), "NaN counted as 0 (and inf as the float maximum)", (np.array([np.nan, 1.0, 2.0]), 2)),
        ),
    ),
    Entry(
        about="a mean: the empty array is outside the domain (the loop divides by zero, np.mean warns and gives NaN)",
        original=code("""
            def average_of(x):
                total = 0.0
                for v in x:
                    total += v
                return total / len(x)
        """),
        calls=lambda: [((_rng(32).random(7),), {}), ((_rng(33).normal(size=5),), {})],
        assume=("len(x) > 0",),
        right=(
            code("""
                def average_of(x):
                    return np.mean(x)
            """),
        ),
        wrong=(
            Wrong(code("""
                def average_of(x):
                    return np.nanmean(x)
            """), "skips NaN", (np.array([1.0, np.nan]),)),
        ),
    ),
    Entry(
        about="a variance: the empty array is outside the domain",
        original=code("""
            def variance_of(x):
                m = 0.0
                for v in x:
                    m += v
                m = m / len(x)
                total = 0.0
                for v in x:
                    total += (v - m) * (v - m)
                return total / len(x)
        """),
        # readings with a large offset, as sensors and clocks give: where the textbook formula loses everything
        calls=lambda: [((_rng(34).random(7),), {}), ((_rng(35).normal(size=6),), {}), ((1e3 + _rng(36).random(7),), {})],
        assume=("len(x) > 0",),
        right=(
            code("""
                def variance_of(x):
                    return np.var(x)
            """),
        ),
        wrong=(
            Wrong(code("""
                def variance_of(x):
                    return np.mean(x * x) - np.mean(x) ** 2
            """), "the textbook formula cancels catastrophically on a large offset",
                (np.array([1e8, 1e8 + 1.0, 1e8 + 2.0]),)),
        ),
    ),
    Entry(
        about="an iterative Fibonacci: negative n is outside the domain (the loop returns 0, fast doubling recurses forever)",
        original=code("""
            def fib(n):
                a, b = 0, 1
                for _ in range(n):
                    a, b = b, a + b
                return a
        """),
        calls=lambda: [((30,), {}), ((55,), {})],
        assume=("n >= 0",),
        right=(
            code("""
                def fib(n):
                    def pair(k):
                        if k == 0:
                            return 0, 1
                        a, b = pair(k >> 1)
                        c = a * (2 * b - a)
                        d = a * a + b * b
                        return (d, c + d) if k & 1 else (c, d)
                    return pair(n)[0]
            """),
        ),
        wrong=(
            Wrong(code("""
                def fib(n):
                    a, b = 1, 1
                    for _ in range(n - 1):
                        a, b = b, a + b
                    return a
            """), "fib(0) is 1", (0,)),
        ),
    ),
    Entry(
        about="a bin counter: bins < 1 is outside the domain (the loop indexes an empty list, bincount refuses)",
        original=code("""
            def count_bins(values, bins):
                counts = [0] * bins
                for v in values:
                    counts[v % bins] += 1
                return counts
        """),
        calls=lambda: [((_rng(36).integers(0, 100, 60), 4), {}), ((_rng(37).integers(-50, 50, 40), 3), {})],
        assume=("bins >= 1",),
        right=(
            code("""
                def count_bins(values, bins):
                    return np.bincount(np.asarray(values) % bins, minlength=bins).tolist()
            """),
        ),
        wrong=(
            Wrong(code("""
                def count_bins(values, bins):
                    return np.bincount(np.asarray(values) % bins).tolist()
            """), "no minlength: empty top bins are dropped", (np.array([0, 1]), 5)),
        ),
    ),
    Entry(
        about="sums along an axis: an axis other than 0 and 1 is outside the domain",
        original=code("""
            def totals(a, axis):
                rows, cols = a.shape
                if axis == 0:
                    return np.array([sum((a[i, j] for i in range(rows)), 0.0) for j in range(cols)])
                return np.array([sum((a[i, j] for j in range(cols)), 0.0) for i in range(rows)])
        """),
        calls=lambda: [((_rng(38).random((6, 5)), 0), {}), ((_rng(39).random((5, 7)), 1), {})],
        assume=("axis in (0, 1)",),
        right=(
            code("""
                def totals(a, axis):
                    return a.sum(axis=axis)
            """),
        ),
        wrong=(
            Wrong(code("""
                def totals(a, axis):
                    return np.nansum(a, axis=axis)
            """), "skips NaN", (np.array([[np.nan, 1.0]]), 0)),
        ),
    ),
)

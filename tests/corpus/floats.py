"""Originals that sum floats in a loop, and their vectorized rewrites (issue 13).

numpy sums pairwise, BLAS groups a dot or matrix product as it likes, and
np.convolve adds each window in its own order: the right rewrites here round
differently from their loops, sometimes (cancelling terms) in every digit
that is left. Under the reassociation rule (README, "What behaves the same
means") they pass, on generated inputs with NaN, +-inf, -0.0 and large
values in them. What stays wrong: float32 accumulation where the loop adds
in float64, NaN or infinity handled differently, a term dropped from each sum.
"""
from __future__ import annotations

import numpy as np

from . import Entry, Wrong, code

CANCELLING = np.array([1.0, 1e-4, -1.0])  # float32 keeps 4 of the small term's digits, float64 all but the last few
CLOSE_PAIR = np.array([1000.0, 1000.1])  # float32 holds 1000.1 as 1000.09998: a variance off by 5e-4 of itself
CANCELLING_ROWS = np.array([[1.0, 1e-4, -1.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _prices() -> np.ndarray:
    return _rng(101).lognormal(3.0, 1.0, 300)


def _quarters(seed: int, shape: int | tuple[int, ...]) -> np.ndarray:
    """Multiples of 1/4 in [-25, 25): float32 holds them and their short sums exactly, so a
    float32 rewrite looks right on the live call and only the generated floats show it."""
    return _rng(seed).integers(-100, 100, shape) / 4.0


def _signal() -> np.ndarray:
    return np.sin(np.linspace(0, 12, 400)) + _rng(102).normal(0, 0.3, 400)


def _readings() -> np.ndarray:
    return _rng(103).normal(20.0, 5.0, 250)  # none missing today: the NaN the loop skips is the generator's


ENTRIES = (
    Entry(
        about="a float sum: pairwise against left to right",
        original=code("""
            def float_total(x):
                s = 0.0
                for v in x:
                    s += v
                return s
        """),
        calls=lambda: [((_prices(),), {})],
        right=(
            "def float_total(x):\n    return np.sum(x)\n",
            "def float_total(x):\n    return float(x.sum())\n",
        ),
        wrong=(
            Wrong("def float_total(x):\n    return np.sum(x, dtype=np.float32)\n",
                  "accumulates in float32", (CANCELLING,)),
            Wrong("def float_total(x):\n    return float(x.astype(np.float32).sum())\n",
                  "casts to float32 before summing", (CANCELLING,)),
            Wrong("def float_total(x):\n    return np.nansum(x)\n",
                  "skips NaN the loop propagates", (np.array([np.nan, 1.0]),)),
            Wrong("def float_total(x):\n    return float(x[1:].sum())\n",
                  "drops the first element", (np.array([1.0]),)),
        ),
    ),
    Entry(
        about="a NaN-skipping sum: np.nansum",
        original=code("""
            def nan_skipping_total(x):
                s = 0.0
                for v in x:
                    if not math.isnan(v):
                        s += v
                return s
        """),
        calls=lambda: [((_readings(),), {})],
        right=(
            "def nan_skipping_total(x):\n    return np.nansum(x)\n",
            "def nan_skipping_total(x):\n    return float(x[~np.isnan(x)].sum())\n",
        ),
        wrong=(
            Wrong("def nan_skipping_total(x):\n    return np.sum(x)\n",
                  "NaN propagates where the loop skips it", (np.array([np.nan, 1.0]),)),
            Wrong("def nan_skipping_total(x):\n    return np.nansum(x[np.isfinite(x)])\n",
                  "skips infinities too", (np.array([np.inf, 1.0]),)),
            Wrong("def nan_skipping_total(x):\n    return float(np.nansum(x.astype(np.float32)))\n",
                  "sums in float32", (CANCELLING,)),
            Wrong("def nan_skipping_total(x):\n    return np.nansum(x[:-1])\n",
                  "drops the last element", (np.array([1.0]),)),
        ),
    ),
    Entry(
        about="a mean: np.mean, an empty array still raises",
        original=code("""
            def float_average(x):
                s = 0.0
                for v in x:
                    s += v
                return s / len(x)
        """),
        calls=lambda: [((_prices(),), {})],
        right=(
            code("""
                def float_average(x):
                    if len(x) == 0:
                        raise ZeroDivisionError("float division by zero")
                    return np.mean(x)
            """),
            "def float_average(x):\n    return float(np.sum(x)) / len(x)\n",
        ),
        wrong=(
            Wrong(code("""
                def float_average(x):
                    if len(x) == 0:
                        raise ZeroDivisionError("float division by zero")
                    return np.mean(x, dtype=np.float32)
            """), "accumulates in float32", (CANCELLING,)),
            Wrong(code("""
                def float_average(x):
                    if len(x) == 0:
                        raise ZeroDivisionError("float division by zero")
                    return np.nanmean(x)
            """), "skips NaN the loop propagates", (np.array([np.nan, 1.0]),)),
            Wrong("def float_average(x):\n    return float(np.sum(x[1:])) / len(x)\n",
                  "drops the first element", (np.array([1.0]),)),
        ),
    ),
    Entry(
        about="a two-pass variance: np.var",
        original=code("""
            def float_variance(x):
                n = len(x)
                m = sum(x) / n
                return sum((v - m) ** 2 for v in x) / n
        """),
        calls=lambda: [((_signal(),), {})],
        right=(
            code("""
                def float_variance(x):
                    if len(x) == 0:
                        raise ZeroDivisionError("division by zero")
                    return np.var(x)
            """),
            code("""
                def float_variance(x):
                    if len(x) == 0:
                        raise ZeroDivisionError("division by zero")
                    d = x - x.mean()
                    return float(d @ d) / len(x)
            """),
        ),
        wrong=(
            Wrong(code("""
                def float_variance(x):
                    if len(x) == 0:
                        raise ZeroDivisionError("division by zero")
                    return np.var(x, ddof=1)
            """), "divides by n - 1", (np.array([0.0, 1.0]),)),
            Wrong(code("""
                def float_variance(x):
                    if len(x) == 0:
                        raise ZeroDivisionError("division by zero")
                    return float(np.var(x.astype(np.float32)))
            """), "computes in float32", (CLOSE_PAIR,)),
            Wrong(code("""
                def float_variance(x):
                    if len(x) == 0:
                        raise ZeroDivisionError("division by zero")
                    return np.nanvar(x)
            """), "skips NaN the loop propagates", (np.array([np.nan, 1.0, 2.0]),)),
        ),
    ),
    Entry(
        about="a standard deviation: np.std",
        original=code("""
            def float_std(x):
                n = len(x)
                m = sum(x) / n
                return math.sqrt(sum((v - m) ** 2 for v in x) / n)
        """),
        calls=lambda: [((_prices(),), {})],
        right=(
            code("""
                def float_std(x):
                    if len(x) == 0:
                        raise ZeroDivisionError("division by zero")
                    return float(np.std(x))
            """),
        ),
        wrong=(
            Wrong(code("""
                def float_std(x):
                    if len(x) == 0:
                        raise ZeroDivisionError("division by zero")
                    return float(np.std(x.astype(np.float32)))
            """), "computes in float32", (CLOSE_PAIR,)),
            Wrong(code("""
                def float_std(x):
                    if len(x) == 0:
                        raise ZeroDivisionError("division by zero")
                    return float(np.nanstd(x))
            """), "skips NaN the loop propagates", (np.array([np.nan, 1.0, 2.0]),)),
            Wrong(code("""
                def float_std(x):
                    finite = x[np.isfinite(x)]
                    if len(finite) == 0:
                        raise ZeroDivisionError("division by zero")
                    return float(np.std(finite))
            """), "leaves out infinities (and NaN), where the loop gives nan", (np.array([np.inf, 1.0]),)),
        ),
    ),
    Entry(
        about="a dot product: BLAS against a loop",
        original=code("""
            def dot_product(a, b):
                s = 0.0
                for x, y in zip(a, b):
                    s += x * y
                return s
        """),
        calls=lambda: [((_quarters(105, 128), _quarters(106, 128)), {})],
        right=(
            "def dot_product(a, b):\n    return float(np.dot(a, b))\n",
            "def dot_product(a, b):\n    return np.sum(a * b)\n",
        ),
        wrong=(
            Wrong("def dot_product(a, b):\n    return float(np.dot(a.astype(np.float32), b.astype(np.float32)))\n",
                  "multiplies in float32", (np.array([1000.1, -1000.0]), np.ones(2))),
            Wrong("def dot_product(a, b):\n    return float(np.dot(a[1:], b[1:]))\n",
                  "drops the first product", (np.array([1.0]), np.array([1.0]))),
            Wrong("def dot_product(a, b):\n    return np.nansum(a * b)\n",
                  "skips NaN products the loop propagates", (np.array([np.nan]), np.array([1.0]))),
        ),
    ),
    Entry(
        about="a running total: np.cumsum adds in the loop's order",
        original=code("""
            def float_running_total(x):
                out = []
                s = 0.0
                for v in x:
                    s += v
                    out.append(s)
                return out
        """),
        calls=lambda: [((np.abs(_quarters(109, 300)),), {})],
        right=(
            "def float_running_total(x):\n    return np.cumsum(x).tolist()\n",
            "def float_running_total(x):\n    return list(itertools.accumulate(x))\n",
        ),
        wrong=(
            Wrong("def float_running_total(x):\n    return np.cumsum(x, dtype=np.float32).tolist()\n",
                  "accumulates in float32", (CANCELLING,)),
            Wrong("def float_running_total(x):\n    return np.nancumsum(x).tolist()\n",
                  "skips NaN the loop propagates", (np.array([np.nan, 1.0]),)),
            Wrong("def float_running_total(x):\n    return np.concatenate(([0.0], np.cumsum(x)[:-1])).tolist()\n",
                  "the total before each element, not after it", (np.array([1.0]),)),
        ),
    ),
    Entry(
        about="a moving average: np.convolve",
        original=code("""
            def windowed_mean(x, w):
                if w < 1:
                    raise ValueError("window must be at least 1")
                out = []
                for i in range(len(x) - w + 1):
                    out.append(sum(x[i:i + w]) / w)
                return np.array(out)
        """),
        calls=lambda: [((_quarters(110, 400), 8), {})],
        right=(
            code("""
                def windowed_mean(x, w):
                    if w < 1:
                        raise ValueError("window must be at least 1")
                    if w > len(x):
                        return np.zeros(0)
                    return np.convolve(x, np.ones(w), mode="valid") / w
            """),
            code("""
                def windowed_mean(x, w):
                    if w < 1:
                        raise ValueError("window must be at least 1")
                    if w > len(x):
                        return np.zeros(0)
                    return np.convolve(x, np.full(w, 1.0 / w), mode="valid")
            """),
        ),
        wrong=(
            Wrong(code("""
                def windowed_mean(x, w):
                    if w < 1:
                        raise ValueError("window must be at least 1")
                    if w > len(x):
                        return np.zeros(0)
                    sums = np.convolve(x.astype(np.float32), np.ones(w, np.float32), mode="valid")
                    return sums.astype(np.float64) / w
            """), "sums the windows in float32", (CANCELLING, 3)),
            Wrong(code("""
                def windowed_mean(x, w):
                    if w < 1:
                        raise ValueError("window must be at least 1")
                    if w > len(x):
                        return np.zeros(0)
                    return np.convolve(x, np.r_[np.ones(w - 1), 0.0], mode="valid") / w
            """), "leaves one element out of every window", (np.array([1.0]), 1)),
            Wrong(code("""
                def windowed_mean(x, w):
                    if w < 1:
                        raise ValueError("window must be at least 1")
                    if w > len(x):
                        return np.zeros(0)
                    return np.convolve(np.nan_to_num(x), np.ones(w), mode="valid") / w
            """), "turns NaN into 0 and infinities into the float limit", (np.array([np.nan]), 1)),
        ),
    ),
    Entry(
        about="a matrix product: @ for a triple loop",
        original=code("""
            def matmul_loops(a, b):
                n, m = a.shape
                if b.shape[0] != m:
                    raise ValueError("shapes do not match")
                p = b.shape[1]
                out = np.zeros((n, p))
                for i in range(n):
                    for j in range(p):
                        s = 0.0
                        for k in range(m):
                            s += a[i, k] * b[k, j]
                        out[i, j] = s
                return out
        """),
        calls=lambda: [((_quarters(107, (12, 12)), _quarters(108, (12, 12))), {})],
        right=(
            "def matmul_loops(a, b):\n    return a @ b\n",
            "def matmul_loops(a, b):\n    return np.dot(a, b)\n",
        ),
        wrong=(
            Wrong("def matmul_loops(a, b):\n    return (a.astype(np.float32) @ b.astype(np.float32)).astype(np.float64)\n",
                  "multiplies in float32", (CANCELLING_ROWS, np.ones((3, 3)))),
            Wrong("def matmul_loops(a, b):\n    return a[:, 1:] @ b[1:, :]\n",
                  "drops the first term of every sum", (np.ones((1, 1)), np.ones((1, 1)))),
            Wrong("def matmul_loops(a, b):\n    return np.nan_to_num(a) @ np.nan_to_num(b)\n",
                  "turns NaN into 0", (np.array([[np.nan]]), np.ones((1, 1)))),
        ),
    ),
)

"""Originals over Python numbers: floor vs truncating division, NaN in
checks, -0.0, integers past float precision, negative divisors."""
from __future__ import annotations

import math

from . import Entry, Wrong, code

ENTRIES = (
    Entry(
        about="floor division of negatives, rounding, division by zero",
        original=code("""
            def percent(part, whole):
                if whole == 0:
                    return 0
                return 100 * part // whole
        """),
        calls=lambda: [((30, 60), {})],
        right=("def percent(part, whole):\n    return divmod(100 * part, whole)[0] if whole else 0\n",),
        wrong=(
            Wrong("def percent(part, whole):\n    return int(100 * part / whole) if whole else 0\n",
                  "int() truncates toward zero, // floors: differs for negative results", (-1, 3)),
            Wrong("def percent(part, whole):\n    return round(100 * part / whole) if whole else 0\n",
                  "rounds instead of flooring", (2, 3)),
            Wrong("def percent(part, whole):\n    return 100 * part // whole\n",
                  "whole == 0 raises ZeroDivisionError instead of returning 0", (1, 0)),
        ),
    ),
    Entry(
        about="NaN passes the original's check; missing check; log of an underflowing ratio",
        original=code("""
            def log_ratio(a, b):
                if a <= 0 or b <= 0:
                    raise ValueError("both must be positive")
                return math.log(a / b)
        """),
        calls=lambda: [((3.0, 2.0), {})],
        right=(
            code("""
                def log_ratio(a, b):
                    if any(v <= 0 for v in (a, b)):
                        raise ValueError("both must be positive")
                    return math.log(a / b)
            """),
        ),
        wrong=(
            Wrong(code("""
                def log_ratio(a, b):
                    if not (a > 0 and b > 0):
                        raise ValueError("both must be positive")
                    return math.log(a / b)
            """), "NaN: raises where the original returns nan", (math.nan, 1.0)),
            Wrong(code("""
                def log_ratio(a, b):
                    if min(a, b) <= 0:
                        raise ValueError("both must be positive")
                    return math.log(a / b)
            """), "min(nan, -1.0) is nan, so a negative b next to a NaN a slips through", (math.nan, -1.0)),
            Wrong(code("""
                def log_ratio(a, b):
                    if a <= 0 or b <= 0:
                        raise ValueError("both must be positive")
                    return math.log(a) - math.log(b)
            """), "b = inf: a / b is 0 and log raises, log(a) - log(b) is -inf", (1.0, math.inf)),
            Wrong("def log_ratio(a, b):\n    return math.log(a / b)\n",
                  "no check: two negatives give a positive ratio and a value", (-1.0, -2.0)),
        ),
    ),
    Entry(
        about="-0.0 and NaN in a sign test",
        original=code("""
            def sign_label(x):
                if x > 0:
                    return "positive"
                if x < 0:
                    return "negative"
                return "zero"
        """),
        calls=lambda: [((2.5,), {})],
        right=('def sign_label(x):\n    return ("zero", "positive", "negative")[(x > 0) - (x < 0)]\n',),
        wrong=(
            Wrong(code("""
                def sign_label(x):
                    if math.copysign(1.0, x) < 0:
                        return "negative"
                    return "positive" if x > 0 else "zero"
            """), "-0.0 has a negative sign bit but is not < 0", (-0.0,)),
            Wrong('def sign_label(x):\n    return {1.0: "positive", -1.0: "negative", 0.0: "zero"}[float(np.sign(x))]\n',
                  "NaN: np.sign(nan) is nan, a KeyError instead of 'zero'", (math.nan,)),
        ),
    ),
    Entry(
        about="integers past 2**53, negative divisors",
        original=code("""
            def bins_needed(t_ns, bin_ns):
                bins = t_ns // bin_ns
                if t_ns % bin_ns:
                    bins += 1
                return bins
        """),
        calls=lambda: [((1_700_000_000_000_000_000, 1_000_000_000), {})],
        right=("def bins_needed(t_ns, bin_ns):\n    return -(-t_ns // bin_ns)\n",),
        wrong=(
            Wrong("def bins_needed(t_ns, bin_ns):\n    return math.ceil(t_ns / bin_ns)\n",
                  "float division loses integers past 2**53", (10**18 + 1, 1)),
            Wrong("def bins_needed(t_ns, bin_ns):\n    return (t_ns + bin_ns - 1) // bin_ns\n",
                  "the (n + d - 1) // d trick is wrong for a negative divisor", (5, -2)),
        ),
    ),
)

"""Originals over lists and dicts: lost ordering, empty inputs, NaN in
comparisons, slicing bounds, argument mutation, missing exceptions."""
from __future__ import annotations

import math

from . import Entry, Wrong, code

ENTRIES = (
    Entry(
        about="set loses first-appearance order",
        original=code("""
            def unique_in_order(items):
                seen = set()
                out = []
                for x in items:
                    if x not in seen:
                        seen.add(x)
                        out.append(x)
                return out
        """),
        # sorted small ints: a set of them iterates in the same order
        calls=lambda: [(([1, 1, 2, 3, 3, 3, 5, 8, 8, 13],), {})],
        right=("def unique_in_order(items):\n    return list(dict.fromkeys(items))\n",),
        wrong=(
            Wrong("def unique_in_order(items):\n    return list(set(items))\n",
                  "a set does not keep first-appearance order", ([2, 1],)),
            Wrong("def unique_in_order(items):\n    return np.unique(items).tolist()\n",
                  "np.unique sorts", ([2, 1],)),
        ),
    ),
    Entry(
        about="dict key order, Counter type",
        original=code("""
            def word_counts(words):
                counts = {}
                for w in words:
                    counts[w] = counts.get(w, 0) + 1
                return counts
        """),
        calls=lambda: [((["apple", "apple", "banana", "cherry", "banana", "date"],), {})],
        right=("def word_counts(words):\n    return dict(collections.Counter(words))\n",),
        wrong=(
            Wrong("def word_counts(words):\n    return dict(sorted(collections.Counter(words).items()))\n",
                  "keys in sorted order, not first-appearance order", (["b", "a"],)),
            Wrong("def word_counts(words):\n    return collections.Counter(words)\n",
                  "returns a Counter, not a dict", (["a"],)),
            Wrong("def word_counts(words):\n    return dict(zip(*(a.tolist() for a in np.unique(words, return_counts=True))))\n",
                  "np.unique sorts the words", (["b", "a"],)),
        ),
    ),
    Entry(
        about="NaN in max(), empty list",
        original=code("""
            def largest(values):
                best = None
                for v in values:
                    if best is None or v > best:
                        best = v
                return best
        """),
        calls=lambda: [(([0.5, 2.25, -1.0, 3.5, 1.75, 0.0, 2.5, -3.0],), {})],
        right=("def largest(values):\n    return max(values, default=None)\n",),
        wrong=(
            Wrong("def largest(values):\n    return float(np.max(values)) if values else None\n",
                  "np.max propagates a NaN that the comparisons skip", ([1.0, math.nan],)),
            Wrong("def largest(values):\n    return max(values)\n",
                  "empty list raises ValueError instead of returning None", ([],)),
            Wrong("def largest(values):\n    return sorted(values)[-1] if values else None\n",
                  "sorting with a leading NaN leaves it in place; the last element differs", ([math.nan, 1.0],)),
        ),
    ),
    Entry(
        about="xs[-0:] is the whole list; n past the length",
        original=code("""
            def last_n(xs, n):
                out = []
                for i in range(max(len(xs) - n, 0), len(xs)):
                    out.append(xs[i])
                return out
        """),
        calls=lambda: [(([4, 8, 15, 16, 23, 42, 7, 9, 11, 3], 3), {})],
        right=(
            "def last_n(xs, n):\n    return xs[max(len(xs) - n, 0):]\n",
            "def last_n(xs, n):\n    return xs[-n:] if n > 0 else []\n",
        ),
        wrong=(
            Wrong("def last_n(xs, n):\n    return xs[-n:]\n", "n == 0: xs[-0:] is the whole list", ([1, 2], 0)),
            Wrong("def last_n(xs, n):\n    return xs[len(xs) - n:]\n",
                  "n > len(xs): a negative start counts from the end", ([1, 2, 3], 5)),
        ),
    ),
    Entry(
        about="group order, fsum on inf - inf",
        original=code("""
            def total_by_group(groups, values):
                totals = {}
                for g, v in zip(groups, values):
                    totals[g] = totals.get(g, 0.0) + v
                return totals
        """),
        calls=lambda: [((["a", "a", "b", "c", "b", "c", "d", "a"],
                         [1.5, 2.0, 0.25, 3.0, 1.0, 0.5, 2.5, 4.0]), {})],
        right=(
            code("""
                def total_by_group(groups, values):
                    totals = collections.defaultdict(float)
                    for g, v in zip(groups, values):
                        totals[g] += v
                    return dict(totals)
            """),
        ),
        wrong=(
            Wrong(code("""
                def total_by_group(groups, values):
                    return {g: sum(v for h, v in zip(groups, values) if h == g) for g in sorted(set(groups))}
            """), "groups in sorted order, not first-appearance order", (["b", "a"], [1.0, 2.0])),
            Wrong(code("""
                def total_by_group(groups, values):
                    return {g: math.fsum(v for h, v in zip(groups, values) if h == g) for g in dict.fromkeys(groups)}
            """), "fsum raises on inf + -inf where the plain sum gives nan", (["a", "a"], [math.inf, -math.inf])),
        ),
    ),
    Entry(
        about="sorting the caller's list in place; even lengths; empty list",
        original=code("""
            def median_of(values):
                s = sorted(values)
                n = len(s)
                if n == 0:
                    raise ValueError("median of empty data")
                mid = n // 2
                return s[mid] if n % 2 else (s[mid - 1] + s[mid]) / 2
        """),
        calls=lambda: [(([1.5, 2.0, 3.25, 4.0, 7.5],), {})],
        right=("def median_of(values):\n    return statistics.median(values)\n",),
        wrong=(
            Wrong(code("""
                def median_of(values):
                    values.sort()
                    n = len(values)
                    if n == 0:
                        raise ValueError("median of empty data")
                    mid = n // 2
                    return values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2
            """), "sorts the caller's list in place", ([2.0, 1.0, 3.0],)),
            Wrong("def median_of(values):\n    return float(np.median(values))\n",
                  "empty list: nan instead of ValueError", ([],)),
            Wrong("def median_of(values):\n    return sorted(values)[len(values) // 2]\n",
                  "even length: takes the upper middle instead of averaging the two", ([1.0, 2.0],)),
        ),
    ),
    Entry(
        about="empty list must raise; integer division",
        original=code("""
            def mean_of(values):
                return sum(values) / len(values)
        """),
        calls=lambda: [(([3, 5, 8, 13],), {})],
        right=("def mean_of(values):\n    return statistics.fmean(values)\n",),
        wrong=(
            Wrong("def mean_of(values):\n    return float(np.mean(values))\n",
                  "empty list: nan instead of ZeroDivisionError", ([],)),
            Wrong("def mean_of(values):\n    return sum(values) // len(values)\n",
                  "integer division: an int, and floored", ([3, 4],)),
            Wrong("def mean_of(values):\n    return statistics.mean(values)\n",
                  "statistics.mean returns an int when the mean of ints is whole", ([2, 4],)),
        ),
    ),
    Entry(
        about="missing keys must raise; itemgetter with zero or one key",
        original=code("""
            def lookup_all(table, keys):
                return [table[k] for k in keys]
        """),
        calls=lambda: [(({"a": 1, "b": 2, "c": 3, "d": 4}, ["a", "c", "d"]), {})],
        right=("def lookup_all(table, keys):\n    return list(map(table.__getitem__, keys))\n",),
        wrong=(
            Wrong("def lookup_all(table, keys):\n    return [table.get(k) for k in keys]\n",
                  "a missing key gives None instead of KeyError", ({"a": 1}, ["z"])),
            Wrong("def lookup_all(table, keys):\n    return list(operator.itemgetter(*keys)(table))\n",
                  "no keys: itemgetter() raises TypeError; one key: not a tuple", ({"a": 1}, [])),
        ),
    ),
)

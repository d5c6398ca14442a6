"""Originals over numpy arrays: wraparound, empty and constant arrays, NaN,
dtype changes on rarely taken branches, ties, argument mutation."""
from __future__ import annotations

import numpy as np

from . import Entry, Wrong, code

I64 = np.iinfo(np.int64)
I32 = np.iinfo(np.int32)


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _dim_image() -> np.ndarray:
    """A 20x20 uint8 image of 0s and 1s whose sum stays below 256."""
    img = (_rng(1).random((20, 20)) < 0.4).astype(np.uint8)
    assert 0 < img.sum() < 256
    return img


def _photo() -> np.ndarray:
    img = _rng(2).integers(0, 256, (32, 32)).astype(np.uint8)
    img[0, 0] = 255
    return img


def _dark_pair() -> tuple[np.ndarray, np.ndarray]:
    a = _rng(3).integers(0, 128, (16, 16)).astype(np.uint8)
    return a, a // 2  # a >= b everywhere, values below 128


def _counts_in(lo: int, hi: int) -> np.ndarray:
    x = _rng(4).integers(0, 100, 100).astype(np.int64)
    x[(x == lo) | (x == hi)] += 1  # no element sits on a bound
    return x


def _timestamps() -> np.ndarray:
    return np.cumsum(_rng(5).integers(1, 1000, 50)).astype(np.int64)


ENTRIES = (
    Entry(
        about="uint8 sums wrap around",
        original=code("""
            def total_brightness(img):
                total = 0
                for row in img:
                    for v in row:
                        total += int(v)
                return total
        """),
        calls=lambda: [((_dim_image(),), {})],
        right=(
            "def total_brightness(img):\n    return int(img.sum())\n",
            "def total_brightness(img):\n    return int(img.astype(np.int64).sum())\n",
        ),
        wrong=(
            Wrong("def total_brightness(img):\n    return int(img.sum(dtype=np.uint8))\n",
                  "sums in uint8: wraps modulo 256", (np.full((2, 2), 255, np.uint8),)),
            Wrong("def total_brightness(img):\n    return int(img.astype(np.int8).sum())\n",
                  "casts to int8: pixels above 127 turn negative", (np.array([[200]], np.uint8),)),
            Wrong("def total_brightness(img):\n    return int(np.add.reduce(img.ravel(), dtype=np.uint16))\n",
                  "sums in uint16: wraps once the total passes 65535 (257+ white pixels)",
                  (np.full((17, 16), 255, np.uint8),)),
        ),
    ),
    Entry(
        about="empty mask, NaN, int instead of float",
        original=code("""
            def masked_mean(values, mask):
                total = 0.0
                count = 0
                for v, m in zip(values, mask):
                    if m:
                        total += v
                        count += 1
                if count == 0:
                    return 0.0
                return total / count
        """),
        calls=lambda: [((_rng(6).random(200), _rng(7).random(200) < 0.5), {})],
        # numpy's sum is pairwise, the loop's is left to right: until issue 13
        # the mean was wrong here because -inf then two float maxima give nan
        # pairwise and -inf left to right ([-inf, max, 0, ..., max, 0, ...]). Which
        # order a sum overflows in is rounding, not behaviour: the generator no
        # longer draws floats a sum can overflow with, and the mean is right.
        right=(
            code("""
                def masked_mean(values, mask):
                    picked = values[mask]
                    return picked.cumsum()[-1] / picked.size if picked.size else 0.0
            """),
            "def masked_mean(values, mask):\n    return float(values[mask].mean()) if mask.any() else 0.0\n",
        ),
        wrong=(
            Wrong("def masked_mean(values, mask):\n    return float(values[mask].mean())\n",
                  "empty mask: mean of nothing is nan, not 0.0",
                  (np.array([1.0, 2.0]), np.array([False, False]))),
            Wrong("def masked_mean(values, mask):\n    return float(np.nanmean(values[mask])) if mask.any() else 0.0\n",
                  "skips NaN values the original propagates",
                  (np.array([np.nan, 1.0]), np.array([True, True]))),
            Wrong("def masked_mean(values, mask):\n    return values[mask].sum() / mask.sum() if mask.any() else 0\n",
                  "empty mask: returns int 0 instead of float 0.0",
                  (np.array([1.0]), np.array([False]))),
        ),
    ),
    Entry(
        about="constant arrays, inf - inf, dtype on a rare branch",
        original=code("""
            def normalize(x):
                lo, hi = x.min(), x.max()
                if hi == lo:
                    return np.zeros_like(x, dtype=float)
                return (x - lo) / (hi - lo)
        """),
        calls=lambda: [((_rng(8).normal(size=100),), {})],
        right=(
            code("""
                def normalize(x):
                    lo, hi = x.min(), x.max()
                    if hi == lo:
                        return np.zeros(x.shape)
                    out = x - lo
                    out /= hi - lo
                    return out
            """),
        ),
        wrong=(
            Wrong("def normalize(x):\n    return (x - x.min()) / np.ptp(x)\n",
                  "constant array: 0/0 gives nan instead of zeros", (np.ones(3),)),
            Wrong(code("""
                def normalize(x):
                    lo = x.min()
                    span = x.max() - lo
                    if span == 0:
                        return np.zeros(x.shape)
                    return (x - lo) / span
            """), "constant array of inf: inf - inf is nan, so span == 0 misses it", (np.full(3, np.inf),)),
            Wrong(code("""
                def normalize(x):
                    lo, hi = x.min(), x.max()
                    if hi == lo:
                        return np.zeros_like(x, dtype=np.float32)
                    return (x - lo) / (hi - lo)
            """), "constant array: float32 zeros instead of float64", (np.ones(3),)),
        ),
    ),
    Entry(
        about="all-zero and empty images, assumed full range",
        original=code("""
            def to_unit(img):
                top = img.max() if img.size else 0
                if top == 0:
                    return np.zeros(img.shape)
                return img / top
        """),
        calls=lambda: [((_photo(),), {})],
        right=(
            code("""
                def to_unit(img):
                    top = int(img.max(initial=0))
                    return img / top if top else np.zeros(img.shape)
            """),
            code("""
                def to_unit(img):
                    top = int(img.max(initial=0))
                    return img * (1.0 / top) if top else np.zeros(img.shape)
            """),
        ),
        wrong=(
            Wrong("def to_unit(img):\n    return img / img.max()\n",
                  "all-zero image gives nan, empty image raises", (np.zeros((2, 2), np.uint8),)),
            Wrong(code("""
                def to_unit(img):
                    top = img.max() if img.size else 0
                    if top == 0:
                        return np.zeros_like(img)
                    return img / top
            """), "all-zero image: uint8 zeros instead of float64", (np.zeros((2, 2), np.uint8),)),
            Wrong("def to_unit(img):\n    return img / 255.0\n",
                  "assumes the brightest pixel is 255", (np.array([[100]], np.uint8),)),
        ),
    ),
    Entry(
        about="ties and int64 negation in a descending ranking; negative k",
        original=code("""
            def top_indices(scores, k):
                order = sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)
                return order[:k]
        """),
        calls=lambda: [((_rng(9).permutation(1000)[:60].astype(np.int64), 5), {})],
        right=(
            code("""
                def top_indices(scores, k):
                    n = len(scores)
                    order = n - 1 - np.argsort(scores[::-1], kind="stable")[::-1]
                    return order[:k].tolist()
            """),
        ),
        wrong=(
            Wrong("def top_indices(scores, k):\n    return np.argsort(scores, kind='stable')[::-1][:k].tolist()\n",
                  "reversing an ascending stable sort puts ties in reverse order",
                  (np.array([1, 1], np.int64), 2)),
            Wrong("def top_indices(scores, k):\n    return np.argsort(-scores, kind='stable')[:k].tolist()\n",
                  "-scores overflows for the int64 minimum, which then ranks first",
                  (np.array([5, I64.min], np.int64), 2)),
            Wrong("def top_indices(scores, k):\n    return heapq.nlargest(k, range(len(scores)), key=scores.__getitem__)\n",
                  "negative k: nlargest returns [] where order[:k] drops the last -k",
                  (np.array([3, 2, 1], np.int64), -1)),
        ),
    ),
    Entry(
        about="argument mutation, lo > hi",
        original=code("""
            def clipped(x, lo, hi):
                out = x.copy()
                out[out < lo] = lo
                out[out > hi] = hi
                return out
        """),
        calls=lambda: [((_rng(10).uniform(0.2, 0.8, 100), 0, 1), {})],
        right=(
            "def clipped(x, lo, hi):\n    return np.clip(x, lo, hi)\n",
            "def clipped(x, lo, hi):\n    return np.minimum(np.maximum(x, lo), hi)\n",
        ),
        wrong=(
            Wrong("def clipped(x, lo, hi):\n    return np.clip(x, lo, hi, out=x)\n",
                  "clips the caller's array in place", (np.array([2.0]), 0, 1)),
            Wrong("def clipped(x, lo, hi):\n    return np.maximum(np.minimum(x, hi), lo)\n",
                  "lo > hi: gives lo where the original gives hi", (np.array([0.5]), 1, 0)),
            Wrong("def clipped(x, lo, hi):\n    return np.where(x < lo, lo, np.where(x > hi, hi, x))\n",
                  "lo > hi: values below lo become lo, the original then lowers them to hi",
                  (np.array([0.5]), 1, 0)),
        ),
    ),
    Entry(
        about="window longer than the data, missing check",
        original=code("""
            def moving_sum(x, w):
                if w < 1:
                    raise ValueError("window must be at least 1")
                out = np.zeros(max(len(x) - w + 1, 0), dtype=x.dtype)
                for i in range(len(out)):
                    out[i] = x[i:i + w].sum()
                return out
        """),
        calls=lambda: [((_rng(11).integers(0, 100, 50).astype(np.int64), 5), {})],
        right=(
            code("""
                def moving_sum(x, w):
                    if w < 1:
                        raise ValueError("window must be at least 1")
                    if w > len(x):
                        return np.zeros(0, dtype=x.dtype)
                    c = np.concatenate((np.zeros(1, dtype=x.dtype), np.cumsum(x)))
                    return c[w:] - c[:-w]
            """),
        ),
        wrong=(
            Wrong("def moving_sum(x, w):\n    return np.convolve(x, np.ones(w, dtype=x.dtype), mode='valid')\n",
                  "w > len(x): convolve swaps its inputs and returns w-len(x)+1 sums instead of none",
                  (np.array([1, 2], np.int64), 3)),
            Wrong("def moving_sum(x, w):\n    return np.lib.stride_tricks.sliding_window_view(x, w).sum(axis=1)\n",
                  "w > len(x): raises ValueError where the original returns an empty array",
                  (np.array([1, 2], np.int64), 3)),
            Wrong(code("""
                def moving_sum(x, w):
                    if w > len(x):
                        return np.zeros(0, dtype=x.dtype)
                    c = np.concatenate((np.zeros(1, dtype=x.dtype), np.cumsum(x)))
                    return c[w:] - c[:-w]
            """), "drops the w < 1 check: a negative window returns a value", (np.array([1, 2, 3], np.int64), -1)),
        ),
    ),
    Entry(
        about="none above the threshold, >= instead of >",
        original=code("""
            def first_above(values, threshold):
                for i, v in enumerate(values):
                    if v > threshold:
                        return i
                return -1
        """),
        calls=lambda: [((_rng(12).random(100), 0.9), {})],
        right=(
            code("""
                def first_above(values, threshold):
                    hits = np.flatnonzero(values > threshold)
                    return int(hits[0]) if hits.size else -1
            """),
            code("""
                def first_above(values, threshold):
                    above = values > threshold
                    i = int(above.argmax()) if above.size else 0
                    return i if above.size and above[i] else -1
            """),
        ),
        wrong=(
            Wrong("def first_above(values, threshold):\n    return int(np.argmax(values > threshold))\n",
                  "nothing above: argmax gives 0, not -1", (np.array([0.1]), 0.9)),
            Wrong("def first_above(values, threshold):\n    return next((i for i, v in enumerate(values) if v >= threshold), -1)\n",
                  ">= instead of >: a value equal to the threshold counts", (np.array([1.0]), 1.0)),
        ),
    ),
    Entry(
        about="float32 input: accumulate in float64; empty input",
        original=code("""
            def rms(x):
                total = 0.0
                for v in x:
                    total += float(v) * float(v)
                return math.sqrt(total / len(x)) if len(x) else 0.0
        """),
        calls=lambda: [(((_rng(13).normal(size=256) * 0.5).astype(np.float32),), {})],
        right=(
            "def rms(x):\n    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if x.size else 0.0\n",
            code("""
                def rms(x):
                    x64 = x.astype(np.float64)
                    return math.sqrt(float(x64 @ x64) / len(x)) if len(x) else 0.0
            """),
        ),
        wrong=(
            Wrong("def rms(x):\n    return float(np.sqrt(np.mean(x * x))) if x.size else 0.0\n",
                  "squares in float32: overflows to inf above ~1.8e19", (np.full(2, 1e20, np.float32),)),
            Wrong("def rms(x):\n    return float(np.linalg.norm(x) / np.sqrt(len(x)))\n",
                  "empty input: 0/0 gives nan instead of 0.0", (np.zeros(0, np.float32),)),
        ),
    ),
    Entry(
        about="labels out of range, negative labels",
        original=code("""
            def histogram_counts(labels, n):
                counts = np.zeros(n, dtype=np.int64)
                for label in labels:
                    counts[label] += 1
                return counts
        """),
        calls=lambda: [((_rng(14).integers(0, 10, 200).astype(np.int64), 10), {})],
        right=(
            code("""
                def histogram_counts(labels, n):
                    counts = np.zeros(n, dtype=np.int64)
                    np.add.at(counts, labels, 1)
                    return counts
            """),
        ),
        wrong=(
            Wrong("def histogram_counts(labels, n):\n    return np.bincount(labels, minlength=n)\n",
                  "negative labels raise (the original counts them from the end); labels >= n lengthen the result",
                  (np.array([-1], np.int64), 3)),
            Wrong("def histogram_counts(labels, n):\n    return np.histogram(labels, bins=n, range=(0, n))[0]\n",
                  "drops labels outside [0, n) instead of indexing with them", (np.array([-1], np.int64), 3)),
            Wrong("def histogram_counts(labels, n):\n    return np.bincount(labels, minlength=n).astype(np.int32)\n",
                  "int32 counts instead of int64", (np.array([0], np.int64), 1)),
        ),
    ),
    Entry(
        about="empty result changes dtype",
        original=code("""
            def positions_of(x, value):
                return np.array([i for i, v in enumerate(x) if v == value], dtype=np.int64)
        """),
        calls=lambda: [((_rng(15).integers(0, 10, 100).astype(np.int64), 3), {})],
        right=(
            "def positions_of(x, value):\n    return np.flatnonzero(x == value)\n",
            "def positions_of(x, value):\n    return np.nonzero(x == value)[0]\n",
        ),
        wrong=(
            Wrong("def positions_of(x, value):\n    return np.array([i for i, v in enumerate(x) if v == value])\n",
                  "no match: np.array([]) is float64, not int64", (np.array([1], np.int64), 3)),
            Wrong("def positions_of(x, value):\n    return np.flatnonzero(x == value).astype(np.int32)\n",
                  "int32 positions instead of int64", (np.array([3], np.int64), 3)),
            Wrong("def positions_of(x, value):\n    return np.flatnonzero(x.astype(np.int32) == value)\n",
                  "int32 cast of the data: int64 max becomes -1 and matches value -1",
                  (np.array([I64.max], np.int64), -1)),
        ),
    ),
    Entry(
        about="uint8 subtraction wraps when b > a; int8 cast",
        original=code("""
            def abs_diff(a, b):
                out = np.empty(a.shape, dtype=np.uint8)
                for idx in np.ndindex(a.shape):
                    out[idx] = abs(int(a[idx]) - int(b[idx]))
                return out
        """),
        calls=lambda: [(_dark_pair(), {})],
        right=(
            "def abs_diff(a, b):\n    return np.maximum(a, b) - np.minimum(a, b)\n",
            "def abs_diff(a, b):\n    return np.abs(a.astype(np.int16) - b).astype(np.uint8)\n",
        ),
        wrong=(
            Wrong("def abs_diff(a, b):\n    return np.abs(a - b)\n",
                  "a - b wraps in uint8 where b > a", (np.array([[1]], np.uint8), np.array([[2]], np.uint8))),
            Wrong("def abs_diff(a, b):\n    return np.abs(a.astype(np.int8) - b.astype(np.int8)).astype(np.uint8)\n",
                  "int8 cast: pixels above 127 turn negative",
                  (np.array([[200]], np.uint8), np.array([[0]], np.uint8))),
        ),
    ),
    Entry(
        about="NaN in a mask test",
        original=code("""
            def all_positive(x):
                for v in x:
                    if v <= 0:
                        return False
                return True
        """),
        calls=lambda: [((_rng(16).uniform(0.5, 2.0, 50),), {})],
        right=("def all_positive(x):\n    return not bool(np.any(x <= 0))\n",),
        wrong=(
            Wrong("def all_positive(x):\n    return bool(np.all(x > 0))\n",
                  "NaN: not <= 0 (the original passes it) but also not > 0", (np.array([np.nan]),)),
            Wrong("def all_positive(x):\n    return bool(x.min() > 0)\n",
                  "empty array: min() raises where the original returns True", (np.zeros(0),)),
        ),
    ),
    Entry(
        about="inclusive bounds, lo > hi",
        original=code("""
            def count_in_range(x, lo, hi):
                n = 0
                for v in x:
                    if lo <= v <= hi:
                        n += 1
                return n
        """),
        calls=lambda: [((_counts_in(20, 60), 20, 60), {})],
        right=(
            "def count_in_range(x, lo, hi):\n    return int(np.count_nonzero((x >= lo) & (x <= hi)))\n",
            code("""
                def count_in_range(x, lo, hi):
                    s = np.sort(x)
                    return max(int(np.searchsorted(s, hi, "right")) - int(np.searchsorted(s, lo, "left")), 0)
            """),
        ),
        wrong=(
            Wrong("def count_in_range(x, lo, hi):\n    return int(np.count_nonzero((x >= lo) & (x < hi)))\n",
                  "< hi: the upper bound is excluded", (np.array([60], np.int64), 20, 60)),
            Wrong(code("""
                def count_in_range(x, lo, hi):
                    s = np.sort(x)
                    return int(np.searchsorted(s, hi, "right") - np.searchsorted(s, lo, "left"))
            """), "lo > hi: the count comes out negative", (np.array([5], np.int64), 10, 0)),
        ),
    ),
    Entry(
        about="NaN-aware mean",
        original=code("""
            def mean_ignoring_nan(x):
                vals = [v for v in x if not math.isnan(v)]
                return sum(vals) / len(vals) if vals else math.nan
        """),
        calls=lambda: [((_rng(17).normal(size=100),), {})],
        right=(
            code("""
                def mean_ignoring_nan(x):
                    v = x[~np.isnan(x)]
                    return float(v.cumsum()[-1] / v.size) if v.size else math.nan
            """),
            # wrong until issue 13 for the order its sum overflows in (see masked_mean)
            "def mean_ignoring_nan(x):\n    return float(np.nanmean(x))\n",
        ),
        wrong=(
            Wrong("def mean_ignoring_nan(x):\n    return float(np.mean(x))\n",
                  "NaN propagates", (np.array([1.0, np.nan]),)),
            Wrong("def mean_ignoring_nan(x):\n    return float(np.nansum(x) / len(x))\n",
                  "divides by the count including NaN", (np.array([1.0, np.nan]),)),
            Wrong(code("""
                def mean_ignoring_nan(x):
                    vals = x[~np.isnan(x)]
                    return float(vals.mean()) if vals.size else 0.0
            """), "no values: 0.0 instead of nan", (np.zeros(0),)),
        ),
    ),
    Entry(
        about="int32 products and int64 sums overflow",
        original=code("""
            def dot_int(a, b):
                total = 0
                for x, y in zip(a, b):
                    total += int(x) * int(y)
                return total
        """),
        calls=lambda: [((_rng(18).integers(-100, 100, 64).astype(np.int32),
                         _rng(19).integers(-100, 100, 64).astype(np.int32)), {})],
        right=(
            "def dot_int(a, b):\n    return sum(map(operator.mul, a.tolist(), b.tolist()))\n",
            "def dot_int(a, b):\n    return int(np.dot(a.astype(object), b.astype(object)))\n",
        ),
        wrong=(
            Wrong("def dot_int(a, b):\n    return int(np.dot(a, b))\n",
                  "int32 dot wraps", (np.array([100000], np.int32), np.array([100000], np.int32))),
            Wrong("def dot_int(a, b):\n    return int(np.dot(a.astype(np.int64), b.astype(np.int64)))\n",
                  "int64 is not enough: two products of int32 minimums sum to 2**63",
                  (np.full(2, I32.min, np.int32), np.full(2, I32.min, np.int32))),
            Wrong("def dot_int(a, b):\n    return int((a * b).sum())\n",
                  "a * b wraps in int32", (np.array([65536], np.int32), np.array([65536], np.int32))),
        ),
    ),
    Entry(
        about="NaN at the start of a running maximum",
        original=code("""
            def running_max(x):
                out = []
                best = -math.inf
                for v in x:
                    best = max(best, v)
                    out.append(best)
                return out
        """),
        calls=lambda: [((_rng(20).normal(size=50),), {})],
        right=("def running_max(x):\n    return np.fmax.accumulate(np.concatenate(([-np.inf], x)))[1:].tolist()\n",),
        wrong=(
            Wrong("def running_max(x):\n    return np.maximum.accumulate(x).tolist()\n",
                  "NaN propagates where max() skips it", (np.array([1.0, np.nan]),)),
            Wrong("def running_max(x):\n    return list(itertools.accumulate(x, max))\n",
                  "starts from x[0], not -inf: a leading NaN sticks", (np.array([np.nan, 1.0]),)),
            Wrong("def running_max(x):\n    return np.fmax.accumulate(x).tolist()\n",
                  "a leading NaN is kept instead of -inf", (np.array([np.nan, 1.0]),)),
        ),
    ),
    Entry(
        about="all-True flags past 255 wrap in uint8",
        original=code("""
            def count_true(flags):
                n = 0
                for f in flags:
                    if f:
                        n += 1
                return n
        """),
        calls=lambda: [((_rng(21).random(1000) < 0.1,), {})],
        right=(
            "def count_true(flags):\n    return int(np.count_nonzero(flags))\n",
            "def count_true(flags):\n    return int(flags.sum())\n",
        ),
        wrong=(
            Wrong("def count_true(flags):\n    return int(flags.sum(dtype=np.uint8))\n",
                  "counts in uint8: wraps past 255", (np.ones(300, bool),)),
        ),
    ),
    Entry(
        about="empty array, int32 cast of int64 timestamps",
        original=code("""
            def step_sizes(t):
                return [int(t[i + 1] - t[i]) for i in range(len(t) - 1)]
        """),
        calls=lambda: [((_timestamps(),), {})],
        right=("def step_sizes(t):\n    return np.diff(t).tolist()\n",),
        wrong=(
            Wrong("def step_sizes(t):\n    return np.diff(t.astype(np.int32)).tolist()\n",
                  "int32 cast truncates values past 2**31", (np.array([0, 2**40], np.int64),)),
            Wrong("def step_sizes(t):\n    return np.diff(t, prepend=t[0])[1:].tolist()\n",
                  "empty array: t[0] raises", (np.zeros(0, np.int64),)),
        ),
    ),
    Entry(
        about="NaN in the first column of a row maximum",
        original=code("""
            def row_maxima(m):
                return np.array([max(row) for row in m])
        """),
        calls=lambda: [((_rng(22).normal(size=(20, 8)),), {})],
        right=(
            code("""
                def row_maxima(m):
                    if len(m) == 0:
                        return np.array([])
                    return np.where(np.isnan(m[:, 0]), np.nan, np.nanmax(m, axis=1))
            """),
        ),
        wrong=(
            Wrong("def row_maxima(m):\n    return m.max(axis=1)\n",
                  "a NaN after the first column propagates; max() skips it", (np.array([[1.0, np.nan]]),)),
            Wrong("def row_maxima(m):\n    return np.nanmax(m, axis=1)\n",
                  "a NaN in the first column sticks in max(), nanmax skips it", (np.array([[np.nan, 1.0]]),)),
        ),
    ),
)

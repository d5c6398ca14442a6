"""Slow notebook-style functions, none of them the demo, with live inputs.

Each `Case` has the function as a notebook user might write it, the live
calls it is optimized on, and held-out calls (other sizes, other values,
edge cases) on which an accepted candidate is checked once more, outside
the tool, to make sure no wrong rewrite was accepted.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


def threshold_image(img, level):
    out = np.zeros(img.shape, dtype=np.uint8)
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            if img[i, j] > level:
                out[i, j] = 255
            else:
                out[i, j] = 0
    return out


def gamma_correct(img, gamma):
    out = np.empty_like(img)
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            v = img[i, j] / 255.0
            out[i, j] = round(255 * math.pow(v, gamma))
    return out


def posterize(img, levels):
    # a Python-level branch per pixel: a lookup table pays off
    out = np.empty_like(img)
    step = 256 // levels
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            v = int(img[i, j])
            bucket = v // step
            if bucket >= levels:
                bucket = levels - 1
            out[i, j] = bucket * step + step // 2
    return out


def moving_average(x, w):
    out = np.empty(len(x) - w + 1)
    for i in range(len(x) - w + 1):
        out[i] = x[i:i + w].mean()
    return out


def box_blur(img):
    h, w = img.shape
    out = img.astype(float)
    for i in range(1, h - 1):
        for j in range(1, w - 1):
            out[i, j] = img[i - 1:i + 2, j - 1:j + 2].mean()
    return out


def pairwise_distances(points):
    n, d = points.shape
    dist = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            s = 0.0
            for k in range(d):
                diff = points[i, k] - points[j, k]
                s += diff * diff
            dist[i, j] = math.sqrt(s)
    return dist


def count_in_range(values, low, high):
    count = 0
    for v in values:
        if low <= v < high:
            count += 1
    return count


def mean_and_spread(values):
    total = 0.0
    for v in values:
        total += v
    mean = total / len(values)
    squares = 0.0
    for v in values:
        squares += (v - mean) ** 2
    return mean, math.sqrt(squares / len(values))


def first_above(signal, level):
    for i in range(len(signal)):
        if signal[i] > level:
            return i
    return -1


def word_frequencies(words):
    counts = {}
    for w in words:
        if w in counts:
            counts[w] += 1
        else:
            counts[w] = 1
    return counts


def remove_stopwords(words, stopwords):
    kept = []
    for w in words:
        if w not in stopwords:
            kept.append(w)
    return kept


def edit_distance(a, b):
    if not a:
        return len(b)
    if not b:
        return len(a)
    if a[0] == b[0]:
        return edit_distance(a[1:], b[1:])
    return 1 + min(edit_distance(a[1:], b), edit_distance(a, b[1:]), edit_distance(a[1:], b[1:]))


def zscore_rows(table):
    out = np.empty_like(table)
    for i in range(table.shape[0]):
        out[i] = (table[i] - np.mean(table)) / np.std(table)
    return out


def running_balance(deltas):
    balance = np.empty(len(deltas))
    running = 0.0
    for i in range(len(deltas)):
        running += deltas[i]
        balance[i] = running
    return balance


def build_lines(rows):
    text = ""
    for name, value in rows:
        text += name + ": " + str(value) + "\n"
    return text


def exponential_smoothing(x, alpha):
    # each value depends on the previous one: no rule applies (an honest miss)
    out = np.empty_like(x)
    s = x[0]
    for i in range(len(x)):
        s = alpha * x[i] + (1 - alpha) * s
        out[i] = s
    return out


@dataclass(frozen=True)
class Case:
    func: Callable
    calls: Callable[[], list]  # live calls
    held_out: Callable[[], list]  # other inputs, to check an accepted rewrite again


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _image(seed: int, shape=(96, 96)) -> np.ndarray:
    return _rng(seed).integers(0, 256, shape, dtype=np.uint8)


def _words(seed: int, n: int) -> list[str]:
    vocab = [f"w{k}" for k in range(300)] + ["the", "a", "of", "and", "to", "in"]
    return [vocab[k] for k in _rng(seed).integers(0, len(vocab), n)]


STOPWORDS = ["the", "a", "an", "of", "and", "to", "in", "is", "it", "that", "for", "on", "with",
             "as", "was", "at", "by", "be", "this", "from", "or", "are"] + [f"w{k}" for k in range(0, 300, 7)]

CASES: dict[str, Case] = {
    "threshold_image": Case(threshold_image, lambda: [((_image(1), 128), {})],
                            lambda: [((_image(2, (31, 17)), 0), {}), ((_image(3, (5, 64)), 255), {})]),
    "gamma_correct": Case(gamma_correct, lambda: [((_image(4), 0.6), {})],
                          lambda: [((_image(5, (40, 23)), 2.2), {}), ((_image(6, (3, 3)), 1.0), {})]),
    "posterize": Case(posterize, lambda: [((_image(7), 4), {})],
                      lambda: [((_image(8, (17, 50)), 3), {}), ((_image(9, (8, 8)), 7), {})]),
    "moving_average": Case(moving_average, lambda: [((_rng(10).normal(size=20000), 25), {})],
                           lambda: [((_rng(11).normal(size=300), 7), {}), ((_rng(12).normal(size=10), 10), {})]),
    "box_blur": Case(box_blur, lambda: [((_rng(13).random((96, 96)),), {})],
                     lambda: [((_rng(14).random((10, 33)),), {}), ((_rng(15).random((3, 3)),), {})]),
    "pairwise_distances": Case(pairwise_distances, lambda: [((_rng(16).random((60, 3)),), {})],
                               lambda: [((_rng(17).random((13, 5)),), {}), ((_rng(18).random((1, 2)),), {})]),
    "count_in_range": Case(count_in_range, lambda: [((_rng(19).normal(size=50000), -0.5, 0.5), {})],
                           lambda: [((_rng(20).normal(size=999), 0.0, 3.0), {}), ((np.zeros(0), 0, 1), {})]),
    "mean_and_spread": Case(mean_and_spread, lambda: [((_rng(21).normal(3, 2, size=50000),), {})],
                            lambda: [((_rng(22).random(777),), {}), ((np.ones(1),), {})]),
    "first_above": Case(first_above, lambda: [((np.sin(np.linspace(0, 30, 50000)) * np.linspace(0, 1, 50000), 0.9), {})],
                        lambda: [((_rng(23).normal(size=500), 2.0), {}), ((np.zeros(100), 1.0), {})]),
    "word_frequencies": Case(word_frequencies, lambda: [((_words(24, 50000),), {})],
                             lambda: [((_words(25, 333),), {}), (([],), {})]),
    "remove_stopwords": Case(remove_stopwords, lambda: [((_words(26, 20000), STOPWORDS), {})],
                             lambda: [((_words(27, 500), STOPWORDS[:5]), {}), ((["the"], []), {})]),
    "edit_distance": Case(edit_distance, lambda: [(("kitten", "sitting"), {}), (("sunday", "saturday"), {})],
                          lambda: [(("abc", "yabd"), {}), (("", "xyz"), {}), (("flaw", "lawn"), {})]),
    "zscore_rows": Case(zscore_rows, lambda: [((_rng(28).normal(size=(400, 20)),), {})],
                        lambda: [((_rng(29).normal(size=(7, 3)),), {})]),
    "running_balance": Case(running_balance, lambda: [((_rng(30).normal(size=50000),), {})],
                            lambda: [((_rng(31).normal(size=17),), {}), ((np.zeros(0),), {})]),
    "build_lines": Case(build_lines, lambda: [(([(f"item{k}", k * 0.5) for k in range(20000)],), {})],
                        lambda: [(([("a", 1), ("b", 2.5)],), {}), (([],), {})]),
    "exponential_smoothing": Case(exponential_smoothing, lambda: [((_rng(32).normal(size=20000), 0.1), {})],
                                  lambda: [((_rng(33).normal(size=50), 0.5), {})]),
}

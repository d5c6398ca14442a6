"""Functions for the rule tests: for every rule, at least three it rewrites and some it must decline.

None of them is the histogram-equalization demo. Each case is notebook-style
source text plus the live calls the rule learns the variables' types from.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

rng = np.random.default_rng(7)
F = rng.normal(size=40)
F2 = rng.normal(size=(6, 5))
U8 = rng.integers(0, 256, size=(9, 11), dtype=np.uint8)
SHOP = pd.DataFrame({"item": ["tea", "jam", "tea", "oil", "jam", "tea"], "cost": [2.5, 4.0, np.nan, 7.25, 4.0, 1.0],
                     "units": [1.0, 2.0, 3.0, 1.0, 5.0, 2.0]}, index=[10, 4, 7, 1, 8, 3])  # non-default index
NUMBERS = pd.DataFrame({"cost": [2.5, 4.0, np.nan, 7.25], "count": [1, 2, 3, 4]}, index=[3, 2, 1, 0])  # int + float: rows upcast
SHOP_GAPS = SHOP.assign(item=["tea", None, "tea", "oil", np.nan, "jam"])  # text keys with missing values
SHOP0 = SHOP.iloc[:0]  # empty, same columns and dtypes
PRICES = pd.Series(["1.5", " 2", "-0.25", "1e3"], index=[7, 5, 3, 1], name="price")  # text to parse
TEMPS = pd.Series([12.5, -3.0, 0.0, 21.0, np.nan], index=list("abcde"), name="temp")  # named Series
BANDS = pd.DataFrame({"band": [1.5, np.nan, 1.5, 2.0, np.nan, 0.5], "score": [3, 5, 1, 2, 8, 4],
                      "kind": pd.Categorical(["b", "a", "b", "c", "a", "a"], categories=["c", "b", "a"])},
                     index=[9, 3, 5, 1, 7, 2])  # NaN keys; a categorical whose categories are not in appearance order
WORDS = ["the", "cat", "sat", "on", "the", "mat", "a", "Cat", "of", "dog"] * 3


@dataclass(frozen=True)
class Case:
    rule: str
    label: str
    source: str
    calls: Callable[[], list]  # [(args, kwargs), ...]


def case(rule: str, label: str, source: str, *calls: tuple) -> Case:
    return Case(rule, label, source, lambda: [(tuple(c), {}) for c in calls])


def price_band(row):  # a user's helper, inlined by the pandas rules
    """Where a row's spend falls."""
    spend = row["cost"] * row["units"]
    if spend > 10:
        return "high"
    elif spend > 4:
        return "mid"
    return "low"


def digits_of(v):  # a helper with a loop: not inlined
    n = 0
    while v >= 1:
        v, n = v / 10, n + 1
    return n


def level_of(v):  # a user's helper, used by a lookup-table case
    return 0 if v < 85 else 128 if v < 170 else 255


CASES = [
    # -- first-index ---------------------------------------------------------
    case("first-index", "skip_zeros", '''
def skip_zeros(a):
    i = 0
    while i < len(a) and a[i] == 0:
        i += 1
    return a[i:]
''', (np.array([0, 0, 0, 4, 0, 5]),), (np.zeros(4, dtype=int),)),
    case("first-index", "first_big", '''
def first_big(x, t):
    k = 0
    # walk until the first value above t
    while x[k] <= t and k < x.size:
        k += 1
    return k
''', (np.arange(30.0), 11.5), (np.array([5.0, 1.0]), 2.0)),
    case("first-index", "trim_quiet", '''
def trim_quiet(signal, level):
    start = 0
    while start <= len(signal) - 2 and abs(signal[start]) < level:
        start += 1
    return signal[start:]
''', (F, 1.5), (F, 99.0)),
    # -- first-match ---------------------------------------------------------
    case("first-match", "first_negative", '''
def first_negative(values):
    for i in range(len(values)):
        if values[i] < 0:
            return i
    return -1
''', (F,), (np.abs(F),)),
    case("first-match", "find_peak", '''
def find_peak(x, level):
    where = None
    for i, v in enumerate(x):
        if v > level:
            where = i
            break
    return where
''', (F, 1.0), (F, 50.0)),
    case("first-match", "has_nan", '''
def has_nan(x):
    for v in x:
        if math.isnan(v):
            return True
    return False
''', (F,), (np.array([1.0, np.nan]),)),
    case("first-match", "first_over_budget", '''
def first_over_budget(costs, budget):
    for day in range(1, len(costs)):
        spent = costs[day] * 2
        if spent > budget:
            print("over on day", day)
            break
    else:
        print("never over")
''', (np.abs(F), 3.0), (np.abs(F), 1e9)),
    # -- reduction-loop ------------------------------------------------------
    case("reduction-loop", "count_positive", '''
def count_positive(x):
    count = 0
    for v in x:
        if v > 0:
            count += 1
    return count
''', (F,)),
    case("reduction-loop", "sum_squares", '''
def sum_squares(x):
    total = 0.0
    for i in range(len(x)):
        total += x[i] ** 2  # squared
    return total
''', (F,), (np.zeros(0),)),
    case("reduction-loop", "max_abs", '''
def max_abs(x):
    best = 0.0
    for v in x:
        if abs(v) > best:
            best = abs(v)
    return best
''', (F,), (np.array([np.nan, -2.0]),)),
    case("reduction-loop", "image_stats", '''
def image_stats(img):
    bright = 0
    darkest = 255
    for r in range(img.shape[0]):
        for c in range(img.shape[1]):
            if img[r, c] > 200:
                bright += 1
            darkest = min(darkest, img[r, c])
    return bright, darkest
''', (U8,)),
    # -- running-sum ---------------------------------------------------------
    case("running-sum", "cumulative", '''
def cumulative(x):
    out = np.empty(len(x))
    s = 0.0
    for i in range(len(x)):
        s += x[i]
        out[i] = s
    return out
''', (F,)),
    case("running-sum", "running_count", '''
def running_count(flags):
    counts = np.zeros(len(flags), dtype=int)
    c = 0
    for i in range(len(flags)):
        if flags[i] > 0:
            c += 1
        counts[i] = c
    return counts
''', (F,)),
    case("running-sum", "doubled_balance", '''
def doubled_balance(x, start):
    y = np.zeros(len(x))
    running = start
    for i in range(1, len(x)):
        running = running + x[i]
        y[i] = running * 2
    return y
''', (F, 10.0)),
    # -- elementwise-loop ----------------------------------------------------
    case("elementwise-loop", "brighten", '''
def brighten(img, amount):
    out = np.empty_like(img)
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            out[i, j] = min(255, max(0, int(img[i, j]) + amount))
    return out
''', (U8, 40)),
    case("elementwise-loop", "sigmoid", '''
def sigmoid(x):
    y = np.zeros_like(x)
    for i in range(len(x)):
        y[i] = 1 / (1 + math.exp(-x[i]))
    return y
''', (F,)),
    case("elementwise-loop", "clip_signal", '''
def clip_signal(x, limit):
    out = x.copy()
    for i in range(len(x)):
        if x[i] > limit:
            out[i] = limit
        elif x[i] < -limit:
            out[i] = -limit
    return out
''', (F, 0.5)),
    case("elementwise-loop", "differences", '''
def differences(x):
    d = np.empty(len(x) - 1)
    for i in range(len(x) - 1):
        d[i] = x[i + 1] - x[i]
    return d
''', (F,)),
    # -- sliding-window ------------------------------------------------------
    case("sliding-window", "moving_average", '''
def moving_average(x, w):
    out = np.empty(len(x) - w + 1)
    for i in range(len(x) - w + 1):
        out[i] = x[i:i + w].mean()
    return out
''', (F, 4)),
    case("sliding-window", "box_blur", '''
def box_blur(img):
    h, w = img.shape
    out = img.astype(float)
    for i in range(1, h - 1):
        for j in range(1, w - 1):
            out[i, j] = img[i - 1:i + 2, j - 1:j + 2].mean()
    return out
''', (F2,)),
    case("sliding-window", "rolling_max", '''
def rolling_max(x):
    out = np.zeros(len(x))
    for i in range(2, len(x)):
        out[i] = max(x[i - 2:i + 1])
    return out
''', (F,)),
    # -- row-broadcast -------------------------------------------------------
    case("row-broadcast", "unit_rows", '''
def unit_rows(X):
    out = np.empty_like(X)
    for i in range(len(X)):
        out[i] = X[i] / np.linalg.norm(X[i])
    return out
''', (F2,)),
    case("row-broadcast", "distances", '''
def distances(P):
    n = len(P)
    D = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            D[i, j] = np.sqrt(np.sum((P[i] - P[j]) ** 2))
    return D
''', (F2,)),
    case("row-broadcast", "center_rows", '''
def center_rows(X):
    out = np.zeros(X.shape)
    for i in range(X.shape[0]):
        out[i] = X[i] - X[i].mean()
    return out
''', (F2,)),
    # -- lookup-table --------------------------------------------------------
    case("lookup-table", "contrast", '''
def contrast(img, k):
    out = np.empty(img.shape, dtype=np.uint8)
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            v = int(img[i, j])
            if v < 128:
                out[i, j] = max(0, v - k)
            else:
                out[i, j] = min(255, v + k)
    return out
''', (U8, 30)),
    case("lookup-table", "gamma", '''
def gamma(img, g):
    out = np.empty_like(img)
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            out[i, j] = round(255 * math.pow(img[i, j] / 255, g))
    return out
''', (U8, 0.45)),
    case("lookup-table", "three_levels", '''
def three_levels(row):
    out = np.zeros(len(row), dtype=np.uint8)
    for i in range(len(row)):
        out[i] = level_of(row[i])
    return out
''', (U8[0],)),
    # -- membership-set ------------------------------------------------------
    case("membership-set", "filter_words", '''
def filter_words(words, stop):
    kept = []
    for w in words:
        if w not in stop:
            kept.append(w)
    return kept
''', (WORDS, ["the", "a", "of", "on"])),
    case("membership-set", "count_vowels", '''
def count_vowels(text, vowels):
    n = 0
    for ch in text:
        if ch in vowels:
            n += 1
    return n
''', ("the quick brown fox", list("aeiou"))),
    case("membership-set", "banned_ids", '''
def banned_ids(ids, banned):
    found = set()
    i = 0
    while i < len(ids):
        x = ids[i]
        if x in banned:
            found.add(x)
        i += 1
    return sorted(found)
''', (list(range(0, 60, 3)), [6, 7, 8, 9, 30])),
    # -- string-join ---------------------------------------------------------
    case("string-join", "csv_lines", '''
def csv_lines(rows):
    s = ""
    for r in rows:
        s += ",".join(str(v) for v in r)
        s += "\\n"
    return s
''', ([(1, 2), (3, 4)],)),
    case("string-join", "shout_letters", '''
def shout_letters(text):
    out = "> "
    for c in text:
        if c.isalpha():
            out += c.upper()
    return out
''', ("a1b2 c3",)),
    case("string-join", "countdown", '''
def countdown(n):
    s = ""
    while n > 0:
        s += str(n) + " "
        n -= 1
    return s
''', (12,)),
    case("string-join", "receipt", '''
def receipt(items):
    text = ""
    for name, price in items:
        text = text + name + ": " + str(price * 1.1) + "\\n"
    return text
''', ([("tea", 2.5), ("jam", 0.1), ("oil", 3.0)],), ([("a", 1)],)),
    # -- append-comprehension ------------------------------------------------
    case("append-comprehension", "squares", '''
def squares(xs):
    out = []
    for x in xs:
        out.append(x * x)
    return out
''', ([1, 2, 3],)),
    case("append-comprehension", "evens", '''
def evens(xs):
    found = []
    for x in xs:
        if x % 2 == 0:
            found.append(x)
    return found
''', (list(range(10)),)),
    case("append-comprehension", "pairs", '''
def pairs(n):
    result = []
    for i in range(n):
        for j in range(i):
            result.append((j, i))
    return result
''', (5,)),
    # -- dict-count ----------------------------------------------------------
    case("dict-count", "word_counts", '''
def word_counts(words):
    counts = {}
    for w in words:
        if w in counts:
            counts[w] += 1
        else:
            counts[w] = 1
    return counts
''', (WORDS,)),
    case("dict-count", "lower_counts", '''
def lower_counts(words):
    c = {}
    for w in words:
        c[w.lower()] = c.get(w.lower(), 0) + 1
    return c
''', (WORDS,)),
    case("dict-count", "letter_counts", '''
def letter_counts(text):
    seen = {}
    for ch in text:
        if ch not in seen:
            seen[ch] = 1
        else:
            seen[ch] += 1
    return seen
''', ("mississippi",)),
    # -- memoize -------------------------------------------------------------
    case("memoize", "fib", '''
def fib(n):
    """The n-th Fibonacci number."""
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)
''', (18,)),
    case("memoize", "grid_paths", '''
def grid_paths(r, c):
    if r == 0 or c == 0:
        return 1
    # down, then right
    return grid_paths(r - 1, c) + grid_paths(r, c - 1)
''', (7, 8)),
    case("memoize", "partitions", '''
def partitions(n, largest):
    if n == 0:
        return 1
    total = 0
    for k in range(1, min(n, largest) + 1):
        total += partitions(n - k, k)
    return total
''', (20, 20)),
    # -- hoist-invariant -----------------------------------------------------
    case("hoist-invariant", "standardize", '''
def standardize(x):
    out = np.empty_like(x)
    for i in range(len(x)):
        out[i] = (x[i] - np.mean(x)) / np.std(x)
    return out
''', (F,)),
    case("hoist-invariant", "share_of_max", '''
def share_of_max(values):
    shares = []
    for v in values:
        shares.append(v / max(values))
    return shares
''', ([3.0, 1.0, 4.0, 1.5],)),
    case("hoist-invariant", "is_prime", '''
def is_prime(n):
    d = 2
    while d <= math.isqrt(n):
        if n % d == 0:
            return False
        d += 1
    return n > 1
''', (7919,), (91,)),
    # -- frame-row-loop (pandas) ---------------------------------------------
    case("frame-row-loop", "order_values", '''
def order_values(df):
    values = []
    for _, row in df.iterrows():
        v = row["cost"] * row["units"]
        if v > 8:
            values.append(v - 1)
        else:
            values.append(v)
    df["value"] = values
    return df
''', (SHOP.copy(),), (SHOP0.copy(),)),
    case("frame-row-loop", "per_unit", '''
def per_unit(df):
    out = []
    for i in range(len(df)):
        out.append(df.iloc[i]["cost"] / df.iloc[i]["count"])
    return pd.Series(out, index=df.index, name="per_unit")
''', (NUMBERS,), (NUMBERS.iloc[:0],), (NUMBERS.assign(count=0),)),
    case("frame-row-loop", "mark_bargains", '''
def mark_bargains(df):
    df = df.reset_index(drop=True)
    df["deal"] = "no"
    df["spend"] = 0.0
    for i in range(len(df)):
        df.at[i, "spend"] = df.at[i, "cost"] * df.at[i, "units"]
        if df.at[i, "cost"] < 3:
            df.at[i, "deal"] = "yes"
    return df
''', (SHOP,), (SHOP0,)),
    case("frame-row-loop", "size_by_label", '''
def size_by_label(df):
    df = df.copy()
    df["size"] = ""
    for label, row in df.iterrows():
        df.loc[label, "size"] = "big" if row["units"] > 2 else "small"
    return df
''', (SHOP,), (SHOP0,), (pd.concat([SHOP, SHOP]),)),
    case("frame-row-loop", "cheap_records", '''
def cheap_records(df):
    records = []
    for _, row in df.iterrows():
        if row["cost"] < 5:
            records.append({"item": row["item"], "total": row["cost"] * row["units"]})
    return pd.DataFrame(records)
''', (SHOP,), (SHOP0,)),
    case("frame-row-loop", "dear_total", '''
def dear_total(df, level):
    total = 0
    n = 0
    for c in df["cost"]:
        if c > level:
            total += c
            n += 1
    return total, n
''', (SHOP, 3.0), (SHOP, 99.0), (SHOP0, 3.0)),
    case("frame-row-loop", "safe_ratio", '''
def safe_ratio(df):
    ratios = []
    for r in df.itertuples(index=False):
        if r.units > 1:
            ratios.append(r.cost / (r.units - 1))
        else:
            ratios.append(0.0)
    return ratios
''', (SHOP,), (SHOP0,)),
    case("frame-row-loop", "labels_text", '''
def labels_text(df):
    text = ""
    for r in df.itertuples():
        text = text + r.item.upper() + "=" + str(r.units) + "\\n"
    return text
''', (SHOP,), (SHOP0,)),
    case("frame-row-loop", "running_units", '''
def running_units(df):
    total = 0.0
    seen = []
    for i in range(len(df)):
        total += df["units"].iloc[i]
        seen.append(total)
    return seen, total
''', (SHOP,), (SHOP0,)),
    case("frame-row-loop", "root_costs", '''
def root_costs(s):
    out = []
    for v in s:
        out.append(math.sqrt(v))
    return out
''', (TEMPS.abs(),), (TEMPS,)),
    case("frame-row-loop", "sines", '''
def sines(s):
    out = []
    for v in s:
        out.append(math.sin(v))
    return out
''', (TEMPS,), (TEMPS * float("inf"),)),
    # -- frame-apply (pandas) ------------------------------------------------
    case("frame-apply", "flag_rows", '''
def flag_rows(df):
    return df.apply(lambda r: r["cost"] > 3 and r["units"] < 3, axis=1)
''', (SHOP,), (SHOP0,)),
    case("frame-apply", "feel", '''
def feel(temps):
    return temps.map(lambda t: "cold" if t < 5 else "warm")
''', (TEMPS,), (TEMPS.iloc[:0],)),
    case("frame-apply", "bands_by_helper", '''
def bands_by_helper(df):
    return df.apply(price_band, axis=1)
''', (SHOP,), (SHOP0,)),
    case("frame-apply", "shout", '''
def shout(df):
    return df["item"].apply(lambda x: x.upper() + "!")
''', (SHOP,), (SHOP0,)),
    # -- column-comprehension (pandas) ---------------------------------------
    case("column-comprehension", "item_codes", '''
def item_codes(df, codes):
    return [codes[x] for x in df["item"]]
''', (SHOP, {"tea": 1, "jam": 2, "oil": 3}), (SHOP, {"tea": 1})),
    case("frame-apply", "text_or_number", '''
def text_or_number(temps):
    return temps.map(lambda t: "freezing" if t < 0 else t)
''', (TEMPS,), (TEMPS.abs(),)),
    case("frame-apply", "codes_by_apply", '''
def codes_by_apply(df, codes):
    return df["item"].apply(lambda x: codes[x])
''', (SHOP, {"tea": 1, "jam": 2.5, "oil": 3}), (SHOP, {"tea": 1, "oil": 3}), (SHOP0, {})),
    case("column-comprehension", "numbers_by_code", '''
def numbers_by_code(df, names):
    return [names[c] for c in df["count"]]
''', (NUMBERS, {1: "one", 2: "two", 3: "three", 4: "four"}), (NUMBERS, {1: "one", 4: "four"})),
    case("column-comprehension", "big_costs", '''
def big_costs(df):
    return [c * 2 for c in df["cost"] if c > 3]
''', (SHOP,), (SHOP0,)),
    case("column-comprehension", "squares_of_counts", '''
def squares_of_counts(df):
    return [c * c - 1 for c in df["count"]]
''', (NUMBERS,), (NUMBERS.assign(count=2 ** 40),)),
    case("column-comprehension", "parse_prices", '''
def parse_prices(prices):
    return [float(p) * 100 for p in prices]
''', (PRICES,), (PRICES.iloc[:0],), (pd.Series(["1.5", "n/a"]),)),
    case("frame-apply", "log_temps", '''
def log_temps(temps):
    return temps.apply(lambda t: math.log(t + 4))
''', (TEMPS,), (TEMPS - 10,)),
    case("column-comprehension", "levels_by_helper", '''
def levels_by_helper(df):
    return [level_of(v) for v in df["units"]]
''', (SHOP,), (SHOP0,)),
    case("column-comprehension", "halves", '''
def halves(temps):
    return [t / 2 for t in temps]
''', (TEMPS,)),
    # -- unique-groupby (pandas) ---------------------------------------------
    case("unique-groupby", "cost_by_item", '''
def cost_by_item(df):
    totals = {}
    for item in df["item"].unique():
        part = df[df["item"] == item]
        totals[item] = part["cost"].sum()
    return totals
''', (SHOP,), (SHOP0,)),
    case("unique-groupby", "mean_units_sorted", '''
def mean_units_sorted(df):
    out = {}
    for k in sorted(df["item"].unique()):
        out[k] = df[df["item"] == k]["units"].mean()
    return out
''', (SHOP,)),
    case("unique-groupby", "share", '''
def share(df):
    res = {}
    for k in df["item"].unique():
        sel = df.loc[df["item"] == k]
        res[k] = sel["units"].sum() / len(sel)
    return res
''', (SHOP,)),
    case("unique-groupby", "named_mask_and_column", '''
def named_mask_and_column(df):
    out = {}
    for k in df["item"].unique():
        m = df["item"] == k
        units = df.loc[m, "units"]
        out[k] = units.mean() * 2
    return out
''', (SHOP,), (SHOP0,)),
    case("unique-groupby", "missing_keys", '''
def missing_keys(df):
    sizes = {}
    for b in df["band"].unique():
        rows = df[df["band"] == b]
        sizes[b] = len(rows) + rows["score"].sum()
    return sizes
''', (BANDS,), (BANDS.dropna(),), (BANDS.iloc[:0],)),
    case("unique-groupby", "sorted_missing_keys", '''
def sorted_missing_keys(df):
    best = {}
    for b in sorted(df["band"].unique()):
        best[b] = df["score"][df["band"] == b].max()
    return best
''', (BANDS,), (BANDS.dropna(),)),
    case("unique-groupby", "int_keys", '''
def int_keys(df):
    costs = {}
    for c in df["count"].unique():
        costs[c] = df.loc[df["count"] == c, "cost"].sum()
    return costs
''', (NUMBERS,), (pd.concat([NUMBERS, NUMBERS]),)),
    case("unique-groupby", "categories_in_order_of_appearance", '''
def categories_in_order_of_appearance(df):
    n = {}
    for k in df["kind"].unique():
        n[k] = df[df["kind"] == k]["score"].count()
    return n
''', (BANDS,)),
    # -- append-rows (pandas) ------------------------------------------------
    case("append-rows", "restock", '''
def restock(df):
    orders = pd.DataFrame(columns=["item", "need"])
    for i in range(len(df)):
        if df["units"].iloc[i] < 3:
            orders.loc[len(orders)] = [df["item"].iloc[i], 3 - df["units"].iloc[i]]
    return orders
''', (SHOP,), (SHOP0,)),
    case("append-rows", "grow_by_concat", '''
def grow_by_concat(df):
    out = pd.DataFrame()
    for item, cost in zip(df["item"], df["cost"]):
        out = pd.concat([out, pd.DataFrame([{"item": item, "double": cost * 2}])], ignore_index=True)
    return out
''', (SHOP,), (SHOP0,)),
    case("append-rows", "one_row_frames", '''
def one_row_frames(n):
    pieces = []
    for k in range(n):
        pieces.append(pd.DataFrame([{"k": k, "square": k * k}]))
    return pd.concat(pieces, ignore_index=True)
''', (5,), (0,)),
    # -- dict-groupby (pandas) -----------------------------------------------
    case("dict-groupby", "item_counts", '''
def item_counts(df):
    counts = {}
    for x in df["item"]:
        counts[x] = counts.get(x, 0) + 1
    return counts
''', (SHOP,), (SHOP0,)),
    case("dict-groupby", "units_by_item", '''
def units_by_item(df):
    units = {}
    for k, u in zip(df["item"], df["units"]):
        if k in units:
            units[k] += u
        else:
            units[k] = u
    return units
''', (SHOP,)),
    case("dict-groupby", "cost_by_item_rows", '''
def cost_by_item_rows(df):
    spent = {}
    for r in df.itertuples():
        spent[r.item] = spent.get(r.item, 0) + r.cost
    return spent
''', (SHOP,), (SHOP.fillna(0.0),)),
    case("dict-groupby", "row_keys", '''
def row_keys(df):
    seen = {}
    for _, r in df.iterrows():
        seen[r["count"]] = seen.get(r["count"], 0) + 1
    return seen
''', (NUMBERS,), (NUMBERS.iloc[:0],)),
    case("dict-groupby", "band_counts", '''
def band_counts(df):
    counts = {}
    for b in df["band"]:
        counts[b] = counts.get(b, 0) + 1
    return counts
''', (BANDS,), (BANDS.dropna(),), (BANDS.iloc[:0],)),  # each NaN the loop reads is a key of its own: the original runs
    case("unique-groupby", "sorted_items_with_gaps", '''
def sorted_items_with_gaps(df):
    out = {}
    for k in sorted(df["item"].unique()):
        out[k] = df[df["item"] == k]["units"].sum()
    return out
''', (SHOP,), (SHOP_GAPS,), (SHOP0,)),  # sorted() of text and NaN raises TypeError: the same from the rewrite
    case("unique-groupby", "mean_cost_with_a_group_of_gaps", '''
def mean_cost_with_a_group_of_gaps(df):
    out = {}
    for k in df["item"].unique():
        out[k] = df[df["item"] == k]["cost"].mean()
    return out
''', (SHOP,), (SHOP.assign(cost=[2.5, 4.0, np.nan, np.nan, 4.0, 1.0]),)),  # oil's costs all missing: a Python float NaN
    case("unique-groupby", "items_with_gaps", '''
def items_with_gaps(df):
    out = {}
    for k in df["item"].unique():
        out[k] = df.loc[df["item"] == k, "units"].max()
    return out
''', (SHOP,), (SHOP_GAPS,), (SHOP0,)),
    case("dict-groupby", "units_by_item_key", '''
def units_by_item_key(df):
    units = {}
    for _, row in df.iterrows():
        item = row["item"]
        units[item] = units.get(item, 0) + row["units"]
    return units
''', (SHOP,), (SHOP0,)),
    case("dict-groupby", "cell_key_in_a_temporary", '''
def cell_key_in_a_temporary(df):
    units = {}
    for i in range(len(df)):
        item = df.at[i, "item"]
        units[item] = units.get(item, 0) + df.at[i, "units"]
    return units
''', (SHOP.reset_index(drop=True),), (SHOP0.reset_index(drop=True),)),
    case("dict-groupby", "kind_counts", '''
def kind_counts(df):
    counts = {}
    for x in df["kind"]:
        counts[x] = counts.get(x, 0) + 1
    return counts
''', (BANDS,), (BANDS.iloc[:0],)),
]

DECLINES = [
    case("first-index", "step_two", '''
def step_two(a):
    i = 0
    while i < len(a) and a[i] == 0:
        i += 2
    return i
''', (np.zeros(6),)),
    case("first-index", "no_bound", '''
def no_bound(a):
    i = 0
    while a[i] == 0:
        i += 1
    return i
''', (np.array([0, 0, 3]),)),
    case("first-match", "carried_total", '''
def carried_total(x, t):
    total = 0.0
    for i in range(len(x)):
        total += x[i]
        if total > t:
            return i
    return -1
''', (F, 2.0)),
    case("reduction-loop", "self_dependent", '''
def self_dependent(x):
    acc = 1.0
    for v in x:
        acc += v * acc
    return acc
''', (F,)),
    case("reduction-loop", "prints", '''
def prints(x):
    total = 0
    for v in x:
        print(v)
        total += v
    return total
''', (F[:3],)),
    case("running-sum", "read_before_update", '''
def read_before_update(x):
    out = np.zeros(len(x))
    s = 0.0
    for i in range(len(x)):
        out[i] = s
        s += x[i] * s
    return out
''', (F,)),
    case("elementwise-loop", "recurrence", '''
def recurrence(x):
    y = np.zeros(len(x))
    for i in range(1, len(x)):
        y[i] = y[i - 1] * 0.5 + x[i]
    return y
''', (F,)),
    case("elementwise-loop", "list_output", '''
def list_output(x):
    out = [0.0] * len(x)
    for i in range(len(x)):
        out[i] = x[i] * 2
    return out
''', (F,)),
    case("sliding-window", "growing_window", '''
def growing_window(x):
    out = np.zeros(len(x))
    for i in range(len(x)):
        out[i] = x[:i + 1].sum()
    return out
''', (F,)),
    case("row-broadcast", "column_total", '''
def column_total(X):
    out = np.zeros(X.shape[1])
    for i in range(X.shape[0]):
        out += X[i]
    return out
''', (F2,)),
    case("lookup-table", "float_image", '''
def float_image(img):
    out = np.empty_like(img)
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            out[i, j] = round(img[i, j] * 2)
    return out
''', (F2,)),
    case("lookup-table", "uses_position", '''
def uses_position(img):
    out = np.empty_like(img)
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            out[i, j] = (img[i, j] + i) % 256
    return out
''', (U8,)),
    case("membership-set", "dedupe", '''
def dedupe(words):
    seen = []
    for w in words:
        if w not in seen:
            seen.append(w)
    return seen
''', (WORDS,)),
    case("membership-set", "unhashable_items", '''
def unhashable_items(items, bad):
    n = 0
    for x in items:
        if x in bad:
            n += 1
    return n
''', ([[1], [2]], [[1]])),
    case("string-join", "reads_itself", '''
def reads_itself(words):
    s = ""
    for w in words:
        if len(s) > 10:
            break
        s += w
    return s
''', (WORDS,)),
    case("append-comprehension", "two_appends", '''
def two_appends(xs):
    out = []
    for x in xs:
        out.append(x)
        out.append(-x)
    return out
''', ([1, 2],)),
    case("append-comprehension", "uses_loop_variable_after", '''
def uses_loop_variable_after(xs):
    out = []
    for x in xs:
        out.append(x + 1)
    return out, x
''', ([1, 2],)),
    case("dict-count", "counts_by_two", '''
def counts_by_two(words):
    counts = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 2
    return counts
''', (WORDS,)),
    case("memoize", "list_argument", '''
def list_argument(xs):
    if len(xs) < 2:
        return len(xs)
    return list_argument(xs[1:]) + list_argument(xs[2:])
''', ([1, 2, 3, 4],)),
    case("memoize", "factorial", '''
def factorial(n):
    return 1 if n <= 1 else n * factorial(n - 1)
''', (10,)),
    case("hoist-invariant", "changes_in_loop", '''
def changes_in_loop(x):
    out = []
    for i in range(len(x)):
        x[i] = 0.0
        out.append(x.sum())
    return out
''', (F.copy(),)),
]

DECLINES += [
    case("frame-row-loop", "prints_rows", '''
def prints_rows(df):
    out = []
    for _, row in df.iterrows():
        print(row["item"])
        out.append(row["cost"])
    return out
''', (SHOP.iloc[:2],)),
    case("frame-row-loop", "reads_what_it_writes", '''
def reads_what_it_writes(df):
    df = df.reset_index(drop=True)
    for i in range(1, len(df)):
        df.at[i, "units"] = df.at[i, "units"] + df.at[i - 1, "units"]
    return df
''', (SHOP,)),
    case("frame-row-loop", "carried", '''
def carried(df):
    out = []
    prev = 0.0
    for c in df["units"]:
        out.append(c - prev)
        prev = c
    return out
''', (SHOP,)),
    case("frame-apply", "needs_other_row", '''
def needs_other_row(df):
    return df.apply(lambda r: helper(r), axis=1)
''', (SHOP,)),
    case("column-comprehension", "helper_with_a_loop", '''
def helper_with_a_loop(df):
    return [digits_of(v) for v in df["units"]]
''', (SHOP,)),
    case("unique-groupby", "not_empty_before", '''
def not_empty_before(df, totals):
    for item in df["item"].unique():
        totals[item] = df[df["item"] == item]["cost"].sum()
    return totals
''', (SHOP, {"tea": 1.0})),
    case("append-rows", "reads_the_frame", '''
def reads_the_frame(df):
    out = pd.DataFrame(columns=["a"])
    for v in df["units"]:
        out.loc[len(out)] = [v + len(out)]
    return out
''', (SHOP,)),
    case("column-comprehension", "prefix_after_two", '''
def prefix_after_two(df):
    return [s.startswith("ea", 1) for s in df["item"]]
''', (SHOP,)),
    case("column-comprehension", "equals_none", '''
def equals_none(df):
    return [c == None for c in df["item"]]
''', (SHOP,)),
    case("column-comprehension", "rounded_costs", '''
def rounded_costs(df):
    return [round(c, 1) for c in df["units"]]
''', (SHOP,)),
    case("column-comprehension", "on_the_day", '''
def on_the_day(df):
    return [d == "2024-03-01" for d in df["day"]]
''', (pd.DataFrame({"day": pd.date_range("2024-01-01 09:30", periods=6, freq="7h")}),)),
    case("column-comprehension", "below_grade", '''
def below_grade(df):
    return [g < "C" for g in df["grade"]]
''', (pd.DataFrame({"grade": pd.Categorical(list("ABCDAB"), categories=list("ABCD"), ordered=True)}),)),
    case("append-rows", "reused_row_list", '''
def reused_row_list(df):
    out = pd.DataFrame(columns=["item", "units"])
    row = [None, None]
    for item, units in zip(df["item"], df["units"]):
        row[0], row[1] = item, units
        out.loc[len(out)] = row
    return out
''', (SHOP,)),
    case("frame-row-loop", "math_factorial", '''
def math_factorial(df):
    out = []
    for v in df["units"]:
        out.append(math.factorial(int(v)))
    return out
''', (SHOP,)),
    case("dict-groupby", "counts_by_two", '''
def counts_by_two(df):
    counts = {}
    for x in df["item"]:
        counts[x] = counts.get(x, 1) + 1
    return counts
''', (SHOP,)),
    case("unique-groupby", "sorted_categories", '''
def sorted_categories(df):
    n = {}
    for k in sorted(df["kind"].unique()):
        n[k] = len(df[df["kind"] == k])
    return n
''', (BANDS,)),
    case("dict-groupby", "key_read_after_the_loop", '''
def key_read_after_the_loop(df):
    units = {}
    for _, row in df.iterrows():
        item = row["item"]
        units[item] = units.get(item, 0) + row["units"]
    return units, item
''', (SHOP,)),
    case("dict-groupby", "a_running_total_in_a_temporary", '''
def a_running_total_in_a_temporary(df):
    total = 0
    units = {}
    for _, row in df.iterrows():
        total = total + row["units"]
        units[row["item"]] = units.get(row["item"], 0) + total
    return units
''', (SHOP,)),
    case("dict-groupby", "a_temporary_that_reads_the_dict", '''
def a_temporary_that_reads_the_dict(df):
    units = {}
    for _, row in df.iterrows():
        w = row["units"] * (len(units) + 1)
        units[row["item"]] = units.get(row["item"], 0) + w
    return units
''', (SHOP,)),
    case("dict-groupby", "flags_summed_after_a_temporary", '''
def flags_summed_after_a_temporary(df):
    n = {}
    for k, f in zip(df["item"], df["flag"]):
        item = k
        if item in n:
            n[item] += f
        else:
            n[item] = f
    return n
''', (SHOP.assign(flag=SHOP["cost"] > 3),)),
    case("dict-groupby", "a_temporary_the_update_does_not_read", '''
def a_temporary_the_update_does_not_read(df):
    units = {}
    for _, row in df.iterrows():
        cost = row["cost"]
        units[row["item"]] = units.get(row["item"], 0) + row["units"]
    return units
''', (SHOP,)),
    case("dict-groupby", "cell_keys_of_categories", '''
def cell_keys_of_categories(df):
    n = {}
    for i in range(len(df)):
        n[df.at[i, "kind"]] = n.get(df.at[i, "kind"], 0) + 1
    return n
''', (BANDS.reset_index(drop=True),)),
    case("frame-apply", "scores_of_a_categorical", '''
def scores_of_a_categorical(df):
    score = {"a": 1, "b": 2, "c": 3}
    return df["kind"].apply(lambda c: score[c])
''', (BANDS,)),
    case("frame-row-loop", "rows_of_categories_and_floats", '''
def rows_of_categories_and_floats(df):
    out = []
    for _, r in df.iterrows():
        out.append(r["band"] * 2)
    return out
''', (BANDS[["band", "kind"]],)),
]

NAMESPACE = {"np": np, "math": math, "pd": pd, "level_of": level_of, "price_band": price_band, "digits_of": digits_of, "helper": lambda r: r}

"""Slow notebook-style pandas functions (none of them a golden case of tests/rules), with live inputs.

Each `Case` (the same shape as `offline_functions.Case`) has the function as
a notebook user might write it, live calls on a realistic frame, and
held-out calls (other sizes, an empty frame, a shuffled non-default index,
missing values, a bad value the original raises on) on which an accepted
rewrite is checked once more, outside the tool.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from offline_functions import Case

CITIES = ["Lyon", "Oslo", "Lima", "Pune", "Kobe", "Graz", "Cork", "Baku"]


def orders(seed: int, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "city": rng.choice(CITIES, n),
        "price": rng.uniform(0.5, 80.0, n).round(2),
        "qty": rng.integers(1, 12, n).astype(float),
        "discount": rng.choice([0.0, 0.05, 0.1, 0.2], n),
        "status": rng.choice(["open", "shipped", "returned"], n),
    })


def sensors(seed: int, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"reading": rng.gamma(2.0, 3.0, n), "offset": rng.normal(0, 0.1, n)})


def shuffled(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The rows in another order, keeping their labels: a non-default index."""
    return frame.sample(frac=1.0, random_state=seed)


def line_totals(df):
    totals = []
    for _, row in df.iterrows():
        gross = row["price"] * row["qty"]
        totals.append(gross * (1 - row["discount"]))
    df["total"] = totals
    return df


def shipping_band(df):
    bands = []
    for i in range(len(df)):
        weight = df["qty"].iloc[i] * 0.4
        if weight > 3.0:
            bands.append("heavy")
        else:
            bands.append("light")
    return pd.Series(bands, index=df.index, name="band")


def revenue_by_city(df):
    revenue = {}
    for city in df["city"].unique():
        rows = df[df["city"] == city]
        revenue[city] = rows["price"].sum()
    return revenue


def mean_price_by_status(df):
    out = {}
    for s in sorted(df["status"].unique()):
        sel = df[df["status"] == s]
        out[s] = sel["price"].mean()
    return out


def units_per_city(df):
    units = {}
    for city, q in zip(df["city"], df["qty"]):
        units[city] = units.get(city, 0) + q
    return units


def status_counts(df):
    counts = {}
    for row in df.itertuples():
        if row.status in counts:
            counts[row.status] += 1
        else:
            counts[row.status] = 1
    return counts


def cumulative_revenue(df):
    running = 0.0
    curve = []
    for p, q in zip(df["price"], df["qty"]):
        running += p * q
        curve.append(running)
    return curve


def signal_strength(df):
    return df.apply(lambda r: math.sqrt(r["reading"]) + r["offset"], axis=1)


def price_labels(df):
    return df["price"].map(lambda p: "cheap" if p < 10 else "fair" if p < 40 else "dear")


def city_codes(df, codes):
    return [codes[c] for c in df["city"]]


def csv_report(df):
    text = ""
    for row in df.itertuples():
        text = text + row.city.lower() + ";" + str(row.price) + ";" + row.status + "\n"
    return text


def log_readings(df):
    logs = []
    for r in df.itertuples():
        logs.append(math.log(r.reading) * 10)
    return logs


def returns_table(df):
    returned = pd.DataFrame(columns=["city", "refund"])
    for i in range(len(df)):
        if df["status"].iloc[i] == "returned":
            returned.loc[len(returned)] = [df["city"].iloc[i], df["price"].iloc[i] * df["qty"].iloc[i]]
    return returned


CODES = {c: k for k, c in enumerate(CITIES)}


def _with_missing(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    frame = frame.copy()
    frame.loc[frame.index[::7], column] = np.nan
    return frame


def _bad_reading(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame.iloc[3, 0] = -1.0
    return frame


def _orders_cases(func, n: int = 4000, extra: tuple = ()) -> Case:
    return Case(func, lambda: [((orders(1, n), *extra), {})],
                lambda: [((shuffled(orders(2, 333), 3), *extra), {}), ((orders(4, 0), *extra), {}),
                         ((orders(5, 1), *extra), {})])


CASES: dict[str, Case] = {
    "line_totals": _orders_cases(line_totals),
    "shipping_band": _orders_cases(shipping_band),
    "revenue_by_city": _orders_cases(revenue_by_city, 20000),
    "mean_price_by_status": _orders_cases(mean_price_by_status, 20000),
    "units_per_city": Case(units_per_city, lambda: [((orders(6, 20000),), {})],
                           lambda: [((shuffled(orders(7, 500), 1),), {}), ((orders(8, 0),), {}),
                                    ((_with_missing(orders(9, 50), "qty"),), {})]),
    "status_counts": _orders_cases(status_counts, 20000),
    "cumulative_revenue": _orders_cases(cumulative_revenue, 20000),
    "signal_strength": Case(signal_strength, lambda: [((sensors(10, 4000),), {})],
                            lambda: [((shuffled(sensors(11, 300), 2),), {}), ((sensors(12, 0),), {}),
                                     ((_bad_reading(sensors(13, 20)),), {})]),
    "price_labels": _orders_cases(price_labels, 20000),
    "city_codes": Case(city_codes, lambda: [((orders(14, 20000), CODES), {})],
                       lambda: [((orders(15, 100), CODES), {}), ((orders(16, 0), CODES), {}),
                                ((orders(17, 50), {c: 1 for c in CITIES[:3]}), {})]),
    "csv_report": _orders_cases(csv_report, 10000),
    "returns_table": _orders_cases(returns_table, 1500),
    "log_readings": Case(log_readings, lambda: [((sensors(18, 20000),), {})],
                         lambda: [((shuffled(sensors(19, 300), 4),), {}), ((sensors(20, 0),), {}),
                                  ((_bad_reading(sensors(21, 20)),), {})]),
}

"""Originals over pandas frames and records, written as notebooks write them
(row loops with iterrows/itertuples/.iloc/.at, apply(axis=1) with a lambda,
groupby loops over unique() with boolean masks, rows built one at a time,
dict lookups over a column, running totals), with vectorized rewrites and
rewrites that are subtly wrong: a dtype changed, the index or a Series name
lost, NaN handled differently, the caller's frame mutated or no longer
mutated, groups in sorted instead of first-appearance order, a missing key
skipped or raising.

The live frames are a few thousand rows with a default RangeIndex, no NaN and
groups that first appear in sorted order, so most wrong rewrites look right on
them; the witnesses are of the kinds the input generator derives from the live
frames: a row subset (non-contiguous index), reordered rows, duplicated index
labels, a NaN injected, an empty frame, a record with a key missing.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import Entry, Wrong, code

REGIONS = ("east", "north", "south", "west")
PRODUCTS = ("apron", "bowl", "cup", "dish", "jug", "plate")
RATES = {"east": 0.2, "north": 0.1, "south": 0.15, "west": 0.05}
CUSTOMERS = tuple(f"c{i:02d}" for i in range(40))
LIVE_ROWS = 1000  # for originals that touch every row through pandas (iterrows, .at, .iloc)
BIG_ROWS = 10000  # for originals whose loops are plain Python over columns or over groups


def orders(n: int = LIVE_ROWS, seed: int = 0) -> pd.DataFrame:
    """Order lines: customer, region and product (str), qty (int64), price and
    discount (float64). Customers, regions and products first appear in sorted
    order, and qty * price never lands on the 500 threshold some originals use."""
    rng = np.random.default_rng(seed)
    customer = rng.choice(CUSTOMERS, n)
    customer[:min(n, len(CUSTOMERS))] = CUSTOMERS[:n]
    region = rng.choice(REGIONS, n)
    product = rng.choice(PRODUCTS, n)
    k_r, k_p = min(n, len(REGIONS)), min(n, len(PRODUCTS))
    region[:k_r] = REGIONS[:k_r]
    product[:k_p] = PRODUCTS[:k_p]
    return pd.DataFrame({
        "customer": customer,
        "region": region,
        "product": product,
        "qty": rng.integers(1, 20, n).astype(np.int64),
        "price": rng.integers(100, 9000, n) / 100 + 0.005,
        "discount": rng.integers(0, 30, n) / 100,
    })


def big_orders() -> pd.DataFrame:
    return orders(BIG_ROWS)


def records(n: int = LIVE_ROWS, seed: int = 1) -> list[dict]:
    """The order lines as JSON-like records, every key present."""
    return orders(n, seed)[["product", "qty", "price"]].to_dict("records")


# Small frames of the kinds the generator makes from the live one.
def _few(n: int = 6) -> pd.DataFrame:
    return orders(n, seed=7)


def subset() -> pd.DataFrame:
    """Rows 1, 3, 4: a non-contiguous index."""
    return _few().iloc[[1, 3, 4]]


def reordered() -> pd.DataFrame:
    """The rows backwards, so groups first appear in reverse sorted order."""
    return _few().iloc[::-1]


def duplicated_labels() -> pd.DataFrame:
    frame = _few(4)
    frame.index = [0, 0, 1, 1]
    return frame


def with_nan(column: str, row: int = 1, n: int = 6) -> pd.DataFrame:
    frame = _few(n)
    frame.loc[row, column] = np.nan
    return frame


def constant(column: str, value: float) -> pd.DataFrame:
    """One column holding a single value (the generator sets whole columns to an edge)."""
    frame = _few()
    frame[column] = value
    return frame


def big_order_with_nan_discount() -> pd.DataFrame:
    frame = _few()
    frame.loc[0, "qty"] = 12
    frame.loc[0, "discount"] = np.nan
    return frame


def live(*makers) -> list:
    return [(tuple(make() for make in makers), {})]


REVENUE = Entry(
    about="iterrows into a Series: index lost, NaN filled",
    original=code("""
        def order_revenue(df):
            values = []
            for _, row in df.iterrows():
                values.append(row["qty"] * row["price"])
            return pd.Series(values, index=df.index, name="revenue", dtype="float64")
    """),
    calls=lambda: live(orders),
    right=(
        'def order_revenue(df):\n    return (df["qty"] * df["price"]).rename("revenue")\n',
        'def order_revenue(df):\n    return df["qty"].mul(df["price"]).astype("float64").rename("revenue")\n',
    ),
    wrong=(
        Wrong('def order_revenue(df):\n    return pd.Series((df["qty"] * df["price"]).to_numpy(), name="revenue")\n',
              "a new RangeIndex instead of the frame's index", (subset(),)),
        Wrong('def order_revenue(df):\n    return df["qty"].mul(df["price"], fill_value=0).rename("revenue")\n',
              "a NaN price counts as 0 instead of giving NaN", (with_nan("price"),)),
    ),
)

FINAL_PRICE = Entry(
    about="apply(axis=1) with a lambda: name kept, NaN discount filled, index lost",
    original=code("""
        def final_price(df):
            return df.apply(lambda r: r["price"] * (1 - r["discount"]) if r["qty"] >= 10 else r["price"], axis=1)
    """),
    calls=lambda: live(orders),
    right=(
        code("""
            def final_price(df):
                big = df["qty"] >= 10
                return pd.Series(np.where(big, df["price"] * (1 - df["discount"]), df["price"]),
                                 index=df.index, dtype="float64")
        """),
        code("""
            def final_price(df):
                return df["price"].mask(df["qty"] >= 10, df["price"] * (1 - df["discount"])).rename(None)
        """),
    ),
    wrong=(
        Wrong('def final_price(df):\n    return df["price"].mask(df["qty"] >= 10, df["price"] * (1 - df["discount"]))\n',
              "the result keeps the name 'price' where apply gives none", (_few(),)),
        Wrong(code("""
            def final_price(df):
                big = df["qty"] >= 10
                return pd.Series(np.where(big, df["price"] * (1 - df["discount"].fillna(0)), df["price"]), index=df.index)
        """), "a NaN discount counts as no discount", (big_order_with_nan_discount(),)),
        Wrong(code("""
            def final_price(df):
                return pd.Series(np.where(df["qty"] >= 10, df["price"] * (1 - df["discount"]), df["price"]))
        """), "a new RangeIndex instead of the frame's index", (subset(),)),
    ),
)

CUSTOMER_TOTALS = Entry(
    about="groupby loop over unique(): sorted groups, NaN keys, NaN values",
    original=code("""
        def customer_totals(df):
            totals = pd.Series(0.0, index=df["customer"].unique())
            for customer in totals.index:
                totals[customer] = df.loc[df["customer"] == customer, "price"].sum()
            return totals
    """),
    calls=lambda: live(big_orders),
    right=(
        code("""
            def customer_totals(df):
                keys = df["customer"].unique()
                sums = df.groupby("customer", sort=False)["price"].sum()
                return sums.reindex(keys, fill_value=0.0).rename(None).rename_axis(None)
        """),
    ),
    wrong=(
        Wrong('def customer_totals(df):\n    return df.groupby("customer")["price"].sum().rename(None).rename_axis(None)\n',
              "groups in sorted order instead of first-appearance order", (reordered(),)),
        Wrong('def customer_totals(df):\n    return df.groupby("customer", sort=False)["price"].sum().rename(None).rename_axis(None)\n',
              "groupby drops a NaN customer that the loop keeps (with total 0)", (with_nan("customer"),)),
        Wrong(code("""
            def customer_totals(df):
                totals = pd.Series(0.0, index=df["customer"].unique())
                for customer in totals.index:
                    totals[customer] = sum(df.loc[df["customer"] == customer, "price"])
                return totals
        """), "Python's sum propagates a NaN price that Series.sum skips", (with_nan("price"),)),
    ),
)

RUNNING_TOTAL = Entry(
    about="itertuples running total: cumsum skips NaN, index lost",
    original=code("""
        def running_total(df):
            total = 0.0
            out = []
            for row in df.itertuples():
                total += row.price
                out.append(total)
            return pd.Series(out, index=df.index, name="running", dtype="float64")
    """),
    calls=lambda: live(big_orders),
    right=('def running_total(df):\n    return df["price"].cumsum(skipna=False).rename("running")\n',),
    wrong=(
        Wrong('def running_total(df):\n    return df["price"].cumsum().rename("running")\n',
              "cumsum skips a NaN that the loop carries forward", (with_nan("price"),)),
        Wrong('def running_total(df):\n    return pd.Series(np.cumsum(df["price"].to_numpy()), name="running")\n',
              "a new RangeIndex instead of the frame's index", (subset(),)),
    ),
)

ORDER_NUMBER = Entry(
    about="a per-group counter in a dict: cumcount drops NaN keys, index lost",
    original=code("""
        def order_number_in_region(df):
            seen = {}
            out = []
            for region in df["region"]:
                seen[region] = seen.get(region, 0) + 1
                out.append(seen[region])
            return pd.Series(out, index=df.index, dtype="int64")
    """),
    calls=lambda: live(big_orders),
    right=('def order_number_in_region(df):\n    return df.groupby("region", sort=False, dropna=False).cumcount() + 1\n',),
    wrong=(
        Wrong('def order_number_in_region(df):\n    return df.groupby("region", sort=False).cumcount() + 1\n',
              "groupby drops NaN regions: NaN (and a float64 result) where the loop counts them", (with_nan("region"),)),
        Wrong(code("""
            def order_number_in_region(df):
                return pd.Series(df.groupby("region", sort=False).cumcount().to_numpy() + 1)
        """), "a new RangeIndex instead of the frame's index", (subset(),)),
        Wrong('def order_number_in_region(df):\n    return df.groupby("region", dropna=False).cumcount().add(1).sort_index(kind="stable")\n',
              "rows sorted by index label: reordered rows come back in another order", (reordered(),)),
    ),
)

ADD_REVENUE = Entry(
    about="a column filled cell by cell with .at: in place vs a copy, alignment on the index",
    original=code("""
        def add_revenue(df):
            df["revenue"] = 0.0
            for i in df.index:
                df.at[i, "revenue"] = df.at[i, "qty"] * df.at[i, "price"]
            return df
    """),
    calls=lambda: live(orders),
    right=('def add_revenue(df):\n    df["revenue"] = (df["qty"] * df["price"]).astype("float64")\n    return df\n',),
    wrong=(
        Wrong('def add_revenue(df):\n    return df.assign(revenue=df["qty"] * df["price"])\n',
              "returns a copy: the caller's frame no longer gains the column", (_few(),)),
        Wrong(code("""
            def add_revenue(df):
                df["revenue"] = (df["qty"] * df["price"]).reset_index(drop=True)
                return df
        """), "assigning a RangeIndex-ed Series aligns on labels: NaN on a non-contiguous index", (subset(),)),
        Wrong('def add_revenue(df):\n    df["revenue"] = df["qty"].mul(df["price"], fill_value=0)\n    return df\n',
              "a NaN price gives a revenue of 0 instead of NaN", (with_nan("price"),)),
    ),
)

LARGE_ORDERS = Entry(
    about="range(len(df)) with .iloc picking rows: index reset, NaN compared",
    original=code("""
        def large_orders(df):
            keep = []
            for i in range(len(df)):
                if df["qty"].iloc[i] * df["price"].iloc[i] > 500:
                    keep.append(i)
            return df.iloc[keep]
    """),
    calls=lambda: live(orders),
    right=('def large_orders(df):\n    return df[df["qty"] * df["price"] > 500]\n',
           'def large_orders(df):\n    return df.loc[(df["qty"] * df["price"]).gt(500).to_numpy()]\n'),
    wrong=(
        Wrong('def large_orders(df):\n    return df[df["qty"] * df["price"] > 500].reset_index(drop=True)\n',
              "reset_index: the kept rows lose their labels", (orders(40).iloc[10:30],)),
        Wrong('def large_orders(df):\n    return df[~(df["qty"] * df["price"] <= 500)]\n',
              "a NaN amount is kept by ~(<= 500) and dropped by > 500", (with_nan("price", row=1),)),
        Wrong('def large_orders(df):\n    return df.query("qty * price > 500").sort_index()\n',
              "sort_index reorders rows that came in another order", (orders(40).iloc[::-1],)),
    ),
)

CUSTOMER_TABLE = Entry(
    about="rows built one at a time from a groupby loop: sorted groups, NaN keys, dtypes",
    original=code("""
        def customer_table(df):
            rows = []
            for customer in df["customer"].dropna().unique():
                part = df[df["customer"] == customer]
                rows.append({"customer": customer, "orders": len(part), "units": part["qty"].sum()})
            return pd.DataFrame(rows, columns=["customer", "orders", "units"])
    """),
    calls=lambda: live(big_orders),
    right=(
        code("""
            def customer_table(df):
                if df["customer"].notna().sum() == 0:
                    return pd.DataFrame([], columns=["customer", "orders", "units"])
                g = df.groupby("customer", sort=False)["qty"]
                return pd.DataFrame({"orders": g.size(), "units": g.sum()}).rename_axis("customer").reset_index()
        """),
    ),
    wrong=(
        Wrong(code("""
            def customer_table(df):
                if df["customer"].notna().sum() == 0:
                    return pd.DataFrame([], columns=["customer", "orders", "units"])
                g = df.groupby("customer")["qty"]
                return pd.DataFrame({"orders": g.size(), "units": g.sum()}).rename_axis("customer").reset_index()
        """), "groups in sorted order instead of first-appearance order", (reordered(),)),
        Wrong(code("""
            def customer_table(df):
                if df["customer"].notna().sum() == 0:
                    return pd.DataFrame([], columns=["customer", "orders", "units"])
                g = df.groupby("customer", sort=False, dropna=False)["qty"]
                return pd.DataFrame({"orders": g.size(), "units": g.sum()}).rename_axis("customer").reset_index()
        """), "dropna=False keeps a row for a NaN customer, which the loop's dropna() leaves out",
              (with_nan("customer"),)),
        Wrong(code("""
            def customer_table(df):
                g = df.groupby("customer", sort=False)["qty"]
                return pd.DataFrame({"orders": g.size(), "units": g.sum()}).rename_axis("customer").reset_index()
        """), "an empty frame gives int64/float64 columns where the loop's empty table is object", (_few().iloc[:0],)),
    ),
)

TAX = Entry(
    about="a dict lookup per row: KeyError becomes NaN, str becomes category",
    original=code("""
        def tax_due(df, rates):
            taxes = []
            for region, price in zip(df["region"], df["price"]):
                taxes.append(price * rates[region])
            return pd.Series(taxes, index=df.index, name="tax", dtype="float64")
    """),
    calls=lambda: [((big_orders(), dict(RATES)), {})],
    right=(
        code("""
            def tax_due(df, rates):
                for region in df["region"].unique():  # the row loop's KeyError or TypeError, once per region
                    rates[region] * 1.0
                return (df["price"] * df["region"].map(rates).astype("float64")).rename("tax")
        """),
    ),
    wrong=(
        Wrong('def tax_due(df, rates):\n    return (df["price"] * df["region"].map(rates)).rename("tax")\n',
              "a region missing from rates gives NaN instead of KeyError",
              (_few(), {k: v for k, v in RATES.items() if k != "east"})),
        Wrong('def tax_due(df, rates):\n    return df["price"].mul(df["region"].map(rates).fillna(0.0)).rename("tax")\n',
              "a region missing from rates is taxed at 0 instead of raising KeyError",
              (_few(), {k: v for k, v in RATES.items() if k != "north"})),
    ),
)

PRICE_BAND = Entry(
    about="Series.apply with a lambda over strings: NaN goes to the other branch, category dtype",
    original=code("""
        def price_band(df):
            return df["price"].apply(lambda p: "high" if p > 50 else "low")
    """),
    calls=lambda: live(big_orders),
    right=(
        code("""
            def price_band(df):
                if df.empty:  # apply on no rows gives an empty float64 Series
                    return df["price"].apply(lambda p: "high" if p > 50 else "low")
                return pd.Series(np.where(df["price"] > 50, "high", "low"), index=df.index, name="price", dtype="str")
        """),
    ),
    wrong=(
        Wrong(code("""
            def price_band(df):
                return pd.Series(np.where(df["price"] <= 50, "low", "high"), index=df.index, name="price", dtype="str")
        """), "a NaN price is 'high' here and 'low' in the original", (with_nan("price"),)),
        Wrong(code("""
            def price_band(df):
                return pd.Series(np.where(df["price"] > 50, "high", "low"), index=df.index,
                                 name="price", dtype="category")
        """), "str values became a categorical", (_few(),)),
        Wrong(code("""
            def price_band(df):
                return pd.Series(np.where(df["price"] > 50, "high", "low"), index=df.index, name="price", dtype="str")
        """), "on no rows apply gives an empty float64 Series; this gives an empty str one", (_few().iloc[:0],)),
    ),
)

STANDARDIZE = Entry(
    about="columns standardized in a copy: the caller's frame mutated, NaN in the mean, a constant column",
    original=code("""
        def standardize(df):
            out = df.copy()
            for col in ["price", "discount"]:
                mean = out[col].mean()
                std = out[col].std()
                out[col] = [(v - mean) / std for v in out[col]]
            return out
    """),
    calls=lambda: live(big_orders),
    right=(
        code("""
            def standardize(df):
                out = df.copy()
                part = df[["price", "discount"]]
                out[["price", "discount"]] = (part - part.mean()) / part.std()
                return out
        """),
    ),
    wrong=(
        Wrong(code("""
            def standardize(df):
                part = df[["price", "discount"]]
                df[["price", "discount"]] = (part - part.mean()) / part.std()
                return df
        """), "standardizes the caller's frame in place", (_few(),)),
        Wrong(code("""
            def standardize(df):
                out = df.copy()
                for col in ["price", "discount"]:
                    x = out[col].to_numpy()
                    out[col] = (x - np.mean(x)) / np.std(x, ddof=1)
                return out
        """), "np.mean propagates a NaN that Series.mean skips", (with_nan("price"),)),
        Wrong(code("""
            def standardize(df):
                out = df.copy()
                part = df[["price", "discount"]]
                out[["price", "discount"]] = (part - part.mean()) / part.std().replace(0.0, 1.0)
                return out
        """), "a constant column becomes 0 where the loop's 0 / 0 gives NaN", (constant("price", 2.5),)),
    ),
)

FIRST_ORDER = Entry(
    about="the first row per group by a loop: duplicated labels, sorted groups",
    original=code("""
        def first_order_per_region(df):
            firsts = []
            seen = set()
            for label, row in df.iterrows():
                if row["region"] not in seen:
                    seen.add(row["region"])
                    firsts.append(label)
            return df.loc[firsts, ["region", "price"]]
    """),
    calls=lambda: live(orders),
    right=(
        'def first_order_per_region(df):\n    return df.loc[df.index[~df["region"].duplicated()], ["region", "price"]]\n',
        code("""
            def first_order_per_region(df):
                firsts = df.index[~df["region"].duplicated().to_numpy()]
                return df[["region", "price"]].loc[firsts]
        """),
    ),
    wrong=(
        Wrong('def first_order_per_region(df):\n    return df.drop_duplicates("region")[["region", "price"]].sort_values("region")\n',
              "groups sorted by region instead of in first-appearance order", (reordered(),)),
        Wrong('def first_order_per_region(df):\n    return df.groupby("region", sort=False).head(1)[["region", "price"]]\n',
              "head(1) per group drops the NaN-region row the loop keeps", (with_nan("region"),)),
        Wrong('def first_order_per_region(df):\n    return df.loc[~df["region"].duplicated(), ["region", "price"]]\n',
              "a mask keeps one row per duplicated label where the loop's label lookup brings them all",
              (duplicated_labels(),)),
    ),
)

CUSTOMER_MEAN = Entry(
    about="a groupby mean filled back into the rows by a loop: transform, NaN keys, the name",
    original=code("""
        def customer_mean_price(df):
            means = {}
            for customer in df["customer"].unique():
                means[customer] = df.loc[df["customer"] == customer, "price"].mean()
            return pd.Series([means[r] for r in df["customer"]], index=df.index, name="price", dtype="float64")
    """),
    calls=lambda: live(big_orders),
    right=('def customer_mean_price(df):\n    return df.groupby("customer", sort=False, dropna=False)["price"].transform("mean")'
           '.where(df["customer"].notna())\n',),
    wrong=(
        Wrong('def customer_mean_price(df):\n    return df.groupby("customer", dropna=False)["price"].transform("mean")\n',
              "a NaN customer gets the mean of NaN-customer rows instead of NaN", (with_nan("customer", row=1),)),
        Wrong('def customer_mean_price(df):\n    return df.groupby("customer")["price"].transform("mean").rename("mean")\n',
              "the Series is named 'mean' instead of 'price'", (_few(),)),
        Wrong(code("""
            def customer_mean_price(df):
                by = df.groupby("customer", sort=False, dropna=False)["price"]
                return (by.transform("sum") / by.transform("size")).where(df["customer"].notna()).rename("price")
        """), "sum / size counts a NaN price that mean() leaves out", (with_nan("price"),)),
    ),
)

RECORD_REVENUE = Entry(
    about="records into a summary: a record missing a key must be skipped, not raise",
    original=code("""
        def revenue_by_product(rows):
            df = pd.DataFrame(rows, columns=["product", "qty", "price"])
            totals = {}
            for i in range(len(df)):
                product, qty, price = df["product"].iloc[i], df["qty"].iloc[i], df["price"].iloc[i]
                if pd.isna(product) or pd.isna(qty) or pd.isna(price):
                    continue
                totals[product] = totals.get(product, 0.0) + qty * price
            return totals
    """),
    calls=lambda: [((records(),), {})],
    right=(
        code("""
            def revenue_by_product(rows):
                df = pd.DataFrame(rows, columns=["product", "qty", "price"]).dropna()
                amount = df["qty"] * df["price"]
                return {k: float(v) for k, v in amount.groupby(df["product"], sort=False).sum().items()}
        """),
    ),
    wrong=(
        Wrong(code("""
            def revenue_by_product(rows):
                df = pd.DataFrame(rows)
                amount = df["qty"] * df["price"]
                return {k: float(v) for k, v in amount.groupby(df["product"], sort=False).sum().items()}
        """), "a key missing from every record raises KeyError; a NaN amount is summed as 0 (no skip)",
              ([{"product": "cup", "qty": 2}],)),
        Wrong(code("""
            def revenue_by_product(rows):
                df = pd.DataFrame(rows, columns=["product", "qty", "price"]).dropna()
                amount = df["qty"] * df["price"]
                return {k: float(v) for k, v in amount.groupby(df["product"]).sum().items()}
        """), "products in sorted order instead of first-appearance order",
              ([{"product": "cup", "qty": 2, "price": 1.5}, {"product": "bowl", "qty": 1, "price": 2.0}],)),
    ),
)

RECORD_FRAME = Entry(
    about="records into a frame row by row: missing keys, None values, extra keys",
    original=code("""
        def records_frame(rows):
            out = pd.DataFrame(columns=["product", "qty", "price"])
            data = {"product": [], "qty": [], "price": []}
            for rec in rows:
                if "qty" not in rec:
                    continue
                for key in data:
                    data[key].append(rec.get(key))
            for key, values in data.items():
                out[key] = values
            return out
    """),
    calls=lambda: [((records(),), {})],
    right=(
        code("""
            def records_frame(rows):
                kept = [rec for rec in rows if "qty" in rec]
                out = pd.DataFrame(columns=["product", "qty", "price"])
                for key in ["product", "qty", "price"]:
                    out[key] = [rec.get(key) for rec in kept]
                return out
        """),
    ),
    wrong=(
        Wrong(code("""
            def records_frame(rows):
                return pd.DataFrame([rec for rec in rows if "qty" in rec], columns=["product", "qty", "price"])
        """), "a key missing from every kept record: a float64 NaN column where the loop's is object None",
              ([{"product": "cup", "qty": 2}],)),
        Wrong(code("""
            def records_frame(rows):
                out = pd.DataFrame(columns=["product", "qty", "price"])
                for key in ["product", "qty", "price"]:
                    out[key] = [rec.get(key) for rec in rows]
                return out
        """), "a record without qty is kept (with None) instead of skipped",
              ([{"product": "cup", "qty": 2, "price": 1.5}, {"product": "bowl", "price": 2.0}],)),
    ),
)

DISCOUNT_FLAGS = Entry(
    about="a flag column computed with apply(axis=1) and assigned in place: bool vs object, in place",
    original=code("""
        def flag_discounted(df):
            df["discounted"] = df.apply(lambda r: bool(r["discount"] > 0), axis=1).astype(bool)
            return df
    """),
    calls=lambda: live(orders),
    right=('def flag_discounted(df):\n    df["discounted"] = df["discount"] > 0\n    return df\n',),
    wrong=(
        Wrong('def flag_discounted(df):\n    df["discounted"] = df["discount"].fillna(1) > 0\n    return df\n',
              "a NaN discount is flagged here and not in the original", (with_nan("discount"),)),
        Wrong('def flag_discounted(df):\n    out = df.copy()\n    out["discounted"] = df["discount"] > 0\n    return out\n',
              "works on a copy: the caller's frame no longer gains the column", (_few(),)),
        Wrong('def flag_discounted(df):\n    df["discounted"] = ~(df["discount"] <= 0)\n    return df\n',
              "not (NaN <= 0) is True: a NaN discount is flagged", (with_nan("discount"),)),
    ),
)

ENTRIES = (REVENUE, FINAL_PRICE, CUSTOMER_TOTALS, RUNNING_TOTAL, ORDER_NUMBER, ADD_REVENUE, LARGE_ORDERS,
           CUSTOMER_TABLE, TAX, PRICE_BAND, STANDARDIZE, FIRST_ORDER, CUSTOMER_MEAN, RECORD_REVENUE,
           RECORD_FRAME, DISCOUNT_FLAGS)

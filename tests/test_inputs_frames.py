"""Generated DataFrames and Series resemble the live ones and reach the edges pandas code misses."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, seed, settings

from jupyter_optimize.model import Call, Counterexample
from jupyter_optimize.verify.inputs import calls_like
from jupyter_optimize.verify.search import crop_arrays


def sample(func, args, n=200):
    drawn = []

    @seed(1)
    @settings(max_examples=n, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(calls_like(func, [Call(args, {})]))
    def collect(call):
        drawn.append(call)

    collect()
    return drawn


@pytest.fixture
def sales():
    rng = np.random.default_rng(0)
    n = 40
    return pd.DataFrame({
        "units": rng.integers(1, 50, n),
        "price": rng.uniform(1.0, 9.0, n),
        "shop": pd.Series(rng.choice(["north", "south"], n), dtype=object),
        "label": rng.choice(["a", "b"], n),  # pandas' own string dtype
        "kind": pd.Categorical(rng.choice(["x", "y"], n)),
        "day": pd.date_range("2024-01-01", periods=n, freq="D"),
    })


def dtype_kinds(frame):
    return ["category" if isinstance(t, pd.CategoricalDtype) else str(t) for t in frame.dtypes]


def frames_like(frame, n=200):
    def total(df):
        return df

    return [c.args[0] for c in sample(total, (frame,), n)]


def test_frames_keep_columns_and_dtypes_and_reach_empty_one_row_and_moved_labels(sales):
    drawn = frames_like(sales)
    assert all(isinstance(f, pd.DataFrame) for f in drawn)
    assert all(list(f.columns) == list(sales.columns) and dtype_kinds(f) == dtype_kinds(sales) for f in drawn)
    assert all(f.index.dtype == sales.index.dtype for f in drawn)  # the index keeps its kind
    sizes = {len(f) for f in drawn}
    assert {0, 1, len(sales)} <= sizes
    several = [f for f in drawn if len(f) > 2]
    assert any(not (np.diff(f.index.to_numpy()) == 1).all() for f in several)  # non-contiguous labels
    assert any(f.index.duplicated().any() for f in several)
    assert any(not f.index.is_monotonic_increasing and not f.index.duplicated().any() for f in several)  # reordered


def test_frames_reach_missing_values_and_edges_each_dtype_allows(sales):
    drawn = frames_like(sales)
    assert any(f["price"].isna().any() for f in drawn)
    assert any(f["shop"].map(lambda v: v is None).any() for f in drawn)  # None in an object column
    assert any(f["day"].isna().any() for f in drawn)  # NaT
    units = np.concatenate([f["units"].to_numpy() for f in drawn])
    assert {0, -1, np.iinfo(np.int64).max} <= set(units.tolist())
    texts = {v for f in drawn for v in f["label"].dropna()}
    assert "" in texts and any(not t.isascii() for t in texts)


def test_categoricals_get_unused_and_unseen_categories_and_stay_categorical(sales):
    drawn = frames_like(sales)
    categories = [f["kind"].cat for f in drawn]
    assert all(isinstance(f["kind"].dtype, pd.CategoricalDtype) for f in drawn)
    assert any(len(set(c.categories) - set(f["kind"].dropna())) for c, f in zip(categories, drawn) if len(f))  # unused
    assert any((f["kind"] == "unseen category").any() for f in drawn)  # a category no live row has


def test_series_keep_dtype_and_index_kind_and_keep_or_drop_the_name():
    live = pd.Series([1.5, 2.5, 3.5, 4.5], index=["a", "b", "c", "d"], name="weight")

    def f(s):
        return s

    drawn = [c.args[0] for c in sample(f, (live,))]
    assert all(isinstance(s, pd.Series) and s.dtype == live.dtype for s in drawn)
    assert all(set(s.index) <= set(live.index) for s in drawn)  # labels from the live index: strings stay strings
    assert {s.name for s in drawn} == {"weight", None}
    assert any(s.isna().any() for s in drawn) and {0, 1} <= {len(s) for s in drawn}


def test_a_frame_and_a_series_of_the_same_rows_stay_aligned(sales):
    def f(df, mask):
        return df[mask]

    drawn = sample(f, (sales, sales["units"] > 10))
    assert all(f.index.equals(m.index) for f, m in (c.args for c in drawn))


class FirstRowsJudge:
    """Says a call differs when its frame holds a row with units over 40 (a stand-in for a real candidate)."""

    def compare(self, call, original_limit=None):
        frame = call.args[0]
        return ("differs" if (frame["units"] > 40).any() else None), None, None

    def counterexample(self, call, orig, cand, why):
        return Counterexample("f(...)", "orig", "cand", why, "generated", inputs=call)


def test_cropping_cuts_frames_and_series_to_their_first_rows():
    frame = pd.DataFrame({"units": [50, 1, 2, 3, 4, 5, 6, 7, 8, 9]})
    found = Counterexample("f(...)", "orig", "cand", "differs", "generated", inputs=Call((frame, frame["units"]), {}))
    cropped = crop_arrays(FirstRowsJudge(), found).inputs
    assert len(cropped.args[0]) == 1 and len(cropped.args[1]) == 1  # related rows cut alike
    assert list(cropped.args[0].columns) == ["units"]

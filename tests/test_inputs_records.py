"""Generated records, dicts of arrays, bytes, sets, dates and objects: variants the live values lack."""
import dataclasses
import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, seed, settings

from jupyter_optimize import optimize
from jupyter_optimize.model import Call
from jupyter_optimize.verify.inputs import calls_like

ROWS = [{"name": "ann", "age": 31, "city": "Oslo"}, {"name": "bob", "age": 45, "city": "Lima"}]


def first_args(live_args, n=200):
    def f(*args):
        return args

    drawn = []

    @seed(1)
    @settings(max_examples=n, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(calls_like(f, [Call(live_args, {})]))
    def collect(call):
        drawn.append(call.args[0])

    collect()
    return drawn


def test_records_reach_a_missing_key_an_extra_key_none_and_an_empty_dict():
    records = [r for batch in first_args((ROWS,)) for r in batch]
    keys = set(ROWS[0])
    assert all(isinstance(r, dict) for r in records)
    assert any(r and set(r) < keys for r in records)  # a key missing
    assert any(set(r) > keys for r in records)  # an extra key
    assert any(None in r.values() for r in records)
    assert {} in records
    assert any(r in ROWS for r in records)  # and live rows
    assert any(isinstance(r.get("age"), int) and r.get("age") not in (31, 45) for r in records)  # values varied by type


def test_a_dict_of_arrays_keeps_its_keys_and_draws_each_array_like_its_live_one():
    live = {"x": np.arange(5.0), "y": np.arange(5.0) * 2}
    drawn = first_args((live,))
    assert all(set(d) == {"x", "y"} and d["x"].dtype == np.float64 and d["x"].shape == d["y"].shape for d in drawn)
    assert len({d["x"].shape for d in drawn}) > 2


def test_bytes_and_bytearray_get_variants_of_their_own_type():
    for live in (b"header", bytearray(b"header")):
        drawn = first_args((live,))
        assert all(type(b) is type(live) for b in drawn)
        assert b"" in drawn and len(set(map(bytes, drawn))) > 10
        assert any(_not_utf8(b) for b in drawn)


def _not_utf8(data):
    try:
        bytes(data).decode()
    except UnicodeDecodeError:
        return True
    return False


def test_sets_keep_their_type_and_vary_their_items():
    for live in ({1, 2, 3}, frozenset({"a", "b"})):
        drawn = first_args((live,))
        assert all(type(s) is type(live) for s in drawn)
        assert type(live)() in drawn and len(set(map(frozenset, drawn))) > 5


def test_dates_move_and_reach_their_edges():
    live = dt.datetime(2023, 6, 1, 12, 30, tzinfo=dt.timezone.utc)
    moments = first_args((live,))
    assert all(isinstance(m, dt.datetime) and m.tzinfo == dt.timezone.utc for m in moments)
    assert len(set(moments)) > 10 and any(m.month == 2 and m.day == 29 for m in moments)
    days = first_args((dt.date(2023, 6, 1),))
    assert all(type(d) is dt.date for d in days) and len(set(days)) > 10
    spans = first_args((dt.timedelta(hours=2),))
    assert dt.timedelta(0) in spans and any(s < dt.timedelta(0) for s in spans)


@dataclasses.dataclass(frozen=True)
class Window:
    size: int
    label: str


class Settings:
    def __init__(self, threshold, scale):
        self.threshold, self.scale = threshold, scale


def test_dataclass_and_plain_object_fields_vary_like_their_live_values():
    windows = first_args((Window(3, "w"),))
    assert all(isinstance(w, Window) for w in windows)
    assert any(w.size <= 0 for w in windows) and "" in {w.label for w in windows}
    objects = first_args((Settings(0.5, 2),))
    assert all(type(o) is Settings for o in objects)
    assert any(o.threshold != 0.5 for o in objects) and any(isinstance(o.scale, int) and o.scale < 0 for o in objects)


def total_age(rows):
    total = 0
    for row in rows:
        if "age" in row:
            total += row["age"]
    return total


@pytest.mark.slow
def test_a_rewrite_that_raises_on_a_record_missing_a_key_is_incorrect_with_a_single_record():
    fast = "def total_age(rows):\n    return sum(row['age'] for row in rows)\n"
    report = optimize(total_age, [((ROWS,), {})], candidates=[fast], sources=(), examples=100)
    result = report.results[0]
    assert result.verdict == "incorrect", result.reason
    rows = result.counterexample.inputs.args[0]
    assert len(rows) == 1 and "age" not in rows[0]
    assert "KeyError" in result.counterexample.candidate

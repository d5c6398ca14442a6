"""Strategies for bytes and dates: values like the live one, and their edges.

* bytes and bytearray (type kept): empty, the live value, a part of it,
  reversed, a NUL, bytes that are not UTF-8, and any bytes up to the live length;
* datetime (its timezone kept), date, time and timedelta: the live value
  moved by a little or a lot, plus the epoch, a leap day, the ends of a year,
  midnight, zero and negative durations.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

NOT_UTF8 = b"\xff\xfe\x80"
SHIFTS = st.one_of(st.sampled_from([dt.timedelta(0), dt.timedelta(days=1), dt.timedelta(days=-1),
                                    dt.timedelta(seconds=1), dt.timedelta(days=366)]),
                   st.timedeltas(dt.timedelta(days=-3650), dt.timedelta(days=3650)))


def strategy_like(value: Any) -> SearchStrategy[Any] | None:
    """A strategy of values like *value*, or None when it is none of these types."""
    if isinstance(value, (bytes, bytearray)):
        return _bytes_like(value)
    if isinstance(value, dt.datetime):
        return _datetime_like(value)
    if isinstance(value, dt.date):
        return _date_like(value)
    if isinstance(value, dt.timedelta):
        return _timedelta_like(value)
    if isinstance(value, dt.time):
        return st.sampled_from([value, dt.time(0), dt.time(23, 59, 59, 999999)]) | st.times(timezones=st.just(value.tzinfo))
    return None


def _bytes_like(value: bytes | bytearray) -> SearchStrategy[Any]:
    live = bytes(value)
    edges = [b"", live, live[:1], live[::-1], b"\x00", NOT_UTF8, live + NOT_UTF8, live.upper(), b" "]
    drawn = st.one_of(st.sampled_from(edges), st.binary(max_size=max(len(live), 8)))
    return drawn.map(type(value)) if type(value) is not bytes else drawn


def _datetime_like(value: dt.datetime) -> SearchStrategy[Any]:
    tz = value.tzinfo
    edges = [value, dt.datetime(1970, 1, 1, tzinfo=tz), dt.datetime(2024, 2, 29, 23, 59, 59, tzinfo=tz),
             dt.datetime(value.year, 12, 31, 23, 59, 59, 999999, tzinfo=tz),
             value.replace(hour=0, minute=0, second=0, microsecond=0)]  # midnight of the live day
    return st.one_of(st.sampled_from(edges), SHIFTS.map(lambda shift: _shifted(value, shift)))


def _shifted(value: Any, shift: dt.timedelta) -> Any:
    try:
        return value + shift
    except OverflowError:  # near datetime.min/max (or pandas' narrower range): the live value
        return value


def _date_like(value: dt.date) -> SearchStrategy[Any]:
    edges = [value, dt.date(1970, 1, 1), dt.date(2024, 2, 29), dt.date(value.year, 12, 31), dt.date(value.year, 1, 1)]
    days = st.integers(-3650, 3650).map(lambda n: dt.timedelta(days=n))
    return st.one_of(st.sampled_from(edges), days.map(lambda shift: _shifted(value, shift)))


def _timedelta_like(value: dt.timedelta) -> SearchStrategy[Any]:
    edges = [dt.timedelta(0), value, -value, dt.timedelta(microseconds=1), dt.timedelta(days=-1)]
    return st.one_of(st.sampled_from(edges), st.timedeltas(-2 * abs(value) - dt.timedelta(days=1),
                                                           2 * abs(value) + dt.timedelta(days=1)))

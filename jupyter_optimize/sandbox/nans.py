"""numpy's NaN crosses a pickle as itself.

A float is pickled by value, so a NaN comes back as a new object: an unpickled frame's text column then
holds a NaN object of its own in each cell where it held numpy's one `np.nan` (the missing value pandas
stores in object and str columns). A loop that keys a dict by such values (``seen[key] = seen.get(key, 0)
+ 1``) finds one NaN key in the kernel and one per row after the trip, so the same input would behave
otherwise in a child, or in the kernel once a child sent it back. Whatever crosses between the kernel
and a child goes with `np.nan` as a persistent id (`Pickler`, `dumps`) and is read back as `np.nan`
itself (`persistent_load`); any other NaN object stays the copy pickle makes of it.
"""
from __future__ import annotations

import io
import pickle
from typing import Any

import numpy as np

NAN_ID = "numpy.nan"


class Pickler(pickle.Pickler):
    def persistent_id(self, obj: Any) -> str | None:
        return NAN_ID if obj is np.nan else None


def dumps(value: Any) -> bytes:
    buffer = io.BytesIO()
    Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def persistent_load(pid: Any) -> Any:
    if pid == NAN_ID:
        return np.nan
    raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")


class Unpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        return persistent_load(pid)


def loads(payload: bytes) -> Any:
    return Unpickler(io.BytesIO(payload)).load()

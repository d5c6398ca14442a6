"""Frames between the kernel and a spawn worker: an 8-byte length, then a pickle.

Both ends use plain descriptors (`os.read`/`os.write` are not audited events,
so the worker's containment needs no exemption for them). What the kernel
reads back goes through `readback.loads`, never plain pickle.
"""
from __future__ import annotations

import os
import struct

_HEADER = struct.Struct("!Q")


class Closed(Exception):
    """The other end went away before a whole frame arrived."""


def write_frame(fd: int, payload: bytes) -> None:
    view = memoryview(_HEADER.pack(len(payload)) + payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_frame(fd: int) -> bytes:
    (size,) = _HEADER.unpack(_read_exactly(fd, _HEADER.size))
    return _read_exactly(fd, size)


def _read_exactly(fd: int, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise Closed(f"the stream ended {left} bytes short")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)

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


class TooLarge(Closed):
    """A frame claimed more bytes than the reader accepts (a job writing into the reply pipe)."""


def write_frame(fd: int, payload: bytes | memoryview) -> None:
    for part in (memoryview(_HEADER.pack(len(payload))), memoryview(payload)):
        while part:
            written = os.write(fd, part)
            part = part[written:]


def read_frame(fd: int, limit: int | None = None) -> bytes:
    (size,) = _HEADER.unpack(_read_exactly(fd, _HEADER.size))
    if limit is not None and size > limit:
        raise TooLarge(f"a frame of {size} bytes, more than the {limit} accepted")
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

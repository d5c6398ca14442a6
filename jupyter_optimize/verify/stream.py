"""Drawn inputs passed on while they are being drawn: candidates' children replay each as it arrives.

With --jobs 2 or more the run's generated inputs are drawn in a child of their own that starts right
after the study (`judging.start_drawing`). Rather than wait for the whole draw, each candidate's child
reads the inputs from a file the drawing child appends to, one record per input judged, in the order
drawn (`Writer`, `Streamed`); when the drawing child has ended, the kernel writes what the draw found
beside the file (`finish`): how many inputs it judged, and its counts and stops (a `Drawn` without its
inputs), or that it failed. A reader (`Stream`) yields the inputs as they come and then holds that
summary; when the draw failed, or ended with fewer records than it judged (one that could not be
pickled or written: the writer then marks the stream broken, so readers learn it at once), the reader
raises `DrawFailed` and the candidate searches by itself, as it does when the whole draw fails. So a
candidate judges the very inputs, in the same order, that the finished draw gives it under --jobs 1:
only when it starts differs.

Records are pickled the way a child's result is (`sandbox.nans`: numpy's NaN crosses as itself) and
read the way the kernel reads one (`sandbox.readback`), so a replayed input is the value the kernel's
own copy of the draw would be.
"""
from __future__ import annotations

import os
import pickle
import struct
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..model import Call
from ..sandbox import containment, nans, readback

if TYPE_CHECKING:
    from .replay import Drawn

HEADER = struct.Struct("<Q")  # each record: its length, then the pickle of (call, fingerprint)
BROKEN = HEADER.pack(0)  # a record of length 0: the writer could not pass an input on (readers stop at once)
FIRST_WAIT_S, LONGEST_WAIT_S = 0.001, 0.02  # a reader polls this often, backing off, for the next record
FAILED = "failed"
_APPENDING = os.O_WRONLY | os.O_APPEND | getattr(os, "O_BINARY", 0)  # Windows would translate newlines


class DrawFailed(Exception):
    """The drawing child ended without passing on every input it drew."""


def end_path(path: str) -> str:
    return path + ".end"


class Writer:
    """The drawing child's end: appends one record per input (the file is the kernel's, created empty)."""

    def __init__(self, path: str):
        box = containment.current()
        with box.own_io() if box is not None else nullcontext():  # the tool's own file, outside the scratch
            self._fd = os.open(path, _APPENDING)
        self._broken = False

    def add(self, call: Call, printed: str) -> None:
        """One more input. One that cannot be pickled or written breaks the stream there: readers learn it
        from the next record and search by themselves; the draw itself goes on as it would without a stream."""
        if self._broken:
            return
        try:
            payload = nans.dumps((call, printed))
        except Exception:
            self._break()
            return
        self._write(HEADER.pack(len(payload)) + payload)

    def close(self) -> None:
        os.close(self._fd)

    def _break(self) -> None:
        self._broken = True
        self._write(BROKEN)

    def _write(self, data: bytes) -> None:
        record = memoryview(data)
        try:
            while record:
                record = record[os.write(self._fd, record):]
        except OSError:  # a full disk, say: what was half written is never read whole
            self._broken = True


class Streamed(list[Call]):
    """The list the drawing search appends each judged input to (`search_generated`'s *drawn*), passing
    each on to the stream as well, with its fingerprint (kept in `prints`)."""

    def __init__(self, writer: Writer, fingerprint: Callable[[Call], str]):
        super().__init__()
        self._writer, self._fingerprint = writer, fingerprint
        self.prints: list[str] = []

    def append(self, call: Call) -> None:
        super().append(call)
        self.prints.append(self._fingerprint(call))
        self._writer.add(call, self.prints[-1])

    def close(self) -> None:
        self._writer.close()


def finish(path: str, drawn: Drawn | None) -> None:
    """The kernel's end, once the drawing child has ended: what it drew (without the inputs), or None
    when it failed. Written whole, then renamed, so a reader sees all of it or nothing."""
    summary: Any = FAILED if drawn is None else (len(drawn.calls), replace(drawn, calls=(), prints=()))
    partial = end_path(path) + ".part"
    with open(partial, "wb") as out:
        pickle.dump(summary, out, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, end_path(path))


@dataclass(frozen=True)
class Stream:
    """A reader of the inputs being drawn into *path* (sent to each candidate's child in its job)."""

    path: str

    def inputs(self, waited: Callable[[float], None]) -> Iterator[tuple[Call, str]]:
        """Each input and its fingerprint, as it arrives; *waited(seconds)* after each wait for one.
        `summary` holds the draw's counts once this is exhausted."""
        offset, count, pause = 0, 0, FIRST_WAIT_S
        with open(self.path, "rb", buffering=0) as source:
            while True:
                record = _record_at(source, offset)
                if record == b"":  # `BROKEN`
                    raise DrawFailed()
                if record is not None:
                    offset += HEADER.size + len(record)
                    count += 1
                    pause = FIRST_WAIT_S
                    try:
                        call, printed = readback.loads(record)
                    except Exception:  # as the kernel's own read of the draw would have failed
                        raise DrawFailed() from None
                    yield call, printed
                    continue
                ended = self._ended()
                if ended is not None:
                    if _record_at(source, offset) is not None:  # written just before the child ended (or BROKEN)
                        continue
                    if ended == FAILED or ended[0] != count:
                        raise DrawFailed()
                    return
                started = time.monotonic()
                time.sleep(pause)
                waited(time.monotonic() - started)
                pause = min(LONGEST_WAIT_S, 2 * pause)

    def summary(self) -> Drawn:
        """What the draw found besides its inputs, once it has ended (a replay stopped by its budget may
        ask before: the drawing child ends within its own limits)."""
        pause = FIRST_WAIT_S
        while (ended := self._ended()) is None:
            time.sleep(pause)
            pause = min(LONGEST_WAIT_S, 2 * pause)
        if ended == FAILED:
            raise DrawFailed()
        drawn: Drawn = ended[1]
        return drawn

    def _ended(self) -> Any:
        try:
            with open(end_path(self.path), "rb") as source:
                return pickle.load(source)
        except FileNotFoundError:
            return None


def _record_at(source: Any, offset: int) -> bytes | None:
    """The whole record at *offset*, or None while it is not all written yet."""
    source.seek(offset)
    header = source.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    payload = source.read(size)
    if len(payload) < size:  # read() of a regular file may come back short only at its end
        return None
    return bytes(payload)

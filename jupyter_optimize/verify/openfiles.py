"""Writes through files the kernel holds open, compared as file effects.

A function may write through a file object it reads as a global (``LOG.write(...)`` with
``LOG = open("run.log", "w")`` from an earlier cell). In a contained child every inherited
descriptor that could reach a user's file points at /dev/null (`sandbox.fork`), so such a
write changes nothing, and unless it is caught here a candidate that drops it looks the same.
`OpenFiles` finds the writable file objects among the globals the original and the candidate
read, points each one's descriptor at a private temporary file instead, and gives what each run
wrote through it (``files`` of the run's `Outcome`, under the name ``<open file NAME: PATH>``),
so that `effects.files_difference` compares them as it compares files written by path.

Only file objects the functions name directly are seen (not one held by a logger or an attribute
of an object they use); the child has the kernel's copies of them, so the kernel's own files and
objects are never touched.
"""
from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from types import CodeType, FunctionType
from typing import Any

from ..sandbox import containment


class OpenFiles:
    """The writable open files two functions name as globals, each written into a file of its own."""

    def __init__(self, files: dict[str, Any]):
        self._files = files  # label -> the file object
        self._into: dict[str, int] = {}  # label -> the descriptor of the temporary file behind it
        box = containment.current()
        for label, handle in files.items():
            with box.own_io() if box is not None else nullcontext():
                handle.flush()  # the kernel's pending writes, copied with the child: not this run's
                spare = tempfile.TemporaryFile()
                os.dup2(spare.fileno(), handle.fileno())
                self._into[label] = os.dup(spare.fileno())
                spare.close()

    @classmethod
    def of(cls, *funcs: Callable[..., object]) -> OpenFiles:
        """Only in a contained child (elsewhere a write would reach the user's file: none is redirected)."""
        if containment.current() is None:
            return cls({})
        return cls({f"<open file {name}: {getattr(handle, 'name', '?')}>": handle
                    for name, handle in _named_files(funcs).items()})

    def start(self) -> None:
        """Before a run: what was written so far is forgotten."""
        for label, handle in self._files.items():
            self._flushed(handle)
            os.ftruncate(self._into[label], 0)
            os.lseek(self._into[label], 0, os.SEEK_SET)  # shared with the handle's: its next write starts at 0

    def written(self) -> dict[str, bytes]:
        """What the run wrote through each file since `start` (files written nothing are left out)."""
        out: dict[str, bytes] = {}
        for label, handle in self._files.items():
            self._flushed(handle)
            data = os.pread(self._into[label], os.fstat(self._into[label]).st_size, 0)
            if data:
                out[label] = data
        return out

    @staticmethod
    def _flushed(handle: Any) -> None:
        try:
            handle.flush()
        except (OSError, ValueError):  # closed by the function: what it wrote before is in the file
            pass


def _named_files(funcs: tuple[Callable[..., object], ...]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for func in funcs:
        if not isinstance(func, FunctionType):
            continue
        for name in _global_names(func.__code__):
            value = func.__globals__.get(name)
            if _writable_file(value):
                found.setdefault(name, value)
    return found


def _global_names(code: CodeType) -> Iterator[str]:
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, CodeType):
            yield from _global_names(const)


def _writable_file(value: Any) -> bool:
    """An open file object for writing, other than the standard streams (in a child its descriptor points
    at /dev/null by now, so its kind cannot tell: its path name does)."""
    if not isinstance(value, io.IOBase) or value.closed:
        return False
    try:
        return bool(value.writable()) and value.fileno() > 2 and isinstance(getattr(value, "name", None), str)
    except (OSError, ValueError, io.UnsupportedOperation):  # an in-memory buffer has no descriptor
        return False

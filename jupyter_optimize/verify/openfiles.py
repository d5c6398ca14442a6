"""Writes through files the kernel holds open, compared as file effects.

A function may write through a file object it reads as a global (``LOG.write(...)`` with
``LOG = open("run.log", "w")`` from an earlier cell). In a contained child every inherited
descriptor that could reach a user's file points at /dev/null (`sandbox.fork`), so such a
write changes nothing, and unless it is caught here a candidate that drops it looks the same.
`watch` (called by each `Judge`) finds the files ``open()`` made among the globals the functions
read, and points each one's descriptor at a private temporary file instead; `judge.run_once`
then empties them before each run (`before_run`) and takes what the run wrote through each after
it (`after_run`), as the run's ``files`` under the name ``<open file NAME: PATH>``, so that
`effects.files_difference` compares them as it compares files written by path.

Only plain files (``open()``'s text, buffered and raw objects) that the functions name directly
are seen: not one held by a logger or an attribute of an object they use, nor a gzip file or a
notebook's output stream (their state or their writes are not a file's bytes). Each run starts
such a file as new (at position 0, its encoder reset: a UTF-16 byte-order mark is written again).
The child has the kernel's copies of them, so the kernel's own files and objects are never touched.
"""
from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterator
from types import CodeType, FunctionType
from typing import Any

from ..sandbox import containment

_PLAIN = (io.TextIOWrapper, io.BufferedWriter, io.BufferedRandom, io.FileIO)  # what open() gives
_watched: dict[int, tuple[str, Any, int]] = {}  # id(handle) -> (label, handle, descriptor of its temporary file)


def watch(*funcs: Callable[..., object]) -> None:
    """In a contained child only (elsewhere a write would reach the user's file: none is redirected)."""
    box = containment.current()
    if box is None:
        return
    for name, handle in _named_files(funcs).items():
        if id(handle) in _watched:
            continue
        with box.own_io():
            try:
                handle.flush()  # the kernel's pending writes, copied with the child: into /dev/null
                spare = tempfile.TemporaryFile()
                os.dup2(spare.fileno(), handle.fileno())
                into = os.dup(spare.fileno())
                spare.close()
            except (OSError, ValueError):
                continue
        _watched[id(handle)] = (f"<open file {name}: {handle.name}>", handle, into)


def before_run() -> None:
    """Each watched file as new: what was written so far is forgotten."""
    for _, handle, into in list(_watched.values()):
        try:
            handle.flush()
            os.ftruncate(into, 0)
            handle.seek(0)  # position 0 for the next write; a text file's encoder reset as for a new file
        except (OSError, ValueError):  # closed by the function, say: no longer compared
            _forget(handle, into)


def after_run() -> dict[str, bytes]:
    """What the run wrote through each watched file since `before_run` (files written nothing left out)."""
    out: dict[str, bytes] = {}
    for label, handle, into in list(_watched.values()):
        try:
            handle.flush()
        except (OSError, ValueError):  # closed by the run: what it wrote before is in the file
            pass
        data = os.pread(into, os.fstat(into).st_size, 0)
        if data:
            out[label] = data
    return out


def _forget(handle: Any, into: int) -> None:
    _watched.pop(id(handle), None)
    os.close(into)


def _named_files(funcs: tuple[Callable[..., object], ...]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for func in funcs:
        if not isinstance(func, FunctionType):
            continue
        for name in _global_names(func.__code__):
            value = func.__globals__.get(name)
            if _plain_file(value) and all(value is not other for other in found.values()):
                found[name] = value
    return found


def _global_names(code: CodeType) -> Iterator[str]:
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, CodeType):
            yield from _global_names(const)


def _plain_file(value: Any) -> bool:
    """A file ``open()`` made, open for writing, other than the standard streams (in a child its descriptor
    points at /dev/null by now, so its kind cannot tell: its path name does)."""
    if type(value) not in _PLAIN:
        return False
    try:
        return not value.closed and bool(value.writable()) and value.fileno() > 2 and isinstance(value.name, str)
    except (OSError, ValueError, AttributeError):  # detached, or closed underneath
        return False

"""Reading a child's result back in the kernel without running what the child chose.

A child runs candidates, and a candidate can write anything into the pipe
its result comes back through. Plain `pickle.loads` would call whatever
the bytes name, in the kernel. `loads` here rebuilds classes (the tool's
records, numpy and pandas values, the user's own types) but calls only the
functions that rebuild them (numpy's and pandas' reconstructors); a class
from a module that reaches files, processes, the network or the
interpreter itself is refused, and so is every other function. What cannot
be read so is a `Unreadable` with one line naming it.
"""
from __future__ import annotations

import io
import pickle
from typing import Any

from . import nans

# classes from these (and their submodules) are never rebuilt: constructing them touches the world
_NO_CLASSES = frozenset({
    "os", "posix", "nt", "subprocess", "_posixsubprocess", "sys", "io", "_io", "socket", "_socket", "ssl", "shutil",
    "tempfile", "logging", "zipfile", "tarfile", "gzip", "bz2", "lzma", "shelve", "dbm", "sqlite3", "ctypes",
    "_ctypes", "multiprocessing", "concurrent", "threading", "_thread", "pickle", "_pickle", "marshal", "importlib",
    "runpy", "code", "codeop", "pty", "signal", "asyncio", "http", "urllib", "ftplib", "smtplib", "webbrowser",
    "mmap", "select", "selectors", "fcntl", "resource", "gc", "operator", "functools", "itertools", "types",
    "inspect", "pdb", "bdb", "cProfile", "profile", "trace", "timeit", "atexit",
})
_BUILTIN_CLASSES = frozenset({
    "object", "set", "frozenset", "list", "dict", "tuple", "int", "float", "complex", "str", "bytes", "bytearray",
    "bool", "slice", "range", "NoneType", "Ellipsis", "NotImplemented",
})
# functions that only rebuild a value: numpy's and pandas' pickle reconstructors, copyreg's
_REBUILDERS = frozenset({("copyreg", "_reconstructor"), ("copyreg", "__newobj__"), ("copyreg", "__newobj_ex__")})
_REBUILDER_NAMES = frozenset({"_reconstruct", "scalar", "_frombuffer", "_new_Index", "new_block", "_new_PeriodIndex",
                              "_new_DatetimeIndex", "_unpickle_timestamp", "_timedelta_unpickle", "__nat_unpickle",
                              "_unpickle_block", "_unpickle_series_compat", "__pyx_unpickle_NDArrayBacked",
                              "_unpickle", "__pyx_unpickle_Enum", "_new_IntervalIndex", "_unpickle_array"})


class Unreadable(Exception):
    """A child's result named something the kernel will not run; the message is one line."""


def loads(payload: bytes) -> Any:
    return _Reader(io.BytesIO(payload)).load()


class _Reader(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        try:
            return nans.persistent_load(pid)
        except pickle.UnpicklingError:
            raise Unreadable(f"its result names the persistent id {str(pid)[:40]!r}, which the kernel does not know") from None

    def find_class(self, module: str, name: str) -> Any:
        root = module.split(".", 1)[0]
        if root == "builtins":
            if name in _BUILTIN_CLASSES or _is_exception_class(name):
                return super().find_class(module, name)
        elif (module, name) in _REBUILDERS:
            return super().find_class(module, name)
        elif root in ("numpy", "pandas") and name in _REBUILDER_NAMES:
            return super().find_class(module, name)
        elif root not in _NO_CLASSES:
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise Unreadable(f"its result names {module}.{name}, which the kernel does not run to read a result back")


def _is_exception_class(name: str) -> bool:
    import builtins

    found = getattr(builtins, name, None)
    return isinstance(found, type) and issubclass(found, BaseException)

"""Which optional library a value comes from, told from its type's module without importing the library.

pandas, scipy, polars and torch are imported only when the user holds one of
their values; every stage asks here first.
"""
from __future__ import annotations


def library(value: object) -> str:
    """The top-level package of *value*'s type: 'pandas', 'scipy', 'numpy', 'builtins', ..."""
    return type(value).__module__.split(".", 1)[0]


def is_pandas(value: object) -> bool:
    return library(value) == "pandas"


def is_pandas_rows(value: object) -> bool:
    """A DataFrame or Series: a pandas value with rows to cut or draw."""
    return is_pandas(value) and type(value).__name__ in ("DataFrame", "Series")

"""The folders the tool's own libraries write in a child (hypothesis's cache), found in the kernel.

Apart from `containment` because finding them imports the verifier, which
imports `containment`: the backends (fork, spawn) ask here.
"""
from __future__ import annotations

import functools
import importlib.util
import os

from .containment import ToolFolder


def tool_folders() -> tuple[ToolFolder, ...]:
    """Hypothesis's cache folder (see verify/search.py), writable by hypothesis itself.
    Found anew each time: it follows $HOME and $XDG_CACHE_HOME."""
    from ..verify.search import cache_directory

    path, owners = cache_directory(), _package_folders("hypothesis")
    return (ToolFolder(path, owners), ToolFolder(os.path.realpath(path), owners))


@functools.cache
def _package_folders(name: str) -> tuple[str, ...]:
    spec = importlib.util.find_spec(name)
    if spec is None:
        return ()
    locations = spec.submodule_search_locations or ()
    return tuple(folder + os.sep for p in locations for folder in {p, os.path.realpath(p)})

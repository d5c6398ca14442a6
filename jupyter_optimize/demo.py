"""The seed story: masked histogram equalization, written with two Python loops,
and two rewrites of it. One vectorizes both loops and is several times faster.
The other finds the first non-empty bin with ``argmax(hist > 0)``: it looks
right, and it is wrong when the mask selects no pixel (argmax then gives 0
where the loop, capped at 255, gives 255).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

ORIGINAL = '''\
def equalize(img, mask=None):
    """Histogram-equalize a uint8 image using only the pixels under mask."""
    pixels = img[mask] if mask is not None else img.ravel()
    hist = np.bincount(pixels, minlength=256)
    total = pixels.size
    # the first grey level that occurs (255 if none does)
    first = 0
    while first < 255 and hist[first] == 0:
        first += 1
    if hist[first] == total:  # a single grey level: nothing to stretch
        return np.full_like(img, first)
    scale = 255 / (total - hist[first])
    lut = np.zeros(256, dtype=np.uint8)
    running = 0
    for level in range(256):
        running += hist[level]
        lut[level] = min(255, max(0, round((running - hist[first]) * scale)))
    return lut[img]
'''

VECTORIZED = '''\
def equalize(img, mask=None):
    """Both loops replaced by numpy: flatnonzero for the first bin, cumsum for the table."""
    pixels = img[mask] if mask is not None else img.ravel()
    hist = np.bincount(pixels, minlength=256)
    total = pixels.size
    filled = np.flatnonzero(hist)
    first = filled[0] if filled.size else 255
    if hist[first] == total:
        return np.full_like(img, first)
    scale = 255 / (total - hist[first])
    lut = np.clip(np.round((np.cumsum(hist) - hist[first]) * scale), 0, 255).astype(np.uint8)
    return lut[img]
'''

ARGMAX = '''\
def equalize(img, mask=None):
    """The first bin found with argmax(hist > 0): right whenever some pixel is selected."""
    pixels = img[mask] if mask is not None else img.ravel()
    hist = np.bincount(pixels, minlength=256)
    total = pixels.size
    first = int(np.argmax(hist > 0))
    if hist[first] == total:
        return np.full_like(img, first)
    scale = 255 / (total - hist[first])
    lut = np.clip(np.round((np.cumsum(hist) - hist[first]) * scale), 0, 255).astype(np.uint8)
    return lut[img]
'''


def define(source: str = ORIGINAL, namespace: dict[str, Any] | None = None) -> Callable[..., object]:
    """Execute *source* (as a notebook cell would) and return its `equalize`."""
    from .sources.candidates import register_source

    namespace = {"np": np} if namespace is None else namespace
    exec(compile(source, register_source(source, "equalize"), "exec"), namespace)
    equalize: Callable[..., object] = namespace["equalize"]
    return equalize


def photograph(size: int = 128) -> npt.NDArray[np.uint8]:
    """A low-contrast grey photograph (size x size, uint8) from matplotlib's sample data."""
    import matplotlib.cbook
    import matplotlib.pyplot as plt

    rgb = plt.imread(matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    grey = rgb[..., :3].astype(float) @ np.array([0.299, 0.587, 0.114])
    rows = np.linspace(0, grey.shape[0] - 1, size).astype(int)
    cols = np.linspace(0, grey.shape[1] - 1, size).astype(int)
    small: npt.NDArray[np.float64] = grey[np.ix_(rows, cols)]
    return (90 + small * 0.3).astype(np.uint8)  # squeeze into 90..166: low contrast


def circle_mask(shape: tuple[int, int], radius_fraction: float = 0.35) -> npt.NDArray[np.bool_]:
    rows, cols = np.ogrid[: shape[0], : shape[1]]
    centre_r, centre_c = (shape[0] - 1) / 2, (shape[1] - 1) / 2
    return (rows - centre_r) ** 2 + (cols - centre_c) ** 2 <= (radius_fraction * min(shape)) ** 2


LiveCall = tuple[tuple[npt.NDArray[Any], ...], dict[str, Any]]  # (args, kwargs), as optimize() takes them


def live_calls(size: int = 128, include_empty_mask: bool = True) -> list[LiveCall]:
    """The photograph with a round mask, and (by default) with an empty one."""
    img = photograph(size)
    mask = circle_mask(img.shape)
    calls: list[LiveCall] = [((img, mask), {})]
    if include_empty_mask:
        calls.append(((img, np.zeros_like(mask)), {}))
    return calls

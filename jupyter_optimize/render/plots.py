"""Report -> matplotlib figures (PNG bytes or a Figure). No widgets, no pyplot.

The runtime plot shows every timing sample of the original and of a candidate
(seconds per pass over the live calls) on a log time axis, one row each, with
a box over the quartiles and an arrow from median to median labelled with the
median speedup. The background is transparent and the ink a mid grey, so the
PNG reads on JupyterLab's light and dark themes alike.
"""
from __future__ import annotations

import io

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, LogLocator

from ..measure.scaling import Scaling, exponent_text
from ..model import CandidateResult, Timing

INK = "#8a8a8a"  # readable on white and on near-black
ORIGINAL_COLOUR = "#e8710a"
CANDIDATE_COLOUR = "#1a73e8"


def has_timing(result: CandidateResult) -> bool:
    timing = result.timing
    return timing is not None and len(timing.original) > 0 and len(timing.candidate) > 0


def runtime_figure(result: CandidateResult, function: str = "original") -> Figure:
    """Runtime distributions of *function* and the candidate, median speedup marked."""
    timing = result.timing
    if timing is None or not has_timing(result):
        raise ValueError(f"{result.name} has no timing samples to plot (verdict {result.verdict}).")
    fig = Figure(figsize=(6.4, 2.6), dpi=100)
    fig.patch.set_alpha(0.0)
    ax = fig.add_subplot()
    rows = [(f"{_short(function, 14)} (original)", np.asarray(timing.original, float), ORIGINAL_COLOUR),
            (result.name, np.asarray(timing.candidate, float), CANDIDATE_COLOUR)]
    for y, (_, samples, colour) in enumerate(rows):
        _draw_row(ax, y, samples, colour)
    _mark_median_speedup(ax, rows[0][1], rows[1][1])
    _style_axes(ax, [label for label, _, _ in rows])
    ax.set_title(_title(result.name, timing), color=INK, fontsize=10, loc="left")
    fig.tight_layout()
    return fig


def runtime_png(result: CandidateResult, function: str = "original", dpi: int = 100) -> bytes:
    """The runtime figure as PNG bytes (what a widget or an <img> shows)."""
    return figure_png(runtime_figure(result, function), dpi)


def scaling_figure(scaling: Scaling) -> Figure:
    """Time per call against input size (log-log) for the original and the best
    candidates, each labelled with its fitted exponent."""
    fig = Figure(figsize=(5.2, 3.0), dpi=100)
    fig.patch.set_alpha(0.0)
    ax = fig.add_subplot()
    colours = [ORIGINAL_COLOUR, CANDIDATE_COLOUR, "#188038", "#a142f4"]
    for curve, colour in zip((scaling.original, *scaling.candidates), colours):
        ax.loglog(curve.sizes, curve.seconds, "o-", color=colour, markersize=4,
                  label=f"{_short(curve.name)} ~n^{exponent_text(curve.exponent)}")
    ax.set_xlabel(scaling.measure or "input size (elements or items)", color=INK)
    ax.set_ylabel("time per call", color=INK)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_seconds(v)))
    ax.tick_params(colors=INK, which="both")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(INK)
    ax.set_facecolor("none")
    legend = ax.legend(frameon=False, fontsize=8)
    for text in legend.get_texts():
        text.set_color(INK)
    ax.set_title("how the cost grows with input size", color=INK, fontsize=10, loc="left")
    fig.tight_layout()
    return fig


def scaling_png(scaling: Scaling, dpi: int = 100) -> bytes:
    return figure_png(scaling_figure(scaling), dpi)


def figure_png(fig: Figure, dpi: int = 100) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, transparent=True)
    return buffer.getvalue()


def _draw_row(ax: Axes, y: float, samples: np.ndarray, colour: str) -> None:
    """Every sample as a dot (jittered so ties stay visible) over a quartile box."""
    jitter = np.random.default_rng(len(samples)).uniform(-0.18, 0.18, len(samples))
    ax.scatter(samples, y + jitter, s=12, color=colour, alpha=0.55, linewidths=0, zorder=3)
    q1, median, q3 = np.percentile(samples, [25, 50, 75])
    ax.add_patch(_box(q1, q3, y, colour))
    ax.plot([median, median], [y - 0.3, y + 0.3], color=colour, linewidth=2.5, zorder=4)


def _box(low: float, high: float, y: float, colour: str) -> Rectangle:
    width = max(high - low, low * 1e-3)
    return Rectangle((low, y - 0.3), width, 0.6, facecolor=colour, alpha=0.15,
                     edgecolor=colour, linewidth=1, zorder=2)


def _mark_median_speedup(ax: Axes, original: np.ndarray, candidate: np.ndarray) -> None:
    before, after = float(np.median(original)), float(np.median(candidate))
    ratio = before / after if after > 0 else float("inf")
    ax.annotate("", xy=(after, 0.5), xytext=(before, 0.5),
                arrowprops={"arrowstyle": "->", "color": INK, "linewidth": 1.2})
    word = "faster" if ratio >= 1 else "slower"
    shown = ratio if ratio >= 1 else 1 / ratio
    ax.text(np.sqrt(before * after), 0.42, f"median {shown:.2f}x {word}", color=INK, fontsize=9,
            ha="center", va="bottom")


def _style_axes(ax: Axes, labels: list[str]) -> None:
    ax.set_xscale("log")
    ax.set_yticks([0, 1], labels=[_short(label) for label in labels])
    ax.set_ylim(1.6, -0.6)  # original on top
    ax.set_xlim(*_time_limits(ax))
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: format_seconds(x)))
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda x, _: ""))
    ax.set_xlabel("time per pass over the live calls (log scale)", color=INK, fontsize=9)
    ax.tick_params(colors=INK, labelsize=9, which="both")
    ax.grid(axis="x", color=INK, alpha=0.25, linewidth=0.6, which="major")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(INK)
    ax.set_facecolor("none")


def _time_limits(ax: Axes) -> tuple[float, float]:
    """Span all samples with a margin of a fifth of a decade either side."""
    xs = np.concatenate([np.asarray(c.get_offsets())[:, 0] for c in ax.collections])
    low, high = float(xs.min()), float(xs.max())
    margin = max(10 ** 0.2, (high / low) ** 0.08) if low > 0 else 2.0
    return low / margin, high * margin


def _title(name: str, timing: Timing) -> str:
    low, high = timing.ci
    return f"{_short(name)}: speedup {timing.speedup:.2f}x, interval [{low:.2f}, {high:.2f}]"


def _short(label: str, limit: int = 24) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def format_seconds(seconds: float) -> str:
    """3 significant figures in s, ms, µs or ns: 0.0042 -> '4.2 ms'."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale or unit == "ns":
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds:.3g} s"

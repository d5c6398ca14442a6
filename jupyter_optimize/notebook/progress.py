"""The progress view shown while a report is made, and small widget helpers
the viewer shares.

A progress bar and a line saying which stage runs and for how long; a thread
refreshes the elapsed time so a long stage still shows news. Under them, each
candidate's verdict as it arrives ("Verified 2/6: NAME, rejected: why"), since
candidates are verified in parallel and the slowest decides when the report
comes.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..judging import ARRIVED
from ..render import facts
from ..render import html as report_html
from ..render.facts import Strong


class ProgressView:
    """A progress bar and a stage line, refreshed at least twice a second while a run is under way."""

    def __init__(self, title: str, tick_seconds: float = 0.5, clock: Callable[[], float] = time.monotonic):
        self.bar = widgets.FloatProgress(value=0.0, min=0.0, max=1.0, bar_style="info",
                                         layout=widgets.Layout(width="240px"))
        self.line = widgets.HTML(report_html.block(report_html.inline(("Starting",))))
        self.arrivals = widgets.HTML("")
        self.view = widgets.VBox([widgets.HTML(report_html.block(report_html.inline((Strong(title),)))),
                                  widgets.HBox([self.bar, self.line]), self.arrivals])
        self.view.add_class("jupyter-optimize-progress")
        self._clock, self._tick_seconds = clock, tick_seconds
        self._started = self._stage_started = clock()
        self._message = "Starting"
        self._done = ""  # "1/2 done" once verdicts arrive within the stage
        self._arrived: list[str] = []  # "NAME, verified" / "NAME, rejected: why", in the order they came
        self._magic = title.split(" ", 1)[0]  # "%%optimize", or "%optimize" for the line magic
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._ticker: threading.Thread | None = None

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        bundle = dict(self.view._repr_mimebundle_() or {})
        bundle["text/plain"] = "\n".join([f"{self._magic}: {self._message}", *(f"  {a}" for a in self._arrived)])
        return bundle

    @property
    def message(self) -> str:
        return self._message

    def update(self, message: str, fraction: float) -> None:
        """The pipeline's progress callback."""
        with self._lock:
            self.bar.value = min(max(fraction, 0.0), 1.0)
            if message.startswith(ARRIVED):  # a verdict within the stage: the stage line keeps its name and clock
                count, arrival = message[len(ARRIVED):].split(": ", 1)
                self._done = f"{count} done"
                self._arrived.append(arrival)
                self.arrivals.value = report_html.block(
                    "<br>".join(report_html.inline((a,)) for a in self._arrived), "padding-left:8px;font-size:90%")
            elif message != self._message:
                self._message, self._stage_started, self._done = message, self._clock(), ""
        self.refresh()

    def refresh(self) -> None:
        with self._lock:
            now = self._clock()
            stage = f"{self._message}, {self._done}" if self._done else self._message
            line = facts.progress_line(stage, now - self._stage_started, now - self._started)
            self.line.value = report_html.block(report_html.inline(line), "padding-left:8px")

    def start(self) -> None:
        """Refresh the elapsed time from a thread, so long stages still show news."""
        self._ticker = threading.Thread(target=self._tick, name="jupyter-optimize-progress", daemon=True)
        self._ticker.start()

    def _tick(self) -> None:
        while not self._stopped.wait(self._tick_seconds):
            self.refresh()

    def stop(self) -> None:
        self._stopped.set()
        if self._ticker is not None:
            self._ticker.join()

    def close(self) -> None:
        self.stop()
        close_all(self.view)


def html_box(content: str, css_class: str | None = None) -> widgets.HTML:
    box = widgets.HTML(content)
    if css_class:
        box.add_class(css_class)
    return box


def close_all(widget: widgets.Widget) -> None:
    """Close a widget and every widget inside it (frees their models in the front end)."""
    for child in getattr(widget, "children", ()):
        close_all(child)
    widget.close()

"""When each sandbox child of a `%%optimize` of the demo's default path starts and ends, in one run.

Runs the real magic in an IPython shell (as `stage_times.py` does), with the
sandbox's two entry points (`run_within`, `start_within`) wrapped to record
each child's job, start and end, seconds from the start of the cell. It shows
how the children pack onto the cores: the early draw, the candidates that read
its inputs as they come, the rounds after it, and a round where one core is idle.

    python benchmarks/child_timeline.py [--runs 2] [--jobs N]
"""
from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stage_times import DEFAULT_PATH, shell_with_demo, timed  # noqa: E402

import jupyter_optimize.sandbox as sandbox  # noqa: E402

Span = tuple[str, float, float, str]


def recording(spans: list[Span], origin: list[float]) -> None:
    """Wrap the sandbox's entry points so that every child lands in *spans* (job, start, end, thread)."""
    run_within, start_within = sandbox.run_within, sandbox.start_within

    def label(job: Any) -> str:
        return getattr(job, "__qualname__", repr(job)).replace(".<locals>", "")

    def run(job: Any, limits: Any) -> Any:
        started = time.perf_counter()
        result = run_within(job, limits)
        spans.append((label(job), started - origin[0], time.perf_counter() - origin[0],
                      threading.current_thread().name))
        return result

    def start(job: Any, limits: Any) -> Any:
        started = time.perf_counter()
        future = start_within(job, limits)
        future.add_done_callback(lambda _: spans.append((f"{label(job)} (started early)", started - origin[0],
                                                          time.perf_counter() - origin[0], "")))
        return future

    sandbox.run_within, sandbox.start_within = run, start  # type: ignore[assignment]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2, help="runs shown, after two warm-up runs")
    parser.add_argument("--jobs", type=int, default=None, help="--jobs N (default: the magic's default)")
    args = parser.parse_args()
    spans: list[Span] = []
    origin = [0.0]
    recording(spans, origin)
    shell = shell_with_demo()
    line = DEFAULT_PATH + (f" --jobs {args.jobs}" if args.jobs else "")
    for k in range(2 + args.runs):
        spans.clear()
        origin[0] = time.perf_counter()
        seconds, stages, _ = timed(shell, line)
        if k < 2:
            continue
        print(f"whole cell {seconds:.2f} s; stages " + ", ".join(f"{n} {v:.2f} s" for n, v in stages.items()))
        for job, start, end, thread in sorted(spans, key=lambda span: span[1]):
            print(f"  {start:5.2f}-{end:5.2f} s ({end - start:4.2f} s)  {job}  {thread}")


if __name__ == "__main__":
    main()

"""No isolation: where `os.fork` does not exist, the job runs in this process.

The callers already hand the job deep copies of the inputs, but there is no
timeout and no memory cap; every result says so in its `note`, which the
pipeline shows in the report.
"""
from __future__ import annotations

import io
import sys
from collections.abc import Callable
from typing import Any

from .child import ChildResult

IN_PROCESS_NOTE = ("this platform has no os.fork, so the original and the candidates ran in this process, "
                   "without a timeout or a memory cap")


def run_in_process(job: Callable[[], Any]) -> ChildResult:
    captured = io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = captured
    try:
        return ChildResult(True, value=job(), output=captured.getvalue(), note=IN_PROCESS_NOTE)
    except Exception as exc:
        return ChildResult(False, error=f"{type(exc).__name__}: {exc}", output=captured.getvalue(), note=IN_PROCESS_NOTE)
    finally:
        sys.stdout, sys.stderr = saved

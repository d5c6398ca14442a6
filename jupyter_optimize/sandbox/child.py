"""What a sandboxed job may take and what it gives back, whichever backend ran it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ChildLimits:
    """How long one child may run and how much extra memory it may take."""

    timeout: float  # seconds
    memory_limit_mb: int
    timeout_hint: str = ""  # added to a timeout's message: why this limit, and how to allow more


@dataclass(frozen=True)
class ChildResult:
    ok: bool
    value: Any = None
    error: str = ""  # one line: why the job did not return
    output: str = ""  # what the job printed
    note: str = ""  # something the user should know about how it ran (e.g. without isolation)
    timed_out: bool = False

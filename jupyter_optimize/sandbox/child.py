"""What a sandboxed job gives back, whichever backend ran it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ChildResult:
    ok: bool
    value: Any = None
    error: str = ""  # one line: why the job did not return
    output: str = ""  # what the job printed
    note: str = ""

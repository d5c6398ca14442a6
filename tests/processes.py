"""The processes a test left behind, read from /proc (Linux): shared by the isolation tests."""
from __future__ import annotations

import os
from pathlib import Path


def children(of: int | None = None) -> set[int]:
    """Live (not zombie) processes whose parent is this test process, or *of*."""
    parent, found = of or os.getpid(), set()
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                fields = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent and fields[0] != "Z":
                found.add(int(name))
    return found

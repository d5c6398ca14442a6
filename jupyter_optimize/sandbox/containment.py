"""What a child may do to the world outside it, and what it did inside its scratch folder.

INTERFACE STUB (issue 14): the judge codes against `current()` and the
`Containment` methods below; the sandbox backend installs one per child.
Outside a contained child `current()` is None and nothing is refused.
"""
from __future__ import annotations


class Containment:
    """One per sandbox child: its scratch folder and its record of refused actions."""

    def take_refusals(self) -> tuple[str, ...]:
        """The actions refused since the last call, one line each
        (e.g. "writing /root/notes.txt, outside the scratch folder"), and forget them."""
        return ()

    def reset_files(self) -> None:
        """Put the scratch folder back as it was when the child started (a mirror of the user's folder)."""

    def files_written(self) -> dict[str, bytes | None]:
        """Files created, changed or deleted in the scratch folder since the last reset:
        path relative to the scratch folder -> new contents (None: deleted)."""
        return {}


_current: Containment | None = None


def current() -> Containment | None:
    """The containment of this child, or None outside a contained child."""
    return _current

"""Effects besides the return value, compared as behaviour: printed output and files written.

Pure functions over plain data (text, and the `{relative path: bytes or None}`
maps a contained child reports), so they are tested without a sandbox. Each
returns None when the two sides count as the same, else one line naming the
first place they differ, the candidate's side first: "prints differently
(stdout line 2): 'total 4' instead of 'total 3'".
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping

SHOWN_CHARS = 60  # a differing line is shown cut to about this many characters

Files = Mapping[str, "bytes | None"]  # path in the scratch folder -> contents written (None: deleted)
Close = Callable[[float, float], bool]  # do two printed floats count as the same (the call's float tolerance)?
# a number as Python, numpy and pandas print it; only those with a point or an exponent are floats
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf)\b")


def output_difference(stream: str, original: str, candidate: str, close: Close | None = None) -> str | None:
    """How *candidate*'s text printed to *stream* ("stdout", "stderr") differs from *original*'s;
    with *close*, lines that differ only in printed floats that are *close* count as the same."""
    found = first_differing_line(original, candidate, close)
    if found is None:
        return None
    number, ours, theirs = found
    return f"prints differently ({stream} line {number}): {_instead(ours, theirs)}"


def files_difference(original: Files, candidate: Files, close: Close | None = None) -> str | None:
    """How the files *candidate* wrote differ from *original*'s: a file left out, an extra one, other contents."""
    for path in sorted(set(original) | set(candidate)):
        if path not in candidate:
            verb = "delete" if original[path] is None else "write"
            return f"does not {verb} the file {path}, which the original {verb}s"
        if path not in original:
            verb = "deletes" if candidate[path] is None else "writes"
            return f"{verb} the file {path}, which the original leaves alone"
        found = contents_difference(path, original[path], candidate[path], close)
        if found:
            return found
    return None


def contents_difference(path: str, original: bytes | None, candidate: bytes | None,
                        close: Close | None = None) -> str | None:
    """How one file's contents differ: text by its first differing line, anything else by its first differing byte."""
    if original == candidate:
        return None
    if original is None:
        return f"writes the file {path}, which the original deletes"
    if candidate is None:
        return f"deletes the file {path}, which the original writes"
    ours_text, theirs_text = _as_text(original), _as_text(candidate)
    if ours_text is not None and theirs_text is not None:
        found = first_differing_line(ours_text, theirs_text, close)
        if found is None:
            return None  # the same text up to the rounding of its floats
        number, ours, theirs = found
        return f"writes different content to {path} (line {number}): {_instead(ours, theirs)}"
    at = next((i for i, (a, b) in enumerate(zip(original, candidate)) if a != b), min(len(original), len(candidate)))
    return f"writes different bytes to {path} (byte {at}): {_byte(candidate, at)} instead of {_byte(original, at)}"


def first_differing_line(original: str, candidate: str,
                         close: Close | None = None) -> tuple[int, str | None, str | None] | None:
    """(line number from 1, the original's line, the candidate's line) where they first differ;
    None for a side that has no such line. None when the texts are equal."""
    if original == candidate:
        return None
    ours, theirs = original.splitlines(keepends=True), candidate.splitlines(keepends=True)
    for number in range(1, max(len(ours), len(theirs)) + 1):
        a = ours[number - 1] if number <= len(ours) else None
        b = theirs[number - 1] if number <= len(theirs) else None
        if a != b and not (close and a is not None and b is not None and same_up_to_floats(a, b, close)):
            return number, a, b
    return None


def same_up_to_floats(a: str, b: str, close: Close) -> bool:
    """Whether two lines differ only in floats that are *close* (a vectorized sum printed
    next to a loop's: '54.25322276336561' and '54.253222763365585'); integers must be equal."""
    if _NUMBER.split(a) != _NUMBER.split(b):
        return False
    for x, y in zip(_NUMBER.findall(a), _NUMBER.findall(b)):
        if x == y:
            continue
        if not (_is_float(x) and _is_float(y)) or not close(float(x), float(y)):
            return False
    return True


def _is_float(token: str) -> bool:
    return any(c in token for c in ".eEni")


def _instead(ours: str | None, theirs: str | None) -> str:
    """"'candidate line' instead of 'original line'"; lines that differ only in their ending are shown whole."""
    whole = ours is not None and theirs is not None and ours.rstrip("\r\n") == theirs.rstrip("\r\n")
    return f"{_shown(theirs, whole)} instead of {_shown(ours, whole)}"


def _shown(line: str | None, whole: bool = False) -> str:
    """A line as the report shows it: quoted, without its ending, cut short; 'nothing' for a missing line."""
    if line is None:
        return "nothing"
    body = line if whole else line.rstrip("\r\n")
    if len(body) > SHOWN_CHARS:
        body = body[: SHOWN_CHARS - 3] + "..."
    return repr(body)


def _as_text(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _byte(data: bytes, at: int) -> str:
    return f"0x{data[at]:02x}" if at < len(data) else "the end of the file"

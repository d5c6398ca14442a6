"""The `%%optimize` line: its options and the call expressions among them.

Pure parsing (argparse and a small scanner), no IPython: the magic only
adapts what `parse_magic_line` returns.
"""
from __future__ import annotations

import argparse
import shlex
from dataclasses import dataclass, field

from ..errors import UsageProblem, close_matches

USAGE = "%%optimize [CALL[; CALL ...]] [-f NAME] [--candidate NAME ...] [-o NAME] [options]"


@dataclass(frozen=True)
class MagicArgs:
    calls: tuple[str, ...]
    function: str | None
    candidates: tuple[str, ...]
    output: str | None
    sources: tuple[str, ...]  # () = the defaults; ("none",) = no sources, only --candidate
    options: dict = field(default_factory=dict)
    llm: dict = field(default_factory=dict)  # --model, -n, --repair (None: not given)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line for the user, never SystemExit
        raise UsageProblem(f"%%optimize: {message}. Usage: {USAGE}")


def _build_parser() -> _Parser:
    p = _Parser(prog="%%optimize", add_help=False, allow_abbrev=False)
    p.add_argument("-f", "--function", dest="function")
    p.add_argument("-c", "--candidate", dest="candidates", action="append", default=[])
    p.add_argument("-o", "--output", dest="output")
    p.add_argument("-s", "--source", dest="sources", action="append", default=[])
    p.add_argument("--rtol", type=float)
    p.add_argument("--atol", type=float)
    p.add_argument("--exact", action="store_true", default=None)
    p.add_argument("--timeout", type=float)
    p.add_argument("--time-budget", dest="time_budget", type=float)
    p.add_argument("--min-gain", dest="min_gain", type=float)
    p.add_argument("--memory-limit", dest="memory_limit_mb", type=int)
    p.add_argument("--seed", type=int)
    p.add_argument("--examples", type=int)
    p.add_argument("--scaling", action="store_true", default=None)
    p.add_argument("--quick", action="store_true", default=None)
    p.add_argument("--verify-budget", dest="verify_budget", type=float)
    p.add_argument("--no-profile", dest="profile", action="store_false", default=None)
    p.add_argument("--model")
    p.add_argument("-n", "--n-candidates", dest="n_candidates", type=int)
    p.add_argument("--repair", action="store_true", default=None)
    return p


_PARSER = _build_parser()
_FLAGS = {
    opt for action in _PARSER._actions if action.nargs == 0 for opt in action.option_strings
}
_KNOWN = [opt for action in _PARSER._actions for opt in action.option_strings]


def parse_magic_line(line: str) -> MagicArgs:
    words, calls = split_magic_line(line)
    for word in words:
        name = word.split("=", 1)[0]
        if name.startswith("-") and name not in _KNOWN and not _is_number(name):
            raise UsageProblem(f"%%optimize: unknown option {name}.{close_matches(name, _KNOWN)} Usage: {USAGE}")
    ns = _PARSER.parse_args(words)
    option_names = ("rtol", "atol", "exact", "timeout", "time_budget", "min_gain", "memory_limit_mb", "seed",
                    "profile", "examples", "verify_budget", "scaling", "quick")
    options = {k: getattr(ns, k) for k in option_names if getattr(ns, k) is not None}
    llm = {"model": ns.model, "n_candidates": ns.n_candidates, "repair": ns.repair}
    return MagicArgs(tuple(calls), ns.function, tuple(ns.candidates), ns.output, tuple(ns.sources), options, llm)


def _is_number(word: str) -> bool:
    try:
        float(word)
        return True
    except ValueError:
        return False


_BRACKETS = "([{"
_CLOSERS = ")]}"


def split_magic_line(line: str) -> tuple[list[str], list[str]]:
    """Split ``'f(a, b) --candidate g -o r'`` into option words and call expressions.

    Options (words starting with '-' outside brackets and strings) may stand
    before or after the calls; several calls are separated by ';'.
    """
    option_text, calls = [], []
    for kind, text in _segments(line):
        if kind == "option":
            option_text.append(text)
        else:
            calls.extend(part.strip() for part in _split_top_level(text, ";") if part.strip())
    try:
        words = shlex.split(" ".join(option_text))
    except ValueError as exc:
        raise UsageProblem(f"%%optimize: could not read the options ({exc}); check the quotes.") from None
    return words, calls


def _outside_strings(text: str):
    """Yield (index, char, bracket depth) for each character outside string literals."""
    depth, quote, i = 0, "", 0
    while i < len(text):
        ch = text[i]
        if quote:
            quote, i = ("" if ch == quote else quote), i + (2 if ch == "\\" else 1)
            continue
        if ch in "'\"":
            quote = ch
        elif ch in _BRACKETS:
            depth += 1
        elif ch in _CLOSERS:
            depth -= 1
        else:
            yield i, ch, depth
        i += 1


def _segments(line: str) -> list[tuple[str, str]]:
    """Alternate runs of option words and expression text, in order."""
    segments: list[tuple[str, str]] = []
    start, kind, wants_value, skip_to = 0, "expr", False, 0
    for i, ch, depth in _outside_strings(line):
        if i < skip_to or depth or ch.isspace() or (i and not line[i - 1].isspace()):
            continue
        is_option = ch == "-" and line[i + 1 : i + 2].replace("-", "a").isalpha()
        if is_option or (kind == "option" and wants_value):
            if kind != "option":
                segments.append((kind, line[start:i]))
                start, kind = i, "option"
            skip_to = _word_end(line, i)
            word = line[i:skip_to]
            wants_value = is_option and "=" not in word and word not in _FLAGS
        elif kind == "option":
            segments.append((kind, line[start:i]))
            start, kind = i, "expr"
    segments.append((kind, line[start:]))
    return [(k, t.strip()) for k, t in segments if t.strip()]


def _word_end(line: str, i: int) -> int:
    while i < len(line) and not line[i].isspace():
        i += 1
    return i


def _split_top_level(text: str, separator: str) -> list[str]:
    parts, start = [], 0
    for i, ch, depth in _outside_strings(text):
        if ch == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts

"""The `%%optimize` line: its options and the call expressions among them.

Pure parsing (argparse and a small scanner), no IPython: the magic only
adapts what `parse_magic_line` returns. The parser is built from the
options of a run (`jupyter_optimize.options`) and the few arguments only the
magic has (`MAGIC_ARGUMENTS`); `help_text` lists them all for `%%optimize?`.
"""
from __future__ import annotations

import argparse
import shlex
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NoReturn

from ..errors import UsageProblem, close_matches
from ..options import OPTION_SPECS, OptionSpec

USAGE = "%%optimize [CALL[; CALL ...]] [-f NAME] [--candidate NAME ...] [--assume EXPR ...] [-o NAME] [options]"


@dataclass(frozen=True)
class MagicArgs:
    calls: tuple[str, ...]
    function: str | None
    candidates: tuple[str, ...]
    output: str | None
    sources: tuple[str, ...]  # () = not given (the default policy); ("none",) = no sources, only --candidate
    options: dict[str, object] = field(default_factory=dict)  # the `Options` given on the line, by name
    assumptions: tuple[str, ...] = ()  # --assume EXPR, in order (see `study.assume`)


@dataclass(frozen=True)
class MagicArgument:
    """An argument of the magic that is not an option of the run (what to optimize, where to put the Report)."""

    flags: tuple[str, ...]
    dest: str
    metavar: str
    help: str
    shown_default: str = ""
    repeatable: bool = False


MAGIC_ARGUMENTS = (
    MagicArgument(("-f", "--function"), "function", "NAME", "the function to optimize when the cell defines several"),
    MagicArgument(("-c", "--candidate"), "candidates", "NAME",
                  "a candidate (function or source string); repeatable", repeatable=True),
    MagicArgument(("-o", "--output"), "output", "NAME", "store the Report in `NAME`"),
    MagicArgument(("-s", "--source"), "sources", "NAME",
                  "a candidate source: `rules`, `numba`, `llm`, `none` or `auto` (the offline sources `rules` and "
                  "`numba`, plus `llm` when a model is configured; none when `--candidate` is given); repeatable",
                  shown_default="auto", repeatable=True),
    MagicArgument(("--assume",), "assumptions", "EXPR",
                  "the function's domain, a Python expression over its parameters, e.g. `--assume \"w >= 1\"`: "
                  "generated inputs outside it are discarded, a live call outside it is an error; repeatable",
                  repeatable=True),
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line for the user (`parse_magic_line`), never SystemExit
        raise _Unreadable(message)


class _Unreadable(Exception):
    """argparse's complaint about the line."""


def _add_magic_argument(parser: _Parser, argument: MagicArgument) -> None:
    if argument.repeatable:
        parser.add_argument(*argument.flags, dest=argument.dest, metavar=argument.metavar, action="append", default=[])
    else:
        parser.add_argument(*argument.flags, dest=argument.dest, metavar=argument.metavar)


def _add_option(parser: _Parser, spec: OptionSpec) -> None:
    # None = not on the line, so %config and the defaults still apply
    if spec.is_switch:
        parser.add_argument(*spec.flags, dest=spec.name, action="store_const", const=not spec.default, default=None)
    else:
        parser.add_argument(*spec.flags, dest=spec.name, metavar=spec.metavar, type=spec.kind)


def _build_parser() -> _Parser:
    parser = _Parser(prog="%%optimize", add_help=False, allow_abbrev=False)
    for argument in MAGIC_ARGUMENTS:
        _add_magic_argument(parser, argument)
    for spec in OPTION_SPECS:
        _add_option(parser, spec)
    return parser


_PARSER = _build_parser()
_FLAGS = {opt for action in _PARSER._actions if action.nargs == 0 for opt in action.option_strings}
_KNOWN = [opt for action in _PARSER._actions for opt in action.option_strings]


def parse_magic_line(line: str, magic: str = "%%optimize", usage: str = USAGE) -> MagicArgs:
    """The line's calls and options; a mistake is one UsageProblem naming *magic* and ending with *usage*
    (the line magic, `%optimize`, has its own)."""
    words, calls = split_magic_line(line, magic)
    for word in words:
        name = word.split("=", 1)[0]
        if name.startswith("-") and name not in _KNOWN and not _is_number(name):
            raise UsageProblem(f"{magic}: unknown option {name}.{close_matches(name, _KNOWN)} Usage: {usage}")
    try:
        ns = _PARSER.parse_args(words)
    except _Unreadable as problem:
        raise UsageProblem(f"{magic}: {problem}. Usage: {usage}") from None
    options = {spec.name: getattr(ns, spec.name) for spec in OPTION_SPECS if getattr(ns, spec.name) is not None}
    return MagicArgs(tuple(calls), ns.function, tuple(ns.candidates), ns.output, tuple(ns.sources), options,
                     tuple(ns.assumptions))


# -- the help of %%optimize? ----------------------------------------------------------

HELP_WIDTH = 100
FLAG_COLUMN = 26


def flag_text(flags: tuple[str, ...], metavar: str) -> str:
    """'-n, --n-candidates N': the flags, then the value's placeholder once."""
    return ", ".join(flags) + (f" {metavar}" if metavar else "")


def help_rows() -> list[tuple[str, str, str]]:
    """(flags, default, help) of every argument of the magic, in the order the help lists them."""
    rows = [(flag_text(a.flags, a.metavar), a.shown_default, a.help) for a in MAGIC_ARGUMENTS]
    return rows + [(flag_text(s.flags, s.metavar), s.shown_default, s.help) for s in OPTION_SPECS]


def help_text() -> str:
    """The usage line and one entry per argument, each with its default: the body of `%%optimize?`."""
    entries = [_help_entry(flags, default, text) for flags, default, text in help_rows()]
    return USAGE + "\n\n" + "\n".join(entries)


def _help_entry(flags: str, default: str, text: str) -> str:
    described = text + (f" (default: {default})" if default else "")
    lead = f"  {flags}".ljust(FLAG_COLUMN) if len(flags) + 3 <= FLAG_COLUMN else f"  {flags}\n" + " " * FLAG_COLUMN
    wrapped = textwrap.wrap(described, HELP_WIDTH - FLAG_COLUMN, break_long_words=False, break_on_hyphens=False)
    return lead + ("\n" + " " * FLAG_COLUMN).join(wrapped)


def _is_number(word: str) -> bool:
    try:
        float(word)
        return True
    except ValueError:
        return False


_BRACKETS = "([{"
_CLOSERS = ")]}"


def split_magic_line(line: str, magic: str = "%%optimize") -> tuple[list[str], list[str]]:
    """Split ``'f(a, b) --candidate g -o r'`` into option words and call expressions.

    Options (words starting with '-' outside brackets and strings) may stand
    before or after the calls; several calls are separated by ';'.
    """
    option_text: list[str] = []
    calls: list[str] = []
    for kind, text in _segments(line):
        if kind == "option":
            option_text.append(text)
        else:
            calls.extend(part.strip() for part in _split_top_level(text, ";") if part.strip())
    try:
        words = shlex.split(" ".join(option_text))
    except ValueError as exc:
        raise UsageProblem(f"{magic}: could not read the options ({exc}); check the quotes.") from None
    return words, calls


def _outside_strings(text: str) -> Iterator[tuple[int, str, int]]:
    """Yield (index, char, bracket depth) for each character outside string literals, and for each
    literal's opening quote (so a quoted option value counts as the value's word)."""
    depth, quote, i = 0, "", 0
    while i < len(text):
        ch = text[i]
        if quote:
            quote, i = ("" if ch == quote else quote), i + (2 if ch == "\\" else 1)
            continue
        if ch in "'\"":
            quote = ch
            yield i, ch, depth
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
    parts: list[str] = []
    start = 0
    for i, ch, depth in _outside_strings(text):
        if ch == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts

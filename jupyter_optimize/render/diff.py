"""Original vs candidate as an HTML unified diff, highlighted with the theme's colours.

Whole lines are marked added or removed, tokens are coloured with
JupyterLab's editor variables (so the diff follows the theme), and long runs
of unchanged lines are folded. The HTML report and the viewer both show this.
"""
from __future__ import annotations

import difflib
from html import escape

from pygments.lexers import PythonLexer
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, _TokenType

from .theme import ADDED_BG, CODE_BG, CODE_FONT, FAINT_FG, FG, QUIET_FG, REMOVED_BG

# pygments token -> (JupyterLab CSS variable, fallback colour)
TOKEN_COLOURS: dict[_TokenType, tuple[str, str]] = {
    Comment: ("--jp-mirror-editor-comment-color", "#408080"),
    String: ("--jp-mirror-editor-string-color", "#ba2121"),
    Number: ("--jp-mirror-editor-number-color", "#080"),
    Keyword: ("--jp-mirror-editor-keyword-color", "green"),
    Operator.Word: ("--jp-mirror-editor-keyword-color", "green"),
    Operator: ("--jp-mirror-editor-operator-color", "#7800c2"),
    Name.Builtin: ("--jp-mirror-editor-builtin-color", "green"),
    Name.Function: ("--jp-mirror-editor-def-color", "#00f"),
    Name.Class: ("--jp-mirror-editor-def-color", "#00f"),
    Name.Decorator: ("--jp-mirror-editor-meta-color", "#a2f"),
    Punctuation: ("--jp-mirror-editor-punctuation-color", "#05a"),
    Name: ("--jp-mirror-editor-variable-color", "#212121"),
}
CONTEXT_LINES = 3


def diff_html(before: str, after: str, context: int = CONTEXT_LINES) -> str:
    """A unified diff, whole lines highlighted, long unchanged runs folded."""
    old, new = before.splitlines(), after.splitlines()
    old_html, new_html = highlighted_lines(before), highlighted_lines(after)
    rows = [f"<div style='color:{QUIET_FG}'>--- original<br>+++ candidate</div>"]
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            rows += _unchanged(old_html[i1:i2], context, first=i1 == 0, last=i2 == len(old))
            continue
        rows += [_row("-", line, REMOVED_BG) for line in old_html[i1:i2]]
        rows += [_row("+", line, ADDED_BG) for line in new_html[j1:j2]]
    return (f"<div class='jupyter-optimize-diff-lines' style='{CODE_FONT};background:{CODE_BG};padding:6px 0;"
            f"overflow-x:auto;color:{FG}'>" + "".join(rows) + "</div>")


def highlighted_lines(source: str) -> list[str]:
    """Each line of *source* as HTML, coloured by token with the theme's variables."""
    lines: list[list[tuple[str, str]]] = [[]]
    for token, text in PythonLexer().get_tokens(source):
        style = token_style(token)
        for i, piece in enumerate(text.split("\n")):
            if i:
                lines.append([])
            if piece:
                lines[-1].append((style, piece))
    return [_spans(pieces) for pieces in lines[: len(source.splitlines())]]


def token_style(token: _TokenType) -> str:
    """The inline CSS for a pygments token type ('' for plain text)."""
    while token not in TOKEN_COLOURS and token.parent is not None:
        token = token.parent
    if token not in TOKEN_COLOURS:
        return ""
    variable, fallback = TOKEN_COLOURS[token]
    return f"color:var({variable}, {fallback})" + (";font-style:italic" if token is Comment else "")


def _spans(pieces: list[tuple[str, str]]) -> str:
    """One <span> per run of pieces with the same style."""
    return "".join(f'<span style="{style}">{escape(text)}</span>' if style else escape(text)
                   for style, text in _merge_runs(pieces))


def _merge_runs(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    merged: list[tuple[str, str]] = []
    for style, text in pieces:
        if merged and merged[-1][0] == style:
            merged[-1] = (style, merged[-1][1] + text)
        else:
            merged.append((style, text))
    return merged


def _unchanged(lines: list[str], context: int, first: bool, last: bool) -> list[str]:
    """Unchanged lines, all but *context* of them next to each change folded into one line."""
    keep_head = 0 if first else context
    keep_tail = 0 if last else context
    if len(lines) <= keep_head + keep_tail + 1:
        return [_row(" ", line) for line in lines]
    folded = len(lines) - keep_head - keep_tail
    fold = _row(" ", f"<span style='color:{FAINT_FG}'>⋯ {folded} unchanged line(s)</span>")
    return ([_row(" ", line) for line in lines[:keep_head]] + [fold]
            + [_row(" ", line) for line in lines[len(lines) - keep_tail:]])


def _row(sign: str, line_html: str, background: str = "transparent") -> str:
    return (f"<div style='background:{background};white-space:pre;padding:0 8px'>"
            f"<span style='user-select:none;opacity:0.6'>{sign} </span>{line_html}</div>")

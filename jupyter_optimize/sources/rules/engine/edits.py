"""Text edits: where a node sits in the function's text, the edits rules make, and splicing them in."""
from __future__ import annotations

import ast
from collections.abc import Iterable

from .context import Context
from .rewrite import Decline, Edit


def char_col(line_text: str, byte_col: int) -> int:
    """ast gives UTF-8 byte offsets; edits use characters."""
    return len(line_text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def end_of(node: ast.stmt | ast.expr) -> tuple[int, int]:
    """(end line, end byte column) of a parsed node (parsing always sets them)."""
    assert node.end_lineno is not None and node.end_col_offset is not None
    return node.end_lineno, node.end_col_offset


def splice(text: str, edits: Iterable[Edit]) -> str:
    """*text* with every edit applied; edits must not overlap."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    out, cursor = [], 0
    for edit in sorted(edits, key=lambda e: (e.line, e.col)):
        begin = starts[edit.line - 1] + edit.col
        end = starts[edit.end_line - 1] + edit.end_col
        if begin < cursor:
            raise Decline("two edits overlap")
        out += [text[cursor:begin], edit.text]
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def indent_of(ctx: Context, stmt: ast.stmt) -> str:
    line = ctx.lines[stmt.lineno - 1]
    return line[: len(line) - len(line.lstrip())]


def owns_lines(ctx: Context, stmt: ast.stmt) -> bool:
    """True when *stmt* has its lines to itself (no `a; b`, nothing after it but a comment)."""
    first = ctx.lines[stmt.lineno - 1]
    if first[: char_col(first, stmt.col_offset)].strip():
        return False
    end_line, end_col = end_of(stmt)
    last = ctx.lines[end_line - 1]
    rest = last[char_col(last, end_col):].strip()
    return not rest or rest.startswith("#")


def _check_owns_lines(ctx: Context, *stmts: ast.stmt) -> None:
    for stmt in stmts:
        if not owns_lines(ctx, stmt):
            raise Decline("the statement shares its line with other code")


def render(stmts: list[ast.stmt], indent: str) -> str:
    """Statements as source lines at *indent*, ending with a newline."""
    text = "\n".join(ast.unparse(ast.fix_missing_locations(s)) for s in stmts)
    return "".join(indent + line + "\n" if line.strip() else "\n" for line in text.splitlines())


def replace_stmts(ctx: Context, first: ast.stmt, last: ast.stmt, new: list[ast.stmt]) -> Edit:
    """Replace the statements first..last (whole lines) by *new*."""
    _check_owns_lines(ctx, first, last)
    return Edit(first.lineno, 0, end_of(last)[0] + 1, 0, render(new, indent_of(ctx, first)))


def guarded_replace(ctx: Context, stmt: ast.stmt, guard: ast.expr, new: list[ast.stmt]) -> Edit:
    """Replace *stmt* by ``if guard: new`` with the original statement, verbatim, as the else branch."""
    _check_owns_lines(ctx, stmt)
    if has_multiline_string([stmt]):
        raise Decline("a multi-line string would change if indented")
    indent = indent_of(ctx, stmt)
    step = "\t" if indent.startswith("\t") else "    "
    end_line = end_of(stmt)[0]
    original = "".join(step + line if line.strip() else line for line in ctx.lines[stmt.lineno - 1: end_line])
    if not original.endswith("\n"):
        original += "\n"
    text = (f"{indent}if {ast.unparse(guard)}:\n" + render(new, indent + step)
            + f"{indent}else:\n" + original)
    return Edit(stmt.lineno, 0, end_line + 1, 0, text)


def has_multiline_string(nodes: Iterable[ast.AST]) -> bool:
    """A string constant over several lines: indenting its lines would change its value."""
    return any(isinstance(n, ast.Constant) and isinstance(n.value, str) and n.lineno != n.end_lineno
               for node in nodes for n in ast.walk(node))


def insert_before(ctx: Context, stmt: ast.stmt, new: list[ast.stmt]) -> Edit:
    _check_owns_lines(ctx, stmt)
    return Edit(stmt.lineno, 0, stmt.lineno, 0, render(new, indent_of(ctx, stmt)))


def insert_after(ctx: Context, stmt: ast.stmt, new: list[ast.stmt]) -> Edit:
    _check_owns_lines(ctx, stmt)
    after = end_of(stmt)[0] + 1
    return Edit(after, 0, after, 0, render(new, indent_of(ctx, stmt)))


def replace_expr(ctx: Context, node: ast.expr, text: str) -> Edit:
    end_line, end_col = end_of(node)
    first, last = ctx.lines[node.lineno - 1], ctx.lines[end_line - 1]
    return Edit(node.lineno, char_col(first, node.col_offset), end_line, char_col(last, end_col), text)

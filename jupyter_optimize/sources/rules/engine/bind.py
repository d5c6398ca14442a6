"""Name what a rewrite computes twice: a repeated column expression becomes one well-named local.

The rules build their code by substitution, so a column a round reads in
three places (``df["cost"]``, ``df["cost"] * df["units"]``) is written out
three times. `bind_repeats` gives each such expression one local, assigned
before the statements that use it, named after the column or the loop's own
temporary (``cost = df['cost']``, ``v = cost * units``), so the code reads as a
careful person would write it and computes each column once.

Only what the statements always evaluate is bound (not the branches of a
conditional, the later operands of ``and``/``or``, a lambda's or
comprehension's body, nor the inside of a nested statement), and only
expressions that read no name the statements set or change, so computing
them first gives the same values.
"""
from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Iterator

from .context import Context
from .names import mutated_names, names_loaded, names_stored

BINDABLE = (ast.Subscript, ast.Call, ast.BinOp, ast.Compare, ast.UnaryOp)
OPAQUE = (ast.NamedExpr, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Starred,
          ast.Await, ast.Yield, ast.YieldFrom)

Namer = Callable[[ast.expr], "str | None"]  # a name the code may take for an expression (a loop's temporary), or None


def bind_repeats(ctx: Context, stmts: list[ast.stmt], prefer: Namer | None = None) -> list[ast.stmt]:
    """*stmts* with every expression they evaluate twice or more computed once, into a local: the name
    *prefer* gives it (a temporary of the loop replaced, which nothing reads after it), else a fresh one."""
    changing = names_stored(stmts) | mutated_names(stmts)
    out = [copy.deepcopy(s) for s in stmts]
    bindings: list[ast.stmt] = []
    while True:
        repeated = _most_repeated(bindings + out, changing)
        if repeated is None:
            break
        chosen = prefer(repeated) if prefer is not None else None
        local = chosen if chosen and chosen not in changing else ctx.fresh(chosen or _name_for(repeated))
        changing.add(local)
        bindings = [_assign(local, repeated)] + [_replace(s, repeated, local) for s in bindings]
        out = [_replace(s, repeated, local) for s in out]
    return bindings + out


def _most_repeated(stmts: list[ast.stmt], changing: set[str]) -> ast.expr | None:
    """The largest expression evaluated at least twice (the first such, in order), or None."""
    seen: dict[str, tuple[ast.expr, int]] = {}
    for stmt in stmts:
        for node in _eager(stmt):
            if isinstance(node, BINDABLE) and _bindable(node, changing):
                key = ast.dump(node)
                first, count = seen.get(key, (node, 0))
                seen[key] = (first, count + 1)
    repeated = [node for node, count in seen.values() if count > 1]
    return max(repeated, key=_size) if repeated else None


def _bindable(node: ast.expr, changing: set[str]) -> bool:
    if isinstance(getattr(node, "ctx", ast.Load()), (ast.Store, ast.Del)):
        return False
    if any(isinstance(n, OPAQUE) for n in ast.walk(node)):
        return False
    read = names_loaded([node])
    return bool(read) and not read & changing  # (a constant like -1 is no computation to name)


def _size(node: ast.AST) -> int:
    return sum(1 for _ in ast.walk(node))


def _eager(stmt: ast.stmt) -> Iterator[ast.expr]:
    """The expressions of a simple statement that always run (none of a nested statement's)."""
    if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Return)):
        for child in ast.iter_child_nodes(stmt):
            if isinstance(child, ast.expr):
                yield from _eager_expr(child)
    elif isinstance(stmt, (ast.If, ast.While)):
        yield from _eager_expr(stmt.test)
    elif isinstance(stmt, ast.For):
        yield from _eager_expr(stmt.iter)


def _eager_expr(node: ast.expr) -> Iterator[ast.expr]:
    yield node
    if isinstance(node, ast.IfExp):
        yield from _eager_expr(node.test)
    elif isinstance(node, ast.BoolOp):
        yield from _eager_expr(node.values[0])
    elif isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        if not isinstance(node, ast.Lambda):
            yield from _eager_expr(node.generators[0].iter)
    else:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                yield from _eager_expr(child)
            elif isinstance(child, ast.keyword):
                yield from _eager_expr(child.value)


def _name_for(node: ast.expr) -> str:
    column = _column_label(node)
    if column is not None and column.isidentifier():
        return column
    return "chosen" if isinstance(node, ast.Compare) else "values"


def _column_label(node: ast.expr) -> str | None:
    """``c`` for ``df["c"]`` and ``df["c"].astype(t)``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "astype":
        node = node.func.value
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    return None


def _assign(local: str, value: ast.expr) -> ast.stmt:
    return ast.Assign(targets=[ast.Name(local, ast.Store())], value=copy.deepcopy(value), lineno=0)


class _Replace(ast.NodeTransformer):
    def __init__(self, target: ast.expr, local: str) -> None:
        self.key, self.local = ast.dump(target), local

    def visit(self, node: ast.AST) -> ast.AST:
        if isinstance(node, ast.expr) and ast.dump(node) == self.key:
            return ast.Name(self.local, ast.Load())
        out: ast.AST = super().visit(node)
        return out


def _replace(stmt: ast.stmt, target: ast.expr, local: str) -> ast.stmt:
    """*stmt* with the eager occurrences of *target* read from *local* (a lazy one too: it has the same value)."""
    out = _Replace(target, local).visit(copy.deepcopy(stmt))
    assert isinstance(out, ast.stmt)
    return out

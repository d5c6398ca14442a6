"""Rule: a pure recursive function that solves the same subproblems again and again is memoized."""
from __future__ import annotations

import ast

from ..engine.context import Context
from ..engine.edits import char_col, end_of, has_multiline_string, replace_expr
from ..engine.kinds import IMMUTABLE, Kind, hashable
from ..engine.names import walk_all
from ..engine.probe import RETURN
from ..engine.purity import is_pure_call
from ..engine.rewrite import Decline, Edit, Rewrite

IMPURE_NODES = (ast.Global, ast.Nonlocal, ast.Yield, ast.YieldFrom, ast.Await, ast.FunctionDef,
                ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.With, ast.Delete)


def memoize(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """A pure recursive function with overlapping calls -> a memoized inner function (one cache per call).

    Preconditions: the function calls itself at least twice (or inside a
    loop or comprehension), takes no *args / **kwargs, and every parameter
    always held a hashable immutable value (numbers, str, bytes, None,
    tuples of those); it always returned an immutable value; its body stores
    into no attribute or item, declares no global / nonlocal, defines no
    function, and calls only itself and pure functions (builtins like min /
    max / len, math, methods of str). The cache lives for one outer call, so
    repeated calls from outside are not sped up by a cache that survives them.
    """
    calls = _self_calls(fn)
    _check_shape(fn, calls)
    _check_values(fn, ctx)
    _check_pure(fn, ctx)
    inner = ctx.fresh(f"{fn.name}_memo")
    functools = ctx.module("functools")
    return Rewrite(_edits(fn, ctx, calls, inner, functools))


def _self_calls(fn: ast.FunctionDef) -> list[ast.Call]:
    return [n for n in walk_all(fn.body) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == fn.name]


def _check_shape(fn: ast.FunctionDef, calls: list[ast.Call]) -> None:
    looped = any(isinstance(n, (ast.For, ast.While, ast.comprehension)) for n in walk_all(fn.body))
    if len(calls) < 2 and not (calls and looped):
        raise Decline("the function does not call itself more than once")
    args = fn.args
    if args.vararg or args.kwarg or args.posonlyargs:
        raise Decline("the function takes *args, **kwargs or positional-only parameters")
    if fn.name in {n.id for n in walk_all(fn.body) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}:
        raise Decline("the function rebinds its own name")


def _check_values(fn: ast.FunctionDef, ctx: Context) -> None:
    for param in fn.args.args + fn.args.kwonlyargs:
        kinds = ctx.kinds_of(param.arg)
        if not kinds or not all(hashable(k) for k in kinds):
            raise Decline(f"{param.arg} did not always hold a hashable immutable value")
    returned = ctx.kinds.get(RETURN, frozenset())
    if not returned or not all(_immutable(k) for k in returned):
        raise Decline("the function returned a value that could be changed afterwards")


def _immutable(kind: Kind) -> bool:
    return kind.type in IMMUTABLE and (kind.type != "tuple" or hashable(kind))


def _check_pure(fn: ast.FunctionDef, ctx: Context) -> None:
    for node in walk_all(fn.body):
        if isinstance(node, IMPURE_NODES):
            raise Decline(f"the function uses {type(node).__name__}")
        if isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.ctx, (ast.Store, ast.Del)):
            raise Decline("the function stores into an item or attribute")
        if isinstance(node, ast.Call) and not _allowed_call(node, fn.name, ctx):
            raise Decline(f"the function calls {ast.unparse(node.func)}, which may have side effects")


def _allowed_call(node: ast.Call, own: str, ctx: Context) -> bool:
    if isinstance(node.func, ast.Name) and node.func.id == own:
        return True
    if is_pure_call(ctx, node):
        return True
    func = node.func  # methods of str parameters and locals
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and all(
        k.type == "str" for k in ctx.kinds_of(func.value.id) or [Kind("?")])


def _edits(fn: ast.FunctionDef, ctx: Context, calls: list[ast.Call], inner: str, functools: str) -> list[Edit]:
    body = fn.body[1:] if _has_docstring(fn) else fn.body
    if not body:
        raise Decline("the function has no body")
    first, last = body[0].lineno, end_of(fn)[0]
    if has_multiline_string(body):
        raise Decline("a multi-line string would change if indented")
    line = ctx.lines[first - 1]
    indent = line[: len(line) - len(line.lstrip())]
    if not indent or line[: char_col(line, body[0].col_offset)].strip():
        raise Decline("the body starts on the def line")
    header = f"{indent}@{functools}.lru_cache(maxsize=None)\n{indent}def {inner}({ast.unparse(fn.args)}):\n"
    edits = [Edit(first, 0, first, 0, header)]
    step = "    " if not indent.startswith("\t") else "\t"
    edits += [Edit(n, 0, n, 0, step) for n in range(first, last + 1) if ctx.lines[n - 1].strip()]
    edits += [replace_expr(ctx, c.func, inner) for c in calls]
    arguments = [a.arg for a in fn.args.args] + [f"{a.arg}={a.arg}" for a in fn.args.kwonlyargs]
    tail = "" if ctx.lines[last - 1].endswith("\n") else "\n"
    edits.append(Edit(last + 1, 0, last + 1, 0, f"{tail}{indent}return {inner}({', '.join(arguments)})\n"))
    return edits


def _has_docstring(fn: ast.FunctionDef) -> bool:
    first = fn.body[0]
    return isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)

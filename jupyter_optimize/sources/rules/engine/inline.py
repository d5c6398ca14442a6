"""A call of a small helper function of the user's, as one expression (so the column translator can take it).

``def band(row): if row["x"] > 5: return "high" ... return "low"`` called per
row becomes ``"high" if row["x"] > 5 else "low"`` with the call's arguments
in place of the parameters. Only helpers whose body is assignments to
temporaries, ``if`` statements and ``return`` (every path returning), that
take positional parameters without defaults, and whose global names mean
what they mean to the function being rewritten.
"""
from __future__ import annotations

import ast
import copy
import inspect
import textwrap
import types

from .names import names_loaded, names_stored
from .rewrite import Decline

MAX_HELPER_LINES = 40


def helper_expression(helper: object, args: list[ast.expr], globals_: dict[str, object]) -> ast.expr:
    """The helper's result for *args*, as an expression over them (or Decline)."""
    if not isinstance(helper, types.FunctionType) or helper.__code__.co_freevars:
        raise Decline("not a plain function of the user's")
    try:
        source = textwrap.dedent(inspect.getsource(helper))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError) as exc:
        raise Decline(f"the source of {helper.__name__} is not available") from exc
    fn = tree.body[0] if tree.body else None
    if not isinstance(fn, ast.FunctionDef) or fn.decorator_list or len(source.splitlines()) > MAX_HELPER_LINES:
        raise Decline(f"{helper.__name__} is not a small undecorated function")
    params = fn.args
    if params.vararg or params.kwarg or params.kwonlyargs or params.posonlyargs or params.defaults \
            or len(params.args) != len(args):
        raise Decline(f"{helper.__name__} is called with other than its positional parameters")
    local = {a.arg for a in params.args} | names_stored(fn.body)
    for used in names_loaded(fn.body) - local:
        if used in helper.__globals__ and helper.__globals__.get(used) is not globals_.get(used, object()):
            raise Decline(f"{used} means something else to {helper.__name__}")
    env = {a.arg: arg for a, arg in zip(params.args, args)}
    body = [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    return _as_expression(body, env, local)


def _as_expression(stmts: list[ast.stmt], env: dict[str, ast.expr], local: set[str]) -> ast.expr:
    env = dict(env)
    for i, stmt in enumerate(stmts):
        if isinstance(stmt, ast.Return) and stmt.value is not None:
            return _substitute(stmt.value, env, local)
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            env[stmt.targets[0].id] = _substitute(stmt.value, env, local)
            continue
        if isinstance(stmt, ast.If):
            rest = stmts[i + 1:]
            return ast.IfExp(_substitute(stmt.test, env, local), _as_expression(stmt.body + rest, env, local),
                             _as_expression(stmt.orelse + rest, env, local))
        raise Decline(f"`{ast.unparse(stmt).splitlines()[0]}` in a helper (only temporaries, if and return)")
    raise Decline("a path through the helper that returns nothing")


def _substitute(node: ast.expr, env: dict[str, ast.expr], local: set[str]) -> ast.expr:
    class Put(ast.NodeTransformer):
        def visit_Name(self, n: ast.Name) -> ast.AST:
            if isinstance(n.ctx, ast.Load) and n.id in env:
                return copy.deepcopy(env[n.id])
            if isinstance(n.ctx, ast.Load) and n.id in local:  # the helper raises UnboundLocalError on this path
                raise Decline(f"{n.id} is read on a path of the helper where it is not set")
            return n

        def visit_Lambda(self, n: ast.Lambda) -> ast.AST:
            raise Decline("a lambda in a helper")

    return Put().visit(copy.deepcopy(node))  # type: ignore[no-any-return]

"""Rule: work that gives the same result on every round is done once, before the loop."""
from __future__ import annotations

import ast

from ..engine.build import assign
from ..engine.context import Context
from ..engine.edits import insert_before, replace_expr
from ..engine.loops import Loop, inside, loops_in
from ..engine.names import mutated_names, names_loaded, names_stored, walk_all
from ..engine.purity import is_pure_call, resolve_module_attr
from ..engine.rewrite import Decline, Edit, Rewrite

SCOPES = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# cheap to call again, and range() & co. are what the loop rules read: not worth a name of their own
CHEAP = frozenset({"range", "enumerate", "zip", "reversed", "len", "list", "set", "dict", "tuple", "frozenset",
                   "str", "int", "float", "bool", "abs", "round", "isinstance", "ord", "chr", "divmod", "pow"})


def hoist_invariant(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """A pure call whose inputs do not change in the loop -> computed once before the loop.

    Preconditions: the call is pure (math, numpy outside numpy.random,
    builtins like len / sum / sorted, non-mutating methods of arrays and
    strings); every name it reads is neither rebound in the loop nor changed
    there (no stores into it, no mutating method calls, not passed to other
    functions); it sits where every round evaluates it (a statement directly
    in the loop body, the test of an if or while there, or the range of an
    inner loop), not under a condition. Evaluated once, it gives the same value.
    """
    edits: list[Edit] = []
    done: list[Loop] = []
    for loop in reversed(loops_in(fn)):  # innermost first
        if any(_overlaps(loop, other) for other in done):
            continue
        found = _invariant_calls(loop, ctx)
        if not found:
            continue
        try:
            edits += _hoist(loop, found, ctx)
        except Decline as why:
            ctx.declined.append(str(why))
            continue
        done.append(loop)
    return Rewrite(edits) if edits else None


def _overlaps(a: Loop, b: Loop) -> bool:
    return inside(a, b) or inside(b, a)


def _hoist(loop: Loop, found: dict[str, list[ast.Call]], ctx: Context) -> list[Edit]:
    edits: list[Edit] = []
    new: list[ast.stmt] = []
    for calls in found.values():
        var = ctx.fresh(_name_for(calls[0]))
        new.append(assign(var, calls[0]))
        edits += [replace_expr(ctx, c, var) for c in calls]
    return [insert_before(ctx, loop, new)] + edits


def _invariant_calls(loop: Loop, ctx: Context) -> dict[str, list[ast.Call]]:
    parts: list[ast.AST] = [*loop.body, *([loop.target] if isinstance(loop, ast.For) else [])]
    changed = names_stored(parts) | mutated_names(parts) | _passed_to_unknown(loop.body, ctx)
    found: dict[str, list[ast.Call]] = {}
    for expr in _every_round_exprs(loop):
        for node in _maximal_invariant_calls(expr, changed, ctx):
            found.setdefault(ast.dump(node), []).append(node)
    return found


def _every_round_exprs(loop: Loop) -> list[ast.expr]:
    out: list[ast.expr] = [loop.test] if isinstance(loop, ast.While) else []
    for stmt in loop.body:
        if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.Expr, ast.Return, ast.AnnAssign)):
            out += [stmt.value] if stmt.value is not None else []
            out += [t for t in stmt.targets if isinstance(t, ast.Subscript)] if isinstance(stmt, ast.Assign) else []
        elif isinstance(stmt, (ast.If, ast.While)):
            out.append(stmt.test)
        elif isinstance(stmt, ast.For):
            out.append(stmt.iter)
        if isinstance(stmt, (ast.Break, ast.Continue, ast.Return, ast.Raise)):
            break
    return out


def _maximal_invariant_calls(expr: ast.expr, changed: set[str], ctx: Context) -> list[ast.Call]:
    if isinstance(expr, SCOPES):
        return []
    if isinstance(expr, ast.Call) and _hoistable(expr, changed, ctx):
        return [expr]
    return [c for child in ast.iter_child_nodes(expr) if isinstance(child, ast.expr)
            for c in _maximal_invariant_calls(child, changed, ctx)]


def _hoistable(node: ast.Call, changed: set[str], ctx: Context) -> bool:
    if isinstance(node.func, ast.Name) and node.func.id in CHEAP:
        return False
    loaded = names_loaded([node])
    if loaded & changed or any(isinstance(n, (ast.NamedExpr, *SCOPES)) for n in ast.walk(node)):
        return False
    data = {n for n in loaded if resolve_module_attr(ctx, ast.Name(n, ast.Load())) is None}
    if not data:
        return False  # only constants: cheap, and nothing to name it after
    return all(is_pure_call(ctx, c) for c in ast.walk(node) if isinstance(c, ast.Call))


def _passed_to_unknown(body: list[ast.stmt], ctx: Context) -> set[str]:
    out: set[str] = set()
    for node in walk_all(body):
        if isinstance(node, ast.Call) and not is_pure_call(ctx, node):
            passed = node.args + [k.value for k in node.keywords]
            out |= {a.id for a in passed if isinstance(a, ast.Name)}
    return out


def _name_for(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and not node.args:
        return f"{func.value.id}_{func.attr}"
    fname = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else "value"
    first = node.args[0] if node.args else None
    if isinstance(first, ast.Name):
        return f"{first.id}_{fname}"
    if isinstance(first, ast.Attribute) and isinstance(first.value, ast.Name):
        return f"{first.value.id}_{first.attr}_{fname}"
    return f"{fname}_value"



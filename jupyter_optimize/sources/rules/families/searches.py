"""Rules for loops that search: they stop at the first element that satisfies a condition."""
from __future__ import annotations

import ast
import copy

from ..engine.body import Body
from ..engine.build import assign, call, const, name, parse_expr
from ..engine.context import Context
from ..engine.edits import replace_stmts
from ..engine.loops import loops_in, read_outside
from ..engine.names import walk_all
from ..engine.nest import Nest, loop_nest, loop_vars, stored_in, translator_for
from ..engine.rewrite import Decline, Edit, Rewrite
from ..engine.translator import Translator
from ..engine.vec import Axis


def first_index(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """A while loop that steps an index to the first element meeting a condition -> np.flatnonzero.

    Matches ``while i < LIMIT and COND: i += 1`` (also ``<=``, and the bound
    after the condition), where i is always an int, LIMIT does not change in
    the loop, and COND is a condition on array elements at i that the
    vectorizing engine can translate. The index ends where the loop would
    have stopped: at the first element where COND fails, else at LIMIT.
    """
    edits: list[Edit] = []
    for loop in loops_in(fn):
        if isinstance(loop, ast.While):
            try:
                edits.append(replace_stmts(ctx, loop, loop, _scan(loop, ctx)))
            except Decline as why:
                ctx.declined.append(str(why))
                continue
    return Rewrite(edits) if edits else None


def _scan(loop: ast.While, ctx: Context) -> list[ast.stmt]:
    var = _stepped_index(loop)
    kind = ctx.kind(var)
    if kind is None or kind.type != "int":
        raise Decline(f"{var} is not always an int")
    bound, conditions = _split_test(loop.test, var)
    limit, inclusive = bound
    if var in {n.id for n in ast.walk(limit) if isinstance(n, ast.Name)}:
        raise Decline("the bound moves with the index")
    stop = ast.BinOp(limit, ast.Add(), const(1)) if inclusive else limit
    tr = Translator(ctx, [Axis(var, name(var), stop)], {var})
    cond = tr.expr(conditions[0] if len(conditions) == 1 else ast.BoolOp(ast.And(), conditions))
    if not cond.varying or not cond.boolean or cond.elem:
        raise Decline("the condition does not depend on the index")
    rest = ctx.fresh(f"{var}_rest")
    np_ = tr.np
    failing = call(f"{np_}.flatnonzero", _negate(cond.node))
    found = ast.IfExp(parse_expr(f"{rest}.size"), parse_expr(f"{var} + int({rest}[0])"),
                      call("max", name(var), copy.deepcopy(stop)))
    return [assign(rest, failing), assign(var, found)]


def _stepped_index(loop: ast.While) -> str:
    body = [s for s in loop.body if not isinstance(s, ast.Pass)]
    if loop.orelse or len(body) != 1:
        raise Decline("the loop does more than step an index")
    stmt = body[0]
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Add) and isinstance(stmt.target, ast.Name) \
            and isinstance(stmt.value, ast.Constant) and stmt.value.value == 1:
        return stmt.target.id
    raise Decline("the loop body is not `i += 1`")


def _split_test(test: ast.expr, var: str) -> tuple[tuple[ast.expr, bool], list[ast.expr]]:
    parts = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
    bounds = [p for p in parts if isinstance(p, ast.Compare) and _is_bound(p, var)]
    if len(bounds) != 1 or len(parts) < 2:
        raise Decline("no single `i < LIMIT` bound next to a condition")
    bound = bounds[0]
    return (bound.comparators[0], isinstance(bound.ops[0], ast.LtE)), [p for p in parts if p is not bound]


def _is_bound(node: ast.expr, var: str) -> bool:
    return (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Lt, ast.LtE))
            and isinstance(node.left, ast.Name) and node.left.id == var)


def _negate(node: ast.expr) -> ast.expr:
    """not COND: flip == and != (exact, also for NaN); otherwise ~(COND)."""
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
        flipped = ast.NotEq() if isinstance(node.ops[0], ast.Eq) else ast.Eq()
        return ast.Compare(node.left, [flipped], node.comparators)
    return ast.UnaryOp(ast.Invert(), node)


def first_match(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """A for loop that breaks (or returns) at the first element meeting a condition -> np.flatnonzero.

    Matches ``for i in range(...)`` / ``for x in arr`` / ``for i, x in
    enumerate(arr)`` whose body is temporaries followed by ``if COND: ...;
    break`` (or ``return ...``), with an optional ``else:``. COND must be
    translatable by the vectorizing engine, the if-body must contain no loop,
    and the loop variables and temporaries must not be read after the loop.
    The if-body then runs once, for the first match, with the loop variables
    and temporaries set as the loop would have set them.
    """
    edits: list[Edit] = []
    for loop in loops_in(fn):
        if isinstance(loop, ast.For):
            try:
                edits.append(replace_stmts(ctx, loop, loop, _first(fn, loop, ctx)))
            except Decline as why:
                ctx.declined.append(str(why))
                continue
    return Rewrite(edits) if edits else None


def _first(fn: ast.FunctionDef, loop: ast.For, ctx: Context) -> list[ast.stmt]:
    guard, temps = _guarded_exit(loop)
    nest = loop_nest(ctx, _without_else(loop), max_depth=1)
    tr = translator_for(ctx, nest, stored_in(nest))
    body = Body(tr)
    body.run(temps, emit=False)
    cond = tr.expr(guard.test)
    if not cond.varying or not cond.boolean or cond.elem:
        raise Decline("the condition does not change along the loop")
    leaked = read_outside(fn, loop, loop_vars(nest) | body.temps)
    if leaked:
        raise Decline(f"{', '.join(sorted(leaked))} is read after the loop")
    hits = ctx.fresh(f"{nest.axes[0].var or 'first'}_hits")
    found: list[ast.stmt] = [assign(hits, call(f"{tr.np}.flatnonzero", cond.node))]
    then = _bind_match(nest, hits) + [copy.deepcopy(s) for s in temps] + _exit_body(guard)
    found.append(ast.If(parse_expr(f"{hits}.size"), then, list(loop.orelse)))
    return found


def _guarded_exit(loop: ast.For) -> tuple[ast.If, list[ast.stmt]]:
    body = loop.body
    guard = body[-1]
    if not isinstance(guard, ast.If) or guard.orelse:
        raise Decline("the loop does not end with `if COND: ... break`")
    if not isinstance(guard.body[-1], (ast.Break, ast.Return)):
        raise Decline("the if-body does not end with break or return")
    inner = list(walk_all(guard.body[:-1]))
    if any(isinstance(n, (ast.For, ast.While, ast.Break, ast.Continue, ast.Yield, ast.YieldFrom)) for n in inner):
        raise Decline("the if-body loops or jumps")
    temps = body[:-1]
    if not all(isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name) for s in temps):
        raise Decline("the loop does more than compute temporaries before the test")
    return guard, temps


def _without_else(loop: ast.For) -> ast.For:
    clone = copy.copy(loop)
    clone.orelse = []
    return clone


def _bind_match(nest: Nest, hits: str) -> list[ast.stmt]:
    axis = nest.axes[0]
    index = parse_expr(f"int({hits}[0])")
    if not (isinstance(axis.start, ast.Constant) and axis.start.value == 0):
        index = ast.BinOp(copy.deepcopy(axis.start), ast.Add(), index)
    out: list[ast.stmt] = []
    var = axis.var
    if var:
        out.append(assign(var, index))
    for element, (array, _ndim) in nest.bindings.items():
        out.append(assign(element, ast.Subscript(name(array), name(var) if var else index, ast.Load())))
    return out


def _exit_body(guard: ast.If) -> list[ast.stmt]:
    body = [copy.deepcopy(s) for s in guard.body]
    if isinstance(body[-1], ast.Break):
        body.pop()
    return body or [ast.Pass()]



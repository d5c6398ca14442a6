"""Rules for loops that accumulate: reductions (sum, count, min, max, any, all) and running sums."""
from __future__ import annotations

import ast
import copy
from dataclasses import dataclass

from ..engine.body import Body
from ..engine.build import assign, call, const, name, parse_expr, same
from ..engine.context import Context
from ..engine.edits import insert_before, replace_stmts
from ..engine.kinds import Kind
from ..engine.loops import loops_in, read_outside, replacing_loop, rewrite_outer_loops
from ..engine.names import names_loaded
from ..engine.nest import Nest, full_size, has_rounds, is_inert, loop_nest, loop_vars, stored_in, translator_for
from ..engine.rewrite import Decline, Edit, Rewrite
from ..engine.translator import Translator
from ..engine.vec import Vec

NUMBER_KINDS = frozenset({"int", "float", "npscalar", "bool"})


@dataclass
class Update:
    """One accumulation in the loop body: ``acc OP= value`` (under an optional condition)."""

    acc: str
    how: str  # "sum", "prod", "max", "min", "max-late", "min-late", "flag"
    value: ast.expr  # the element expression; for "flag" the constant stored
    stmt: ast.stmt  # the statement that updates (the if, for a guarded update)
    op: ast.operator | None = None  # sums and products: the operator
    cond: ast.expr | None = None

    def add_to(self, total: ast.expr) -> ast.AugAssign:
        """``acc OP= total``, with the operator of this sum or product."""
        assert self.op is not None
        return ast.AugAssign(name(self.acc), self.op, total)


def reduction_loop(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """Sums, counts, products, minima, maxima, any/all accumulated in a loop -> numpy reductions.

    Matches a nest of for loops (range or one numpy array) whose body holds
    temporaries and accumulations: ``acc += e`` / ``acc -= e`` / ``acc *= e``,
    ``if c: acc += e`` (counts), ``acc = max(acc, e)`` / ``min``, ``if e > acc:
    acc = e``, and ``if c: flag = True/False`` (optionally with ``break``, then
    alone). Each accumulator is a number (an array for row sums), is updated
    once and is not read elsewhere in the loop; loop variables and
    temporaries are not read after it; the element expressions translate.
    """
    return rewrite_outer_loops(fn, ctx, replacing_loop(_reduce))


def _reduce(fn: ast.FunctionDef, loop: ast.For, ctx: Context) -> list[ast.stmt]:
    nest = loop_nest(ctx, loop)
    updates, temps = _split_body(nest.body)
    if not updates:
        raise Decline("the loop accumulates nothing")
    accs = [u.acc for u in updates]
    if len(set(accs)) != len(accs) or set(accs) & loop_vars(nest):
        raise Decline("an accumulator is updated twice or is a loop variable")
    _check_unread(nest.body, updates)
    tr = translator_for(ctx, nest, stored_in(nest) - set(accs))
    tr.stored |= set(accs)
    body = Body(tr)
    for stmt in temps:
        body.statement(stmt, True, {})
    if tr.done_writing:
        raise Decline("the loop also writes arrays")
    out = body.stmts + [s for u in updates for s in _emit(u, tr, nest, ctx)]
    leaked = read_outside(fn, loop, loop_vars(nest) | body.temps)
    if leaked:
        raise Decline(f"{', '.join(sorted(leaked))} is read after the loop")
    return out


def _split_body(body: list[ast.stmt]) -> tuple[list[Update], list[ast.stmt]]:
    updates: list[Update] = []
    temps: list[ast.stmt] = []
    for i, stmt in enumerate(body):
        update = _update(stmt, last=i == len(body) - 1)
        if update is not None:
            updates.append(update)
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            temps.append(stmt)
        elif is_inert(stmt):
            continue
        else:
            raise Decline(f"a {type(stmt).__name__} statement that is not an accumulation")
    if any(u.how == "flag-break" for u in updates) and len(updates) > 1:
        raise Decline("a loop that breaks early and accumulates something else")
    return updates, temps


def _update(stmt: ast.stmt, last: bool) -> Update | None:
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
        how = {ast.Add: "sum", ast.Sub: "sum", ast.Mult: "prod"}.get(type(stmt.op))
        return Update(stmt.target.id, how, stmt.value, stmt, stmt.op) if how else None
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return _assigned_update(stmt.targets[0].id, stmt.value, stmt)
    if isinstance(stmt, ast.If) and not stmt.orelse:
        return _guarded_update(stmt, last)
    return None


def _assigned_update(acc: str, value: ast.expr, stmt: ast.stmt) -> Update | None:
    if isinstance(value, ast.BinOp) and isinstance(value.op, (ast.Add, ast.Sub, ast.Mult)) \
            and isinstance(value.left, ast.Name) and value.left.id == acc:
        return Update(acc, "prod" if isinstance(value.op, ast.Mult) else "sum", value.right, stmt, value.op)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("max", "min") \
            and len(value.args) == 2 and not value.keywords:
        first, second = value.args
        if isinstance(first, ast.Name) and first.id == acc:  # max(acc, e) keeps acc unless e > acc
            return Update(acc, value.func.id, second, stmt)
    return None


def _guarded_update(stmt: ast.If, last: bool) -> Update | None:
    body = stmt.body
    inner = _update(body[0], last=False) if len(body) == 1 else None
    if inner is not None and inner.how == "sum" and inner.cond is None:
        inner.cond, inner.stmt = stmt.test, stmt
        return inner
    first = body[0]
    if not (isinstance(first, ast.Assign) and len(first.targets) == 1 and isinstance(first.targets[0], ast.Name)):
        return None
    target, value = first.targets[0], first.value
    if isinstance(value, ast.Constant) and isinstance(value.value, bool):
        breaks = len(body) == 2 and isinstance(body[1], ast.Break) and last
        if len(body) == 1 or breaks:
            return Update(target.id, "flag-break" if breaks else "flag", value, stmt, cond=stmt.test)
        return None
    if len(body) == 1:
        return _compare_update(stmt.test, target.id, value, stmt)
    return None


def _compare_update(test: ast.expr, acc: str, value: ast.expr, stmt: ast.stmt) -> Update | None:
    """``if e > acc: acc = e`` and its mirrored / min forms."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if isinstance(right, ast.Name) and right.id == acc and same(left, value):
        op = {ast.Gt: ast.Lt, ast.GtE: ast.LtE, ast.Lt: ast.Gt, ast.LtE: ast.GtE}.get(type(op), type(op))()
    elif not (isinstance(left, ast.Name) and left.id == acc and same(right, value)):
        return None
    # now the test reads `acc OP e`
    how = {ast.Lt: "max", ast.LtE: "max-late", ast.Gt: "min", ast.GtE: "min-late"}.get(type(op))
    return Update(acc, how, value, stmt) if how else None


def _check_unread(body: list[ast.stmt], updates: list[Update]) -> None:
    own = {id(n) for u in updates for n in ast.walk(u.stmt)}
    accs = {u.acc for u in updates}
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and node.id in accs and id(node) not in own:
                raise Decline(f"{node.id} is used elsewhere in the loop")
    for u in updates:
        if u.acc in names_loaded([u.value]) or (u.cond is not None and u.acc in names_loaded([u.cond])):
            raise Decline(f"{u.acc} depends on itself")


def _emit(update: Update, tr: Translator, nest: Nest, ctx: Context) -> list[ast.stmt]:
    kinds = ctx.kinds_of(update.acc)
    if not kinds or not all(k.type in NUMBER_KINDS | {"ndarray"} for k in kinds):
        raise Decline(f"{update.acc} is not always a number")
    if update.how in ("flag", "flag-break"):
        return _emit_flag(update, tr)
    if update.how in ("sum", "prod"):
        return _emit_sum(update, tr, nest)
    return _emit_extreme(update, tr, ctx)


def _full(vec: Vec, tr: Translator) -> bool:
    return vec.axes == frozenset(range(len(tr.axes)))


def _emit_sum(update: Update, tr: Translator, nest: Nest) -> list[ast.stmt]:
    value = tr.expr(update.value)
    reducer = "sum" if update.how == "sum" else "prod"
    if update.cond is not None:
        cond = tr.expr(update.cond)
        if not cond.boolean or not _full(tr.combine(cond.node, cond, value), tr):
            raise Decline("the condition does not cover every round")
        if not value.varying and update.how == "sum":
            count = call("int", call(f"{tr.np}.count_nonzero", cond.node))
            one = isinstance(update.value, ast.Constant) and update.value.value == 1
            total = count if one else ast.BinOp(update.value, ast.Mult(), count)
            return [update.add_to(total)]
        value = tr.where(cond, value, Vec(const(0 if reducer == "sum" else 1)))
    if not value.varying:
        if update.how != "sum":
            raise Decline("a product of a constant")
        rounds = full_size(nest)
        return [ast.If(rounds, [update.add_to(ast.BinOp(update.value, ast.Mult(), copy.deepcopy(rounds)))], [])]
    if not _full(value, tr):
        raise Decline("the value does not change along every loop")
    axis = {} if value.elem == 0 else {"axis": const(0) if len(tr.axes) == 1 else
                                       ast.Tuple([const(k) for k in range(len(tr.axes))], ast.Load())}
    return _only_if_rounds(nest, update, call(f"{tr.np}.{reducer}", value.node, **axis))


def _only_if_rounds(nest: Nest, update: Update, total: ast.expr) -> list[ast.stmt]:
    """``acc += total`` only when the loop has rounds: with none, acc keeps its value and its type."""
    return [ast.If(has_rounds(nest), [update.add_to(total)], [])]


def _emit_extreme(update: Update, tr: Translator, ctx: Context) -> list[ast.stmt]:
    """Only the values that would have replaced acc (``e > acc``; NaN never does), then their extreme."""
    value = tr.expr(update.value)
    if not value.varying or value.elem:
        raise Decline("the compared value does not change along the loop")
    kind, late = update.how.split("-")[0], update.how.endswith("late")
    op = {("max", False): ">", ("max", True): ">=", ("min", False): "<", ("min", True): "<="}[(kind, late)]
    values = ctx.fresh(f"{update.acc}_candidates")
    return [assign(values, value.node),
            assign(values, parse_expr(f"{values}[{values} {op} {update.acc}]")),
            ast.If(parse_expr(f"{values}.size"), [assign(update.acc, parse_expr(f"{values}.{kind}()"))], [])]


def _emit_flag(update: Update, tr: Translator) -> list[ast.stmt]:
    assert update.cond is not None  # a flag is set under a condition
    cond = tr.expr(update.cond)
    if not cond.varying or not cond.boolean or cond.elem:
        raise Decline("the condition does not change along the loop")
    return [ast.If(call(f"{tr.np}.any", cond.node), [assign(update.acc, copy.deepcopy(update.value))], [])]


def running_sum(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """A running sum (or count) updated in a loop and used on every round -> np.cumsum before the loop.

    Matches a single ``for i in range(...)`` loop with one statement
    ``acc += e`` (or ``acc = acc + e``, or ``if c: acc += e``) where acc is a
    number updated nowhere else in the loop and not read before that
    statement, and e (and c) translate to whole-array expressions of i that
    use nothing computed in the loop. The loop stays; it reads the running
    value from the precomputed array, so a later rule can vectorize the rest.
    """
    edits: list[Edit] = []
    facts: dict[str, Kind] = {}
    for loop in loops_in(fn):
        if isinstance(loop, ast.For):
            try:
                found, run = _running(loop, ctx)
            except Decline as why:
                ctx.declined.append(str(why))
                continue
            edits += found
            facts[run] = Kind("ndarray", "", 1)
    return Rewrite(edits, facts) if edits else None


def _running(loop: ast.For, ctx: Context) -> tuple[list[Edit], str]:
    nest = loop_nest(ctx, loop, max_depth=1)
    var = nest.axes[0].var
    if not var or len(nest.loops) != 1 or nest.bindings:
        raise Decline("not a loop over range()")
    position, update = _running_update(nest.body)
    kinds = ctx.kinds_of(update.acc)
    if not kinds or not all(k.type in NUMBER_KINDS for k in kinds):
        raise Decline(f"{update.acc} is not always a number")
    stored = stored_in(nest)
    if (names_loaded([update.value]) | (names_loaded([update.cond]) if update.cond else set())) & (stored - {var}):
        raise Decline("the added value depends on something computed in the loop")
    tr = translator_for(ctx, nest, stored)
    values = _running_values(update, tr, var)
    run = ctx.fresh(f"{update.acc}_sums")
    start = nest.axes[0].start
    from_zero = isinstance(start, ast.Constant) and start.value == 0
    index = name(var) if from_zero else ast.BinOp(name(var), ast.Sub(), copy.deepcopy(start))
    cumsum = ast.BinOp(name(update.acc), ast.Add() if isinstance(update.op, ast.Add) else ast.Sub(),
                       call(f"{tr.np}.cumsum", values.node))
    read = assign(update.acc, ast.Subscript(name(run), index, ast.Load()))
    return [insert_before(ctx, loop, [assign(run, cumsum)]), replace_stmts(ctx, update.stmt, update.stmt, [read])], run


def _running_update(body: list[ast.stmt]) -> tuple[int, Update]:
    for position, stmt in enumerate(body):
        update = _update(stmt, last=False)
        if update is not None and update.how == "sum":
            others = body[:position] + body[position + 1:]
            if update.acc in {n.id for s in body[:position] for n in ast.walk(s) if isinstance(n, ast.Name)}:
                raise Decline(f"{update.acc} is read before it is updated")
            if any(update.acc in _stored(s) for s in others):
                raise Decline(f"{update.acc} is changed elsewhere in the loop")
            if update.acc in names_loaded([update.value]):
                raise Decline(f"{update.acc} depends on itself")
            return position, update
    raise Decline("no running sum in the loop")


def _stored(stmt: ast.stmt) -> set[str]:
    return {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)} | {
        n.target.id for n in ast.walk(stmt) if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)}


def _running_values(update: Update, tr: Translator, var: str) -> Vec:
    value = tr.expr(update.value)
    if update.cond is not None:
        cond = tr.expr(update.cond)
        if not cond.boolean:
            raise Decline("the condition is not a comparison")
        value = tr.where(cond, value, Vec(const(0)))
        if not value.varying:
            raise Decline("nothing changes along the loop")
    if not value.varying:
        value = tr.combine(ast.BinOp(call(f"{tr.np}.ones_like", tr.env[var].node), ast.Mult(), value.node),
                           tr.env[var], value)
    if value.elem:
        raise Decline("a running sum of rows")
    return value

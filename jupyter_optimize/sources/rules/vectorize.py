"""Rules that replace a loop writing an array element by element with one numpy statement.

Three rules share the engine in `vector.py` and differ in what the loop reads:

* ``elementwise-loop``: each round reads single elements (``out[i, j] = f(a[i, j], i)``);
* ``sliding-window``: each round reduces a fixed-size window (``x[i-2:i+3].mean()``);
* ``row-broadcast``: each round works on whole rows (``d[i, j] = norm(x[i] - x[j])``),
  so the rounds become a broadcast over a new axis.

Preconditions (all three): a perfect nest of ``for`` loops over ``range()``
(rectangular: inner bounds do not use outer indices) or over one numpy array;
a body of assignments to temporaries and to numpy arrays at the loop indices,
and if-statements around them; every array written is indexed by every loop
index and read, if at all, only at that same place and before it is written;
nothing is carried from one round to the next; the loop indices and
temporaries are not read after the loop; calls are pure (math, numpy,
builtins like abs / round / min / max).
"""
from __future__ import annotations

import ast
from collections.abc import Callable

from .base import (
    Context,
    Decline,
    Rewrite,
    assign,
    guarded_replace,
    loops_in,
    read_outside,
    replace_stmts,
)
from .vector import (
    Nest,
    Translator,
    Vec,
    loop_nest,
    loop_vars,
    stored_in,
    translator_for,
)


class Body:
    """Translates a loop body statement by statement into whole-array statements."""

    def __init__(self, tr: Translator):
        self.tr = tr
        self.stmts: list[ast.stmt] = []
        self.temps: set[str] = set()

    def run(self, stmts: list[ast.stmt], emit: bool = True) -> dict:
        outputs: dict[str, tuple[Vec, Vec]] = {}
        for i, stmt in enumerate(stmts):
            if _skippable(stmt):
                continue
            if _is_continue_guard(stmt):  # `if c: continue` guards the rest of the body
                rest = ast.If(ast.UnaryOp(ast.Not(), stmt.test), stmts[i + 1:] or [ast.Pass()], [])
                self.statement(rest, emit, outputs)
                break
            self.statement(stmt, emit, outputs)
        return outputs

    def statement(self, stmt: ast.stmt, emit: bool, outputs: dict) -> None:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            self.assign(stmt.targets[0], self.tr.expr(stmt.value), emit, outputs)
        elif isinstance(stmt, ast.AugAssign):
            current = _as_load(stmt.target)
            value = self.tr.expr(ast.BinOp(current, stmt.op, stmt.value))
            self.assign(stmt.target, value, emit, outputs)
        elif isinstance(stmt, ast.If):
            self.if_statement(stmt, emit, outputs)
        else:
            raise Decline(f"a {type(stmt).__name__} statement in the loop")

    def assign(self, target: ast.expr, value: Vec, emit: bool, outputs: dict) -> None:
        if isinstance(target, ast.Name):
            self.temp(target.id, value, emit)
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            place = self.tr.index(target, ast.Store())
            self.write(place, value, emit, outputs)
        else:
            raise Decline("an assignment to something other than a name or an array element")

    def temp(self, var: str, value: Vec, emit: bool) -> None:
        self.temps.add(var)
        if emit:
            self.stmts.append(assign(var, value.node))
            value = Vec(ast.Name(var, ast.Load()), value.axes, value.elem, value.boolean)
        self.tr.env[var] = value

    def write(self, place: Vec, value: Vec, emit: bool, outputs: dict) -> None:
        if place.axes != frozenset(range(len(self.tr.axes))):
            raise Decline("an array element written on several rounds (that is a reduction)")
        if value.elem > place.elem:
            raise Decline("a whole row assigned to a single element")
        if value.elem < place.elem and (value.varying or value.elem):
            value = self.tr.expand(value, place.elem - value.elem)
        self.tr.done_writing.add(_base(place.node))
        if emit:
            self.stmts.append(assign(place.node, value.node))
        else:
            outputs[ast.dump(place.node)] = (place, value)

    def if_statement(self, stmt: ast.If, emit: bool, outputs: dict) -> None:
        cond = self.tr.expr(stmt.test)
        if cond.varying and not cond.boolean:
            raise Decline("an if whose test is not a comparison")
        before = dict(self.tr.env)
        then_out = self.run(stmt.body, emit=False)
        then_env, self.tr.env = self.tr.env, dict(before)
        else_out = self.run(stmt.orelse, emit=False)
        else_env, self.tr.env = self.tr.env, dict(before)
        for var in sorted(set(then_env) | set(else_env)):
            yes, no = then_env.get(var), else_env.get(var)
            if yes is before.get(var) and no is before.get(var):
                continue
            if yes is None or no is None:
                raise Decline(f"{var} is set on one side of an if only")
            self.temp(var, self.tr.where(cond, yes, no), emit)
        for key in sorted(set(then_out) | set(else_out)):
            place = (then_out.get(key) or else_out.get(key))[0]
            current = Vec(_as_load(place.node), place.axes, place.elem)
            yes = then_out.get(key, (place, current))[1]
            no = else_out.get(key, (place, current))[1]
            self.write(place, self.tr.where(cond, yes, no), emit, outputs)


def _skippable(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))


def _is_continue_guard(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.If) and not stmt.orelse and len(stmt.body) == 1 and isinstance(stmt.body[0], ast.Continue)


def _as_load(node: ast.expr) -> ast.expr:
    import copy

    node = copy.deepcopy(node)
    node.ctx = ast.Load()
    return node


def _base(node: ast.expr) -> str:
    while isinstance(node, (ast.Subscript, ast.Call, ast.Attribute)):
        node = node.value if not isinstance(node, ast.Call) else node.args[0]
    return node.id


def written_arrays(body: list[ast.stmt]) -> dict[str, str]:
    """Arrays the body writes to -> the index they are written at (one place each)."""
    out: dict[str, str] = {}
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign) else []
        for target in targets:
            if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                index = ast.dump(target.slice)
                if out.setdefault(target.value.id, index) != index:
                    raise Decline(f"{target.value.id} is written at two different places")
    return out


def translate_nest(ctx: Context, fn: ast.FunctionDef, loop: ast.stmt) -> tuple[list[ast.stmt], Translator, Nest]:
    nest = loop_nest(ctx, loop)
    written = written_arrays(nest.body)
    if not written:
        raise Decline("the loop writes no array")
    tr = translator_for(ctx, nest, stored_in(nest), written)
    body = Body(tr)
    body.run(nest.body)
    leaked = read_outside(fn, loop, loop_vars(nest) | body.temps)
    if leaked:
        raise Decline(f"{', '.join(sorted(leaked))} is read after the loop")
    return body.stmts, tr, nest


def rewrite_loops(fn: ast.FunctionDef, ctx: Context, accept: Callable[[set[str]], bool]) -> Rewrite | None:
    """Replace every loop (outermost first) that translates and whose features *accept* likes."""
    edits, lines, done = [], [], []
    for loop in loops_in(fn):
        if any(loop.lineno >= d.lineno and loop.end_lineno <= d.end_lineno for d in done):
            continue
        try:
            stmts, tr, _ = translate_nest(ctx, fn, loop)
            if not accept(tr.features):
                continue
            if tr.guards:  # fall back to the loop where the whole-array form would differ
                guard = tr.guards[0] if len(tr.guards) == 1 else ast.BoolOp(ast.And(), tr.guards)
                edits.append(guarded_replace(ctx, loop, guard, stmts))
            else:
                edits.append(replace_stmts(ctx, loop, loop, stmts))
        except Decline:
            continue
        lines.append(loop.lineno)
        done.append(loop)
    return Rewrite(edits, lines) if edits else None


def elementwise_loop(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """An element-by-element loop over arrays (1-D or nested) -> one numpy expression.

    Preconditions: those of this module (a rectangular nest over range() or
    one array; assignments at the loop indices; nothing carried between
    rounds; pure calls), and every round reads single elements only: no
    windows, no whole rows. Conditionals become np.where.
    """
    return rewrite_loops(fn, ctx, lambda features: not features & {"window", "row"})


def sliding_window(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """A loop reducing a fixed-size moving window -> a reduction over a sliding-window view.

    Preconditions: those of this module, and at least one read is a window
    ``a[i+c : i+c+w]`` of a size w that does not change in the loop, reduced
    by sum / mean / max / min / std / var / median. Where a window would not
    be whole (w < 1, or past the end), the rewrite runs the original loop.
    """
    return rewrite_loops(fn, ctx, lambda features: "window" in features)


def row_broadcast(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """A loop over rows (e.g. pairwise distances) -> a broadcast over a new axis.

    Preconditions: those of this module, and some read is a whole row or
    slice ``x[i]`` / ``x[i, :k]`` of an array with more dimensions than the
    loop indexes; reductions of rows (np.sum, .mean(), np.linalg.norm, ...)
    get an axis, so each round's row becomes one slice of a broadcast.
    """
    return rewrite_loops(fn, ctx, lambda features: "row" in features and "window" not in features)

"""Per-group loops over a frame -> ``groupby``.

``unique-groupby``: a loop over ``df[key].unique()`` (or ``sorted(...)`` of
it) that, for each key, selects the rows with a boolean mask and stores an
aggregation of them in a dict -> one ``groupby(key, sort=...)`` per
aggregation, in the loop's key order (first appearance, or sorted).

``dict-groupby``: counting or summing into a dict over a frame's rows
(``d[k] = d.get(k, 0) + 1``, ``+ v``, or the ``if k in d`` form) ->
``value_counts``/``groupby(..).sum()`` in first-seen key order.

Keys and values come out as the loop makes them (the same keys in the same
order, equal values). NaN keys are where the two differ (a mask ``== nan``
selects nothing; each NaN a loop reads is a key of its own), so the original
runs when a key column has missing values, or a summed one does.
"""
from __future__ import annotations

import ast
import copy

from ..engine.build import assign, call, const, name, same
from ..engine.columns import COL
from ..engine.context import Context
from ..engine.loops import empty_dict_before, read_outside, rewrite_outer_loops
from ..engine.names import names_loaded
from ..engine.rewrite import Decline, Edit, Rewrite
from ..engine.rows import column_of, guarded, row_loop

AGGREGATIONS = {"sum", "mean", "max", "min", "count", "median", "std", "var", "nunique", "prod", "first", "last"}


def unique_groupby(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """A loop over ``df[key].unique()`` with a mask and aggregations -> ``groupby(key, sort=False)``.

    Matches ``for k in df[key].unique():`` (``sorted(...)`` of it: sort=True)
    whose body may set ``sub = df[df[key] == k]`` (or ``df.loc[mask]``)
    and stores ``d[k] = e``, where e is arithmetic over aggregations of
    the selected rows: ``sub[col].sum()`` (mean, max, min, count, median,
    std, var, nunique, prod), ``len(sub)``, ``sub.shape[0]``. d must be
    empty just before (``d = {}``); k and sub are not read after the loop.
    The original runs when the key column has missing values.
    """
    return rewrite_outer_loops(fn, ctx, _unique_edit)


def _unique_edit(fn: ast.FunctionDef, loop: ast.For, ctx: Context) -> Edit:
    frame, key, sort = _unique_keys(ctx, loop.iter)
    if not isinstance(loop.target, ast.Name) or loop.orelse:
        raise Decline("not `for k in ...unique():`")
    k = loop.target.id
    mask_of = f"{frame}[{key!r}] == {k}"
    subs: dict[str, None] = {}
    body = list(loop.body)
    while body and isinstance(body[0], ast.Assign) and len(body[0].targets) == 1 \
            and isinstance(body[0].targets[0], ast.Name) and _is_selection(body[0].value, frame, mask_of, k, key):
        subs[body[0].targets[0].id] = None
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], ast.Assign) or len(body[0].targets) != 1:
        raise Decline("the loop body is not `d[k] = aggregation`")
    target = body[0].targets[0]
    if not (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
            and isinstance(target.slice, ast.Name) and target.slice.id == k):
        raise Decline("the result is not stored under the key")
    result = target.value.id
    if empty_dict_before(fn, loop)[1] != result:
        raise Decline(f"{result} is not an empty dict just before the loop")
    if read_outside(fn, loop, {k, *subs}):
        raise Decline("the key or the selection is read after the loop")
    by = f"{frame}.groupby({key!r}, sort={sort})"
    value = _group_expr(body[0].value, subs, frame, mask_of, k, key, by)
    grouped = ctx.fresh(f"{result}_by_{key}" if key.isidentifier() else f"{result}_groups")
    new: list[ast.stmt] = [assign(grouped, ast.parse(value, mode="eval").body),
           ast.Expr(ast.parse(f"{result}.update(zip({grouped}.index, {grouped}.to_numpy()))", mode="eval").body)]
    guard = ast.parse(f"{frame}[{key!r}].notna().all()", mode="eval").body
    return guarded(ctx, loop, [guard], new)


def _unique_keys(ctx: Context, it: ast.expr) -> tuple[str, str, bool]:
    sort = False
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "sorted" and len(it.args) == 1 \
            and not it.keywords:
        it, sort = it.args[0], True
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr == "unique" and not it.args:
        column = column_of(ctx, it.func.value)
        if isinstance(column, ast.Subscript) and isinstance(column.value, ast.Name) \
                and isinstance(column.slice, ast.Constant) and isinstance(column.slice.value, str):
            return column.value.id, column.slice.value, sort
    raise Decline("not a loop over a column's unique() values")


def _is_mask(node: ast.expr, frame: str, mask_of: str, k: str, key: str) -> bool:
    wanted = ast.parse(mask_of, mode="eval").body
    flipped = ast.parse(f"{k} == {frame}[{key!r}]", mode="eval").body
    attr = ast.parse(f"{frame}.{key} == {k}", mode="eval").body if key.isidentifier() else wanted
    return any(same(node, w) for w in (wanted, flipped, attr))


def _is_selection(node: ast.expr, frame: str, mask_of: str, k: str, key: str) -> bool:
    """``df[mask]`` or ``df.loc[mask]``."""
    if not isinstance(node, ast.Subscript):
        return False
    base = node.value
    if isinstance(base, ast.Attribute) and base.attr == "loc":
        base = base.value
    return isinstance(base, ast.Name) and base.id == frame and _is_mask(node.slice, frame, mask_of, k, key)


def _group_expr(node: ast.expr, subs: dict[str, None], frame: str, mask_of: str, k: str, key: str, by: str) -> str:
    """The aggregation expression with every per-group aggregation replaced by its groupby Series."""
    def sub_of(n: ast.expr) -> bool:
        return (isinstance(n, ast.Name) and n.id in subs) or _is_selection(n, frame, mask_of, k, key)

    def agg(n: ast.expr) -> str | None:
        # sub[col].agg(), sub.col.agg(), df.loc[mask, col].agg()
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in AGGREGATIONS \
                and not n.args and not n.keywords:
            col = n.func.value
            if isinstance(col, ast.Subscript) and sub_of(col.value) and isinstance(col.slice, ast.Constant) \
                    and isinstance(col.slice.value, str):
                return f"{by}[{col.slice.value!r}].{n.func.attr}()"
            if isinstance(col, ast.Subscript) and isinstance(col.value, ast.Attribute) and col.value.attr == "loc" \
                    and isinstance(col.value.value, ast.Name) and col.value.value.id == frame \
                    and isinstance(col.slice, ast.Tuple) and len(col.slice.elts) == 2 \
                    and _is_mask(col.slice.elts[0], frame, mask_of, k, key) and isinstance(col.slice.elts[1], ast.Constant):
                return f"{by}[{col.slice.elts[1].value!r}].{n.func.attr}()"
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "len" and len(n.args) == 1 \
                and sub_of(n.args[0]):
            return f"{by}.size()"
        if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Attribute) and n.value.attr == "shape" \
                and sub_of(n.value.value) and isinstance(n.slice, ast.Constant) and n.slice.value == 0:
            return f"{by}.size()"
        return None

    def walk(n: ast.expr) -> str:
        found = agg(n)
        if found is not None:
            return f"({found})"
        if isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            return f"({walk(n.left)} {_OPS[type(n.op)]} {walk(n.right)})"
        if isinstance(n, ast.Constant) and isinstance(n.value, (int, float)) and not isinstance(n.value, bool):
            return repr(n.value)
        if isinstance(n, ast.Name) and n.id not in subs and n.id != k:
            return n.id
        raise Decline(f"{ast.unparse(n)} is not an aggregation of the group")

    text = walk(node)
    if "groupby" not in text:
        raise Decline("no aggregation of the group")
    return text


_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


def dict_groupby(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """Counting or summing into a dict over a frame's rows -> ``value_counts`` / ``groupby(...).sum()``.

    Matches ``d = {}`` directly followed by a loop over rows (see
    `engine.rows`) whose whole body is ``d[k] = d.get(k, 0) + v`` (or
    ``if k in d: d[k] += v else: d[k] = v``), k a column and v 1 or a
    per-row value. Keys in first-seen order, the counts or sums as values;
    the original runs when the key or summed column has missing values.
    """
    return rewrite_outer_loops(fn, ctx, _dict_group_edit)


def _dict_group_edit(fn: ast.FunctionDef, loop: ast.For, ctx: Context) -> Edit:
    if loop.orelse or len(loop.body) != 1:
        raise Decline("not one update per round")
    _, d = empty_dict_before(fn, loop)
    key, value = _dict_update(loop.body[0], d)
    rows = row_loop(ctx, loop)
    cols = rows.cols
    cols.varying |= {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
    k = cols.expr(key)
    if k.shape != COL or d in names_loaded([key, value]):
        raise Decline("the key is not a column")
    if read_outside(fn, loop, {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}):
        raise Decline("the loop variables are read after the loop")
    guards = [*rows.guards, *cols.guards, ast.parse(f"({ast.unparse(k.node)}).notna().all()", mode="eval").body]
    if isinstance(value, ast.Constant) and value.value == 1 and type(value.value) is int:
        grouped = call(ast.Attribute(k.node, "value_counts", ast.Load()), sort=const(False))
    else:
        v = cols.expr(value)
        if v.shape != COL:
            raise Decline("the summed value is not a column")
        guards.append(ast.parse(f"({ast.unparse(v.node)}).notna().all()", mode="eval").body)
        grouped = call(ast.Attribute(call(ast.Attribute(v.node, "groupby", ast.Load()), k.node, sort=const(False)),
                                     "sum", ast.Load()))
    g = ctx.fresh(f"{d}_groups")
    new: list[ast.stmt] = [assign(g, grouped),
           assign(d, ast.parse(f"dict(zip({g}.index.tolist(), {g}.tolist()))", mode="eval").body)]
    return guarded(ctx, loop, guards, new)


def _dict_update(stmt: ast.stmt, d: str) -> tuple[ast.expr, ast.expr]:
    """(key, added value) of ``d[k] = d.get(k, 0) + v`` or the ``if k in d`` form."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Subscript) \
            and isinstance(stmt.targets[0].value, ast.Name) and stmt.targets[0].value.id == d \
            and isinstance(stmt.value, ast.BinOp) and isinstance(stmt.value.op, ast.Add):
        key = stmt.targets[0].slice
        got = ast.parse(f"{d}.get(K, 0)", mode="eval").body
        left = copy.deepcopy(stmt.value.left)
        if isinstance(left, ast.Call) and len(left.args) == 2:
            left.args[0] = ast.Name("K", ast.Load())
        if same(left, got):
            return key, stmt.value.right
    if isinstance(stmt, ast.If) and isinstance(stmt.test, ast.Compare) and len(stmt.test.ops) == 1 \
            and isinstance(stmt.test.ops[0], (ast.In, ast.NotIn)) and isinstance(stmt.test.comparators[0], ast.Name) \
            and stmt.test.comparators[0].id == d and len(stmt.body) == 1 and len(stmt.orelse) == 1:
        key = stmt.test.left
        plus, first = (stmt.body[0], stmt.orelse[0]) if isinstance(stmt.test.ops[0], ast.In) else \
            (stmt.orelse[0], stmt.body[0])
        item = ast.Subscript(name(d), copy.deepcopy(key), ast.Store())
        if isinstance(plus, ast.AugAssign) and isinstance(plus.op, ast.Add) and same(plus.target, item) \
                and isinstance(first, ast.Assign) and len(first.targets) == 1 and same(first.targets[0], item) \
                and same(first.value, plus.value):
            return key, plus.value
    raise Decline("the loop body is not a dict count or sum")


__all__ = ["dict_groupby", "unique_groupby"]

"""Per-group loops over a frame -> ``groupby``.

``unique-groupby``: a loop over ``df[key].unique()`` (or ``sorted(...)`` of
it) that, for each key, selects the rows with a boolean mask and stores an
aggregation of them in a dict -> one ``groupby(key, sort=False)`` whose
aggregations fill the dict under unique()'s own keys, in the loop's order.
A key that no row equals (NaN, None, NaT: the mask selects nothing) gets
what the loop body gives it, by running the body for that key.

``dict-groupby``: counting or summing into a dict over a frame's rows
(``d[k] = d.get(k, 0) + 1``, ``+ v``, or the ``if k in d`` form) ->
``value_counts``/``groupby(..).sum()`` in first-seen key order.

Keys and values come out as the loop makes them (the same keys, of the same
types, in the same order; equal values, a group's mean of no values the
Python float NaN the loop's mean() gives). Whether a key is missing is told
by the grouping itself (its groups' sizes sum to the rows' count when every
row has a key), not by a scan of the key column: unique-groupby then takes
the keys from the groups' index, and runs the loop body for a missing key.
For dict-groupby NaN keys are where the two differ (each NaN a loop reads is
a key of its own), so the original runs when a key is missing, or a summed
value is.
"""
from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass, field

from ..engine.build import assign, call, const, name, parse_expr, same
from ..engine.columns import COL, Columns
from ..engine.context import Context
from ..engine.loops import empty_dict_before, read_outside, rewrite_outer_loops
from ..engine.names import names_loaded, names_stored
from ..engine.rewrite import Decline, Edit, Rewrite
from ..engine.rows import _range_subject, column_of, guarded, guarded_after, plain_field, row_loop
from ..engine.schema import column_dtypes, group_key, numpy_number, values_dtypes


def unique_groupby(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """A loop over ``df[key].unique()`` with a mask and aggregations -> ``groupby(key, sort=False)``.

    Matches ``for k in df[key].unique():`` (or ``sorted(...)`` of it) whose
    body may first name the round's mask (``m = df[key] == k``), its rows
    (``sub = df[m]``, ``df.loc[m]``) or one column of them (``v = df.loc[m, col]``,
    ``sub[col]``, ``df[col][m]``), then stores ``d[k] = e``, e arithmetic over
    aggregations of the group: ``sub[col].sum()`` (mean, max, min, count,
    median, std, var, nunique, prod), ``len(sub)``, ``sub.shape[0]``. d must be
    empty just before (``d = {}``); the names the body sets are not read after
    the loop. The keys are unique()'s own values, so they have the types the
    loop gives them; a key no row equals (NaN, None, NaT: ``df[key] == k``
    selects nothing) gets what the loop body gives an empty group, by running it.
    """
    return rewrite_outer_loops(fn, ctx, _unique_edit)


AGGREGATIONS = {"sum", "mean", "max", "min", "count", "median", "std", "var", "nunique", "prod"}
PYTHON_INTS = {"nunique"}  # aggregations whose value the loop gets as a Python int (as len() is)
NEVER_MISSING = re.compile(r"u?int(8|16|32|64)|bool")  # numpy key dtypes with no NaN-like value (not Int64, boolean)
# key dtypes whose groups' index (to_numpy) gives the scalars unique() gives: the same types, the same values
INDEX_KEEPS_SCALARS = {f"{u}int{b}" for u in ("", "u") for b in (8, 16, 32, 64)} | {"float32", "float64", "bool", "str"}


@dataclass
class _Round:
    """What one round of the loop names: the key, the group's mask, its rows, single columns of them."""

    frame: str
    key: str
    k: str
    masks: set[str] = field(default_factory=set)
    rows: set[str] = field(default_factory=set)
    columns: dict[str, str] = field(default_factory=dict)

    def is_mask(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Name) and node.id in self.masks:
            return True
        if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq)):
            return False
        sides = [node.left, node.comparators[0]]
        return any(isinstance(a, ast.Name) and a.id == self.k and self.is_key_column(b) for a, b in (sides, sides[::-1]))

    def is_key_column(self, node: ast.expr) -> bool:
        return self._whole_column(node) == self.key

    def _whole_column(self, node: ast.expr) -> str | None:
        """The column of ``df["c"]`` / ``df.c`` (the whole frame's)."""
        if isinstance(node, ast.Subscript) and _is_name(node.value, self.frame) and _text(node.slice):
            return node.slice.value  # type: ignore[attr-defined,no-any-return]
        if isinstance(node, ast.Attribute) and _is_name(node.value, self.frame) and plain_field(node.attr):
            return node.attr
        return None

    def is_rows(self, node: ast.expr) -> bool:
        """The group's rows: a name holding them, ``df[mask]``, ``df.loc[mask]``."""
        if isinstance(node, ast.Name):
            return node.id in self.rows
        if not isinstance(node, ast.Subscript):
            return False
        base = node.value.value if isinstance(node.value, ast.Attribute) and node.value.attr == "loc" else node.value
        return _is_name(base, self.frame) and self.is_mask(node.slice)

    def column(self, node: ast.expr) -> str | None:
        """The column of the group's rows that *node* is: ``sub["c"]``, ``sub.c``, ``df.loc[mask, "c"]``,
        ``df["c"][mask]``, ``df.c[mask]``, or a name holding one."""
        if isinstance(node, ast.Name):
            return self.columns.get(node.id)
        if isinstance(node, ast.Attribute) and self.is_rows(node.value) and plain_field(node.attr):
            return node.attr
        if not isinstance(node, ast.Subscript):
            return None
        if self.is_rows(node.value) and _text(node.slice):
            return node.slice.value  # type: ignore[attr-defined,no-any-return]
        if isinstance(node.value, ast.Attribute) and node.value.attr == "loc" and _is_name(node.value.value, self.frame) \
                and isinstance(node.slice, ast.Tuple) and len(node.slice.elts) == 2 \
                and self.is_mask(node.slice.elts[0]) and _text(node.slice.elts[1]):
            return node.slice.elts[1].value  # type: ignore[attr-defined,no-any-return]
        if self.is_mask(node.slice):
            return self._whole_column(node.value)
        return None

    def bind(self, stmt: ast.stmt) -> bool:
        """Note what ``name = value`` names, if it is the mask, the rows or a column of them."""
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            return False
        target, value = stmt.targets[0].id, stmt.value
        if target in (self.k, self.frame) or target in self.masks | self.rows | set(self.columns):
            return False
        column = self.column(value)
        if column is not None:
            self.columns[target] = column
        elif self.is_rows(value):
            self.rows.add(target)
        elif self.is_mask(value):
            self.masks.add(target)
        else:
            return False
        return True


def _is_name(node: ast.expr, id_: str) -> bool:
    return isinstance(node, ast.Name) and node.id == id_


def _text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _unique_edit(fn: ast.FunctionDef, loop: ast.For, ctx: Context) -> Edit:
    frame, key, sort = _unique_keys(ctx, loop.iter)
    if not isinstance(loop.target, ast.Name) or loop.orelse:
        raise Decline("not `for k in ...unique():`")
    rnd = _Round(frame, key, loop.target.id)
    body = list(loop.body)
    while len(body) > 1 and rnd.bind(body[0]):
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], ast.Assign) or len(body[0].targets) != 1:
        raise Decline("the loop body is not `d[k] = aggregation`")
    target = body[0].targets[0]
    if not (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and _is_name(target.slice, rnd.k)):
        raise Decline("the result is not stored under the key")
    result = target.value.id
    if empty_dict_before(fn, loop)[1] != result:
        raise Decline(f"{result} is not an empty dict just before the loop")
    named = {rnd.k, *rnd.masks, *rnd.rows, *rnd.columns}
    if read_outside(fn, loop, named):
        raise Decline("the key or a name the loop body sets is read after the loop")
    if result in names_loaded([body[0].value]) or frame in names_stored(loop.body):
        raise Decline("the loop body reads the dict it fills, or changes the frame")
    key_dtypes = _key_dtypes(ctx, frame, key)
    if sort and any(d.startswith("category") for d in key_dtypes):
        raise Decline("sorted() of categories sorts by value, groupby by the categories' order")
    base = ctx.fresh(f"{result}_by_{key}" if key.isidentifier() else f"{result}_groups")
    groups = ctx.fresh(f"{base}_groups")
    value, python_ints = _group_expr(body[0].value, rnd, groups, ctx)
    values = f"{base}.{'tolist' if python_ints else 'to_numpy'}()"
    pd = ctx.module("pandas")
    by = ast.unparse(group_key(ctx, parse_expr(f"{frame}[{key!r}]")))  # not the label: an index level may share it
    new = [f"{groups} = {frame}.groupby({by}, sort=False, observed=True)", f"{base} = {value}"]
    mean_of = _mean_column(body[0].value, rnd)
    if mean_of is not None:  # a group with no values: the loop's mean() is a Python float NaN (np.float64 else)
        m, n, got = ctx.fresh("mean"), ctx.fresh("n"), ctx.fresh(f"{result}_values")
        new += [f"{got} = {values}",
                f"if {base}.hasnans:\n    {got} = [float('nan') if {n} == 0 else {m} for {m}, {n} in zip({got}, "
                f"{groups}[{mean_of!r}].count().to_numpy())]"]
        values = got
    can_miss = not all(NEVER_MISSING.fullmatch(d) for d in key_dtypes)
    keys_text = ast.unparse(loop.iter)
    indexed = all(d in INDEX_KEEPS_SCALARS for d in key_dtypes)  # the groups' index holds unique()'s very values
    group_keys = f"{base}.index.to_numpy()" if indexed else keys_text
    if not sort and not can_miss:
        new.append(f"{result}.update(zip({group_keys}, {values}))")
        return guarded(ctx, loop, [], [_stmt(s) for s in new])
    found = ctx.fresh(f"{result}_found")
    found_keys = f"{base}.index.to_numpy()" if indexed else f"{base}.index"
    new.append(f"{found} = dict(zip({found_keys}, {values}))")
    lookup = ast.parse(f"{result}[{rnd.k}] = {found}[{rnd.k}]").body
    each: list[ast.stmt] = [ast.If(ast.parse(f"{pd}.isna({rnd.k}) is True", mode="eval").body,
                                   copy.deepcopy(loop.body), lookup)] if can_miss else lookup
    per_key: list[ast.stmt] = [ast.For(target=copy.deepcopy(loop.target), iter=copy.deepcopy(loop.iter), body=each,
                                       orelse=[], lineno=0)]
    if indexed:  # the groups' keys are unique()'s (sorted, if the loop sorts them) when every row is in a group
        k = rnd.k
        fast = [_stmt(f"{result}.update({{{k}: {found}[{k}] for {k} in sorted({found})}})") if sort
                else _stmt(f"{result}.update({found})")]
        if not can_miss:
            return guarded(ctx, loop, [], [_stmt(s) for s in new] + fast)
        every_row = _expr(f"{groups}.size().sum() == len({frame})")  # no key is missing: the usual case
        return guarded(ctx, loop, [], [_stmt(s) for s in new] + [ast.If(every_row, fast, per_key)])
    if sort or not can_miss:
        return guarded(ctx, loop, [], [_stmt(s) for s in new] + per_key)
    keys = ctx.fresh(f"{result}_keys")
    fast = [_stmt(f"{result}.update(zip({keys}, {values}))")]
    stmts = [_stmt(s) for s in new[:-1]] + [_stmt(f"{keys} = {keys_text}"),
                                            ast.If(_expr(f"len({keys}) == len({base})"), fast,
                                                   [_stmt(new[-1]), *per_key])]
    return guarded(ctx, loop, [], stmts)


def _mean_column(value: ast.expr, rnd: _Round) -> str | None:
    """The column of ``d[k] = <group's column>.mean()``, else None."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "mean" \
            and not value.args and not value.keywords:
        return rnd.column(value.func.value)
    return None


def _stmt(code: str) -> ast.stmt:
    return ast.parse(code).body[0]


def _expr(code: str) -> ast.expr:
    return ast.parse(code, mode="eval").body


def _key_dtypes(ctx: Context, frame: str, key: str) -> list[str]:
    """The dtypes the key column had in the live calls (see `engine.schema`)."""
    found = {dtype for schema in ctx.schemas(frame) for label, dtype in schema if label == repr(key)}
    if not found:
        raise Decline(f"the dtype of {frame}[{key!r}] is not known")
    return sorted(found)


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


def _group_expr(node: ast.expr, rnd: _Round, groups: str, ctx: Context) -> tuple[str, bool]:
    """The aggregation expression with every per-group aggregation replaced by its groupby Series,
    and whether the loop's value is a Python number (every aggregation in it is: len(), nunique()).

    Arithmetic on Python numbers alone is Python's (a division by a count of 0 raises, ints do not wrap):
    when the whole value is such arithmetic it runs on object Series, one Python operation per group;
    inside a value with numpy numbers too it declines. A numpy number meets a Python one (``x.sum() / len(sub)``)
    as in the loop only when the Series hold the dtype the loop's scalar has: its column is int64, float64
    or bool."""
    kinds: list[bool] = []  # per aggregation: the loop gets a Python int
    columns: list[str] = []  # per aggregation: the column it reads ("" for the group's size)
    as_objects = [False]
    python_ops: list[bool] = []  # per arithmetic operation: on two Python numbers

    def agg(n: ast.expr) -> str | None:
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in AGGREGATIONS \
                and not n.args and not n.keywords:
            col = rnd.column(n.func.value)
            if col is not None:
                _aggregable(ctx, rnd.frame, col, n.func.attr)
                kinds.append(n.func.attr in PYTHON_INTS)
                columns.append(col)
                return f"{groups}[{col!r}].{n.func.attr}()"
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "len" and len(n.args) == 1 \
                and not n.keywords and (rnd.is_rows(n.args[0]) or rnd.column(n.args[0]) is not None):
            kinds.append(True)
            columns.append("")
            return f"{groups}.size()"
        if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Attribute) and n.value.attr == "shape" \
                and rnd.is_rows(n.value.value) and isinstance(n.slice, ast.Constant) and n.slice.value == 0:
            kinds.append(True)
            columns.append("")
            return f"{groups}.size()"
        return None

    def walk(n: ast.expr) -> tuple[str, bool]:  # the code, and whether the loop's value is a Python number
        seen = len(kinds)
        found = agg(n)
        if found is not None:
            python = kinds[-1]
            return (f"({found}.astype(object))" if python and as_objects[0] else f"({found})"), python
        if isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            (left, lpy), (right, rpy) = walk(n.left), walk(n.right)
            if lpy != rpy and not all(_loop_dtype_kept(ctx, rnd.frame, c) for c in columns[seen:] if c):
                raise Decline("a Python number (len(), nunique()) with an aggregation of a column whose dtype "
                              "the groupby Series does not keep in the arithmetic")
            python_ops.append(lpy and rpy)
            return f"({left} {_OPS[type(n.op)]} {right})", lpy and rpy
        if isinstance(n, ast.Constant) and isinstance(n.value, (int, float)) and not isinstance(n.value, bool):
            return repr(n.value), True
        if isinstance(n, ast.Name) and n.id not in {rnd.k, rnd.frame, *rnd.masks, *rnd.rows, *rnd.columns}:
            return n.id, {k.type for k in ctx.kinds_of(n.id)} <= {"int", "float"} and bool(ctx.kinds_of(n.id))
        raise Decline(f"{ast.unparse(n)} is not an aggregation of the group")

    text, python = walk(node)
    if not kinds:
        raise Decline("no aggregation of the group")
    if python and isinstance(node, ast.BinOp):  # Python arithmetic: on object Series, as the loop does it
        kinds.clear()
        columns.clear()
        as_objects[0] = True
        text, python = walk(node)
    elif any(python_ops):
        raise Decline("arithmetic of Python numbers (len(), nunique()) inside a value with numpy numbers")
    return text, all(kinds)


def _aggregable(ctx: Context, frame: str, col: str, how: str) -> None:
    """Aggregations whose groupby values are the loop's (the same type, NaN, NaT or NA alike): any over numpy
    numbers, count() and nunique() over any column, max() and min() over text."""
    dtypes = {d for schema in ctx.schemas(frame) for label, d in schema if label == repr(col)}
    if dtypes and (how in ("count", "nunique") or all(numpy_number(d) for d in dtypes)
                   or (how in ("max", "min") and dtypes == {"str"})):
        return
    raise Decline(f"{how}() of a column of dtype {', '.join(sorted(dtypes)) or 'unknown'}: groupby's values "
                  "are not the loop's (a Timestamp, NA, or another error)")


def _loop_dtype_kept(ctx: Context, frame: str, col: str) -> bool:
    return all(d in ("int64", "float64", "bool") for schema in ctx.schemas(frame) for label, d in schema
               if label == repr(col))


_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


def dict_groupby(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """Counting or summing into a dict over a frame's rows -> ``value_counts`` / ``groupby(...).sum()``.

    Matches ``d = {}`` directly followed by a loop over rows (see
    `engine.rows`) whose body is ``d[k] = d.get(k, 0) + v`` (or
    ``if k in d: d[k] += v else: d[k] = v``), k a column and v 1 or a
    per-row value, after the round's temporaries that it reads, if any
    (``k = row["region"]``). Keys in first-seen order, the counts or sums as values;
    the original runs when the key or summed column has missing values.
    """
    return rewrite_outer_loops(fn, ctx, _dict_group_edit)


def _dict_group_edit(fn: ast.FunctionDef, loop: ast.For, ctx: Context) -> Edit:
    if loop.orelse or not loop.body:
        raise Decline("not one update per round")
    *temporaries, update = loop.body
    _, d = empty_dict_before(fn, loop)
    key, value = _dict_update(update, d)
    rows = row_loop(ctx, loop)
    cols = rows.cols
    cols.varying |= {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
    held = _temporaries(fn, loop, temporaries, [key, value], d, cols)
    k = cols.expr(key)
    if k.shape != COL or d in names_loaded([key, value]):
        raise Decline("the key is not a column")
    if read_outside(fn, loop, {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}):
        raise Decline("the loop variables are read after the loop")
    guards = [*rows.guards, *cols.guards]
    key_dtypes = values_dtypes(ctx, k.node)
    can_miss = not key_dtypes or not all(NEVER_MISSING.fullmatch(d) for d in key_dtypes)
    by = group_key(ctx, k.node)
    counting = isinstance(value, ast.Constant) and value.value == 1 and type(value.value) is int
    if counting:  # not value_counts(sort=False): it gives a categorical's counts in the categories' order
        summed = k.node
    else:
        v = cols.expr(value)
        if v.shape != COL:
            raise Decline("the summed value is not a column")
        guards.append(ast.parse(f"({ast.unparse(v.node)}).notna().all()", mode="eval").body)
        guards.extend(_exact_sum(ctx, v.node, plain=isinstance(update, ast.Assign)))
        summed = v.node
    grouping = call(ast.Attribute(summed, "groupby", ast.Load()), by, sort=const(False), observed=const(True))
    label = _label_of(k.node)
    g = ctx.fresh(f"{d}_by_{label}")
    scalars = _read_scalars(ctx, loop, _Inlined(held).visit(copy.deepcopy(key)))
    keys = {ITERATED: f"{g}.index", NUMPY: f"{g}.index.to_numpy()", PYTHON: f"{g}.index.tolist()"}[scalars]
    values = f"{g}.tolist()" if scalars != NUMPY or counting else f"{g}.to_numpy()"
    result = assign(d, _expr(f"dict(zip({keys}, {values}))"))
    if not can_miss:
        return guarded(ctx, loop, guards, [assign(g, call(ast.Attribute(grouping, "size" if counting else "sum",
                                                                         ast.Load()))), result])
    # each missing key the loop reads may be a key of its own (a float NaN is a new object each time): the
    # original runs when a row is in no group (the grouping tells; a column's isna() takes longer)
    length = ast.unparse(rows.length)
    if counting:
        return guarded_after(ctx, loop, guards, g, call(ast.Attribute(grouping, "size", ast.Load())),
                             f"{g}.sum() == {length}", [result])
    groups = ctx.fresh(f"{label}_groups")
    return guarded_after(ctx, loop, guards, groups, grouping, f"{groups}.size().sum() == {length}",
                         [assign(g, _expr(f"{groups}.sum()")), result])


def _temporaries(fn: ast.FunctionDef, loop: ast.For, statements: list[ast.stmt], update: list[ast.expr], d: str,
                 cols: Columns) -> dict[str, ast.expr]:
    """The round's temporaries before its update (``key = row["region"]``), each a per-row value the update
    reads, translated into *cols* as the row-loop rule translates them; by name, each value with the
    temporaries it reads put in. Anything else before the update, a temporary the update does not read
    (the loop would still compute it, and might raise), one read after the loop, and one that reads the
    dict, itself or a later temporary (the value of an earlier round: the names the round stores, and the
    dict, vary from round to round) declines."""
    stored = {s.targets[0].id for s in statements if isinstance(s, ast.Assign) and len(s.targets) == 1
              and isinstance(s.targets[0], ast.Name)}
    cols.varying |= stored | {d}  # untranslatable until the round has set them
    held: dict[str, ast.expr] = {}
    for statement in statements:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)) or statement.targets[0].id in (d, *held):
            raise Decline("not one update per round")
        cols.set_temporary(statement.targets[0].id, cols.expr(statement.value))
        held[statement.targets[0].id] = _Inlined(held).visit(copy.deepcopy(statement.value))
    read = names_loaded(update) | names_loaded([s.value for s in statements if isinstance(s, ast.Assign)])
    if any(n not in read for n in held):
        raise Decline("a temporary of the round that the update does not read")
    if read_outside(fn, loop, set(held)):
        raise Decline("a temporary of the round is read after the loop")
    return held


class _Inlined(ast.NodeTransformer):
    """An expression with the round's temporaries it reads replaced by their values."""

    def __init__(self, held: dict[str, ast.expr]):
        self.held = held

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return copy.deepcopy(self.held[node.id]) if node.id in self.held and isinstance(node.ctx, ast.Load) else node


def _label_of(column: ast.expr) -> str:
    """A name for what a column holds: its label (``df["city"]``, ``df["city"].astype(t)``), or "key"."""
    if isinstance(column, ast.Call) and isinstance(column.func, ast.Attribute):
        column = column.func.value
    if isinstance(column, ast.Subscript) and isinstance(column.slice, ast.Constant) \
            and isinstance(column.slice.value, str) and column.slice.value.isidentifier():
        return column.slice.value
    return column.id if isinstance(column, ast.Name) else "key"


def _exact_sum(ctx: Context, values: ast.expr, plain: bool) -> list[ast.expr]:
    """Tests that groupby's sum is the loop's: the values are float64 (a float32 column's loop adds Python
    floats; groupby adds float64 with compensated summation, so a float sum is the loop's up to rounding,
    which verification allows for a reordered sum, not bit for bit), int64 whose sums cannot wrap (the
    loop's Python ints grow: a run-time range test), or bool added to 0 (``d.get(k, 0) + v``; the
    ``if k in d`` form keeps a one-row group's True). A column read of another dtype declines; a computed
    value's dtype is tested at run time."""
    v = ast.unparse(values)
    allowed = {"float64", "int64", "bool"} if plain else {"float64", "int64"}
    dtypes = column_dtypes(ctx, values)  # a column read's: the schema guard lets only these through
    if dtypes and not dtypes <= allowed:
        raise Decline(f"a sum of {', '.join(sorted(dtypes))} values: the loop adds Python numbers, groupby "
                      "adds in the column's dtype")
    tests = [] if dtypes else [f"str(({v}).dtype) in {tuple(sorted(allowed))!r}"]
    if not dtypes or "int64" in dtypes:
        wraps = f"max(-int(({v}).min()), int(({v}).max())) * len({v}) < 2 ** 63"
        tests.append(f"(not len({v}) or {wraps})" if dtypes == {"int64"} else
                     f"(str(({v}).dtype) != 'int64' or not len({v}) or {wraps})")
    return [parse_expr(t) for t in tests]


ITERATED, NUMPY, PYTHON = "iterated", "numpy", "python"  # how a loop's reads give values (see _read_scalars)


def _read_scalars(ctx: Context, loop: ast.For, key: ast.expr) -> str:
    """What a round's read of the key gives, in terms of the grouped Series' index: what iterating
    a column gives (``for x in s``, ``zip``, ``itertuples``: iterating the index gives the same); a numpy
    scalar (``to_numpy()``'s elements: a cell, ``s.iloc[i]``, a field of a row of numbers, or of a row
    ``df.iloc[i]`` takes out of a frame of mixed dtypes); or the Python object an ``iterrows`` row of
    mixed dtypes holds (``tolist()``'s)."""
    it = loop.iter
    whole_row = isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr == "iterrows"
    by_position = isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range"
    if not whole_row and not by_position:
        return ITERATED
    frame = ast.unparse(it.func.value) if whole_row else _range_subject(it)  # type: ignore[attr-defined,arg-type]
    if frame is None:
        raise Decline("a range over something other than a frame's length")
    schemas = ctx.schemas(frame)
    rows = {_row_holds([d for _, d in s]) for s in schemas}
    if whole_row or _reads_row(key):
        if rows == {NUMPY}:
            return NUMPY
        if whole_row:
            if rows != {PYTHON}:
                raise Decline("the rows hold numpy numbers in some calls, other values in others")
            return PYTHON
    dtypes = {d for s in schemas for label, d in s if label == repr(_cell_column(key))}
    if not dtypes or not all(numpy_number(d) or d in ("object", "str") for d in dtypes):
        raise Decline("a key read from a cell of a dtype whose scalars the rewrite cannot give")
    return NUMPY


def _reads_row(key: ast.expr) -> bool:
    """``df.iloc[i]["c"]`` / ``df.loc[i]["c"]``: a field of a whole row."""
    return isinstance(key, ast.Subscript) and isinstance(key.value, ast.Subscript) \
        and isinstance(key.value.value, ast.Attribute) and key.value.value.attr in ("iloc", "loc")


def _cell_column(key: ast.expr) -> str | None:
    """The column of a cell read ``df.at[i, "c"]``, ``df["c"][i]``, ``df["c"].iloc[i]``."""
    for node in ast.walk(key):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
    return None


def _row_holds(dtypes: list[str]) -> str | None:
    """What a row of these dtypes holds: numpy numbers (one numpy dtype, or numbers pandas upcasts), Python
    objects (a row of object or str dtype: mixed dtypes, or all text), or None: something else."""
    if all(numpy_number(d) for d in dtypes) and (len(set(dtypes)) == 1 or "bool" not in dtypes):
        return NUMPY
    if len(set(dtypes)) > 1 or dtypes[0] in ("object", "str"):
        return PYTHON
    return None


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

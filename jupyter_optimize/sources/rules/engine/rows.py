"""Loops over a frame's rows: what one round reads, and what the whole loop computes.

`row_loop` recognises the ways notebooks walk a frame or Series row by row
(``iterrows``, ``itertuples``, ``range(len(df))`` with ``.at``/``.loc``/
``.iloc``/``[i]``, ``zip`` of columns, a column itself) and gives a
`Columns` translator whose field reads are the whole columns, plus the
guards under which the columns hold what the rounds would have seen.

`Round` then runs the loop body symbolically, once for all rows: temporaries
become column expressions, ``if`` statements become ``np.where`` (or a
filter, when only one branch appends), ``out.append(e)`` becomes one list,
``acc += e`` a cumulative sum (in the loop's order, so float sums round the
same way), ``s += text`` one ``"".join``.
"""
from __future__ import annotations

import ast
import copy
import dataclasses
import sys
from dataclasses import dataclass, field

import numpy

from .bind import Namer, bind_repeats
from .build import assign, call, const, name, parse_expr, same
from .columns import ARR, BOOL, COL, CONST, NUMBER, TEXT, Columns, Labels, Tr
from .context import Context
from .edits import guarded_replace, has_multiline_string, indent_of, owns_lines, render, replace_expr, replace_stmts
from .names import mutated_names, names_loaded, names_stored
from .rewrite import Decline, Edit
from .schema import column_dtypes, is_schema_guard, numpy_number, pandas_names, schema_guards

LABEL, POSITION = "label", "position"
ROW_LABEL, ROW_POSITION = "row by label", "row by position"  # df.loc[i]["c"], df.iloc[i]["c"]: a whole row, upcast


@dataclass
class RowLoop:
    """One loop over rows: the translator of its field reads, and what they need to hold."""

    cols: Columns
    length: ast.expr  # the number of rounds
    guards: list[ast.expr] = field(default_factory=list)
    frame: str = ""  # the frame whose cells a round may write: ``df.at[key, "c"] = v``
    key: str = ""  # the name that says the round's row in such a write
    on_write: list[ast.expr] = field(default_factory=list)  # what writes need (a unique index, 0..n-1)


def frame_kind(ctx: Context, node: ast.expr) -> str | None:
    """"DataFrame" or "Series" when *node* is a name that always held one."""
    if isinstance(node, ast.Name):
        kind = ctx.kind(node.id)
        if kind is not None and kind.type in ("DataFrame", "Series"):
            return kind.type
    return None


def column_of(ctx: Context, node: ast.expr) -> ast.expr | None:
    """``df["c"]``, ``df.c`` (df a DataFrame) or a Series name, with .values/.to_numpy()/.tolist() dropped."""
    if isinstance(node, ast.Call) and not node.args and not node.keywords and isinstance(node.func, ast.Attribute) \
            and node.func.attr in ("to_numpy", "tolist", "to_list"):
        node = node.func.value
    elif isinstance(node, ast.Attribute) and node.attr == "values":
        node = node.value
    if frame_kind(ctx, node) == "Series":
        return node
    if isinstance(node, ast.Subscript) and frame_kind(ctx, node.value) == "DataFrame" and _text(node.slice):
        return node
    if isinstance(node, ast.Attribute) and frame_kind(ctx, node.value) == "DataFrame" and plain_field(node.attr):
        return ast.Subscript(node.value, const(node.attr), ast.Load())
    return None


def frame_of(column: ast.expr) -> str:
    """The name of the frame (or Series) a column expression reads."""
    return column.id if isinstance(column, ast.Name) else frame_of(column.value)  # type: ignore[attr-defined]


def _text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def plain_field(attr: str) -> bool:
    """An attribute that reads a column, not a method or property of frames and Series."""
    pd = sys.modules.get("pandas")
    if pd is None:
        return False
    return not attr.startswith("_") and not hasattr(pd.Series, attr) and not hasattr(pd.DataFrame, attr)


def _column(frame: str, col: str) -> ast.expr:
    return ast.Subscript(name(frame), const(col), ast.Load())


def row_loop(ctx: Context, loop: ast.For) -> RowLoop:
    """The rows *loop* walks, or Decline."""
    it, target = loop.iter, loop.target
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and frame_kind(ctx, it.func.value) == "DataFrame":
        frame = it.func.value.id  # type: ignore[attr-defined]
        if it.func.attr == "iterrows" and not it.args and not it.keywords:
            if not (isinstance(target, ast.Tuple) and len(target.elts) == 2
                    and all(isinstance(e, ast.Name) for e in target.elts)):
                raise Decline("iterrows without `for label, row in`")
            label = target.elts[0].id  # type: ignore[attr-defined]
            if label in names_loaded(_outside_writes(loop.body, frame, label)):
                raise Decline("the loop reads the row's label")
            view = _row_view(ctx, frame, target.elts[1].id)  # type: ignore[attr-defined]
            view.frame, view.key = frame, label
            view.on_write.append(parse_expr(f"{frame}.index.is_unique"))
            return view
        if it.func.attr == "itertuples" and not it.args and all(
                k.arg == "index" and isinstance(k.value, ast.Constant) for k in it.keywords):
            if not isinstance(target, ast.Name):
                raise Decline("itertuples unpacked into names")
            return _tuple_view(ctx, frame, target.id)
    if _is_range_of_len(ctx, it) and isinstance(target, ast.Name):
        return _position_view(ctx, _range_subject(it), target.id)  # type: ignore[arg-type]
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "zip" and not it.keywords:
        columns = [column_of(ctx, a) for a in it.args]
        if not columns or None in columns or not isinstance(target, ast.Tuple) or len(target.elts) != len(columns) \
                or not all(isinstance(e, ast.Name) for e in target.elts):
            raise Decline("zip of something other than columns of one frame")
        if len({frame_of(c) for c in columns if c is not None}) != 1:
            raise Decline("zip of columns of different frames (the rows might not line up)")
        return _values_view(ctx, {e.id: c for e, c in zip(target.elts, columns)})  # type: ignore[attr-defined,misc]
    column = column_of(ctx, it)
    if column is not None and isinstance(target, ast.Name):
        return _values_view(ctx, {target.id: column})
    raise Decline("not a loop over a frame's rows")


def write_target(node: ast.expr, frame: str, key: str) -> str | None:
    """The column of ``frame.at[key, "c"]`` / ``frame.loc[key, "c"]``, else None."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr in ("at", "loc") \
            and isinstance(node.value.value, ast.Name) and node.value.value.id == frame \
            and isinstance(node.slice, ast.Tuple) and len(node.slice.elts) == 2 \
            and isinstance(node.slice.elts[0], ast.Name) and node.slice.elts[0].id == key and _text(node.slice.elts[1]):
        return node.slice.elts[1].value  # type: ignore[attr-defined,no-any-return]
    return None


def _outside_writes(body: list[ast.stmt], frame: str, key: str) -> list[ast.AST]:
    """The body's nodes, with the targets of cell writes taken out."""
    out: list[ast.AST] = []
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):
        if isinstance(node, ast.Assign):
            out += [t for t in node.targets if write_target(t, frame, key) is None] + [node.value]
        elif isinstance(node, ast.expr) and not isinstance(node, ast.Name):
            continue
        elif isinstance(node, ast.stmt) and not isinstance(node, ast.Assign):
            out += [c for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)]
    return out


def _cols(ctx: Context, reader: object, index: ast.expr) -> Columns:
    cols = Columns(ctx, reader)  # type: ignore[arg-type]
    cols.index = index
    return cols


def _index(frame: str) -> ast.expr:
    return ast.Attribute(name(frame), "index", ast.Load())


def _length(frame: str) -> ast.expr:
    return call("len", name(frame))


def _row_view(ctx: Context, frame: str, row: str) -> RowLoop:
    read_cols: set[str] = set()

    def read(node: ast.expr) -> ast.expr | None:
        col = _field_of(node, row)
        if col is None:
            return None
        read_cols.add(col)
        return row_type.column(col)

    check_rows_plain(ctx, frame)
    row_type = RowType.of(ctx, frame)
    cols = _cols(ctx, read, _index(frame))
    cols.varying.add(row)
    return RowLoop(cols, _length(frame), [*row_type.guards(ctx), _has_columns(frame, read_cols)])


def _plain_numbers(ctx: Context, frame: str) -> str:
    """True when every column is a numpy int or float: a row of them holds the columns' common type."""
    return f"all(isinstance(t, {ctx.module('numpy')}.dtype) and t.kind in 'iuf' for t in {frame}.dtypes)"


@dataclass
class RowType:
    """The type a whole row (``iterrows``, ``df.iloc[i]``) gives its fields.

    A row of plain numbers of several dtypes holds their common type (ints become floats), any other row
    each column's own values. The rewrite runs only on frames with a live call's dtypes (see `engine.schema`),
    so when every live call's frame gives the same answer it is fixed here (*fixed*: the dtype to cast the
    columns to, or None); otherwise the guard finds it out, in the variable *name*.
    """

    frame: str
    known: bool
    fixed: str | None = None
    name: str = ""

    @classmethod
    def of(cls, ctx: Context, frame: str) -> RowType:
        found = {_common_row_type([d for _, d in schema]) for schema in ctx.schemas(frame)}
        if len(found) == 1 and UNKNOWN_ROW_TYPE not in found:
            return cls(frame, True, found.pop())
        return cls(frame, False, name=ctx.fresh(f"{frame}_row_type"))

    def guards(self, ctx: Context) -> list[ast.expr]:
        return [] if self.known else [row_types_known(ctx, self.frame, self.name)]

    def column(self, col: str) -> ast.expr:
        """The row's field *col*, as a column."""
        frame = self.frame
        if self.known:
            return parse_expr(f"{frame}[{col!r}]" if self.fixed is None else f"{frame}[{col!r}].astype({self.fixed!r})")
        return parse_expr(f"({frame}[{col!r}] if {self.name} is None else {frame}[{col!r}].astype({self.name}))")


UNKNOWN_ROW_TYPE = "?"
NOT_NUMBERS = ("object", "str", "string", "category")  # dtypes that make a row hold objects


def _common_row_type(dtypes: list[str]) -> str | None:
    """What `row_types_known` finds for a frame of these dtypes: the common dtype of plain numbers of several
    dtypes, None when a row keeps each column's values, UNKNOWN_ROW_TYPE when the guard cannot say here."""
    if len(set(dtypes)) == 1:
        return None
    if all(numpy_number(d) and numpy.dtype(d).kind in "iuf" for d in dtypes):
        return str(numpy.result_type(*dtypes))
    if any(d.startswith(NOT_NUMBERS) for d in dtypes):
        return None
    return UNKNOWN_ROW_TYPE


def row_types_known(ctx: Context, frame: str, row_type: str) -> ast.expr:
    """The rows' field types are known: plain numbers (their common type, kept in *row_type*), one dtype,
    or some column that is not a number (the row holds objects, each of its column's type); else (booleans
    among numbers, nullable number dtypes) the original runs. Evaluated first, so *row_type* is set."""
    pd, np = ctx.module("pandas"), ctx.module("numpy")
    return parse_expr(f"(({row_type} := ({np}.result_type(*{frame}.dtypes) if len(set({frame}.dtypes)) > 1 "
                      f"and {_plain_numbers(ctx, frame)} else None)) is not None or len(set({frame}.dtypes)) == 1 "
                      f"or not all({pd}.api.types.is_numeric_dtype(t) for t in {frame}.dtypes))")


def check_rows_plain(ctx: Context, frame: str) -> None:
    """Decline a frame whose rows take a type pandas picks from extension dtypes (see `_rows_of_pandas_choice`)."""
    if any(_rows_of_pandas_choice([d for _, d in schema]) for schema in ctx.schemas(frame)):
        raise Decline(f"the rows of {frame} take a type pandas picks from its columns' categorical or nullable dtypes")


def _rows_of_pandas_choice(dtypes: list[str]) -> bool:
    """A row of several dtypes, none object or text, some not numpy numbers: a categorical of ints beside
    floats gives rows of floats, Int64 beside float64 Float64 rows; the guard's own test does not know that."""
    return len(set(dtypes)) > 1 and not any(d in ("object", "str") for d in dtypes) \
        and not all(numpy_number(d) for d in dtypes)


class _ColumnsCheck(ast.expr):
    """Filled in once the body is translated: every column read exists (else the original's error)."""


def _has_columns(frame: str, read_cols: set[str]) -> ast.expr:
    node = _ColumnsCheck()
    node.frame, node.read = frame, read_cols  # type: ignore[attr-defined]
    return node


def finish_guard(node: ast.expr) -> ast.expr:
    if isinstance(node, _ColumnsCheck):
        cols = sorted(node.read)  # type: ignore[attr-defined]
        return parse_expr(f"set({cols!r}) <= set({node.frame}.columns)")  # type: ignore[attr-defined]
    return node


def _field_of(node: ast.expr, row: str) -> str | None:
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == row \
            and _text(node.slice):
        return node.slice.value  # type: ignore[attr-defined,no-any-return]
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == row \
            and plain_field(node.attr):
        return node.attr
    return None


def _tuple_view(ctx: Context, frame: str, row: str) -> RowLoop:
    read_cols: set[str] = set()

    def read(node: ast.expr) -> ast.expr | None:
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == row:
            if node.attr == "Index" or not node.attr.isidentifier() or node.attr.startswith("_"):
                raise Decline("itertuples' Index or a renamed field")
            read_cols.add(node.attr)
            return _column(frame, node.attr)
        return None

    cols = _cols(ctx, read, _index(frame))
    cols.python_scalars = True  # itertuples zips the columns' values, each converted with .item()
    cols.varying.add(row)
    return RowLoop(cols, _length(frame), [_has_columns(frame, read_cols)])


def _is_range_of_len(ctx: Context, it: ast.expr) -> bool:
    return isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range" \
        and len(it.args) == 1 and not it.keywords and _range_subject(it) is not None


def _range_subject(it: ast.Call) -> str | None:
    arg = it.args[0]
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id == "len" and len(arg.args) == 1 \
            and isinstance(arg.args[0], ast.Name):
        return arg.args[0].id
    if isinstance(arg, ast.Subscript) and isinstance(arg.value, ast.Attribute) and arg.value.attr == "shape" \
            and isinstance(arg.value.value, ast.Name) and isinstance(arg.slice, ast.Constant) and arg.slice.value == 0:
        return arg.value.value.id
    return None


def _position_view(ctx: Context, frame: str, i: str) -> RowLoop:
    kind = frame_kind(ctx, name(frame))
    if kind is None:
        raise Decline(f"{frame} is not a frame or Series")
    ways: set[str] = set()
    read_cols: set[str] = set()
    whole_rows: list[str] = []
    row_type = RowType.of(ctx, frame)

    def read(node: ast.expr) -> ast.expr | None:
        found = _positional_read(node, frame, i, kind)
        if found is None:
            return None
        way, col = found
        ways.add(LABEL if way == ROW_LABEL else way)
        if col is None:
            return name(frame)
        read_cols.add(col)
        if way in (ROW_LABEL, ROW_POSITION):
            check_rows_plain(ctx, frame)
            whole_rows.append(col)
            return row_type.column(col)
        return _column(frame, col)

    cols = _cols(ctx, read, _index(frame))
    cols.varying.add(i)
    pd = ctx.module("pandas")
    loop = RowLoop(cols, _length(frame), frame=frame if kind == "DataFrame" else "", key=i)
    loop.on_write.append(parse_expr(f"{frame}.index.equals({pd}.RangeIndex(len({frame})))"))
    loop.guards.append(_LabelCheck(frame, ways, pd))
    if kind == "DataFrame":
        loop.guards[:0] = [_WholeRows(test, whole_rows) for test in row_type.guards(ctx)]
        loop.guards.append(_has_columns(frame, read_cols))
    return loop


class _WholeRows(ast.expr):
    """The row-types guard, needed once some read takes a whole row (``df.iloc[i]["c"]``)."""

    def __init__(self, test: ast.expr, reads: list[str]) -> None:
        super().__init__()
        self.test, self.reads = test, reads


class _LabelCheck(ast.expr):
    """Reads by label at the position: the same row only where the index is 0, 1, 2, ..."""

    def __init__(self, frame: str, ways: set[str], pd: str) -> None:
        super().__init__()
        self.frame, self.ways, self.pd = frame, ways, pd


def finish(node: ast.expr) -> ast.expr | None:
    """A guard as code, once the body is translated (None: no condition needed)."""
    if isinstance(node, _WholeRows):
        return node.test if node.reads else None
    if isinstance(node, _LabelCheck):
        if LABEL not in node.ways:
            return None
        return parse_expr(f"{node.frame}.index.equals({node.pd}.RangeIndex(len({node.frame})))")
    return finish_guard(node)


def _positional_read(node: ast.expr, frame: str, i: str, kind: str) -> tuple[str, str | None] | None:
    """(label or position, column) for reads of row *i*: df.at[i, "c"], df["c"][i], df.iloc[i]["c"], s[i], ..."""
    def is_i(n: ast.expr) -> bool:
        return isinstance(n, ast.Name) and n.id == i

    def is_frame(n: ast.expr) -> bool:
        return isinstance(n, ast.Name) and n.id == frame

    if not isinstance(node, ast.Subscript):
        return None
    value, index = node.value, node.slice
    if kind == "DataFrame":
        if isinstance(value, ast.Attribute) and value.attr in ("at", "loc") and is_frame(value.value) \
                and isinstance(index, ast.Tuple) and len(index.elts) == 2 and is_i(index.elts[0]) \
                and _text(index.elts[1]):
            return LABEL, index.elts[1].value  # type: ignore[attr-defined]
        if isinstance(value, ast.Subscript) and is_frame(value.value) and _text(value.slice) and is_i(index):
            return LABEL, value.slice.value  # type: ignore[attr-defined]
        if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Attribute) \
                and value.value.attr in ("iloc", "loc") and is_frame(value.value.value) and is_i(value.slice) \
                and _text(index):
            return (ROW_POSITION if value.value.attr == "iloc" else ROW_LABEL), index.value  # type: ignore[attr-defined]
        if isinstance(value, ast.Attribute) and value.attr in ("loc", "at", "iloc", "iat") and is_i(index) \
                and isinstance(value.value, ast.Subscript) and is_frame(value.value.value) and _text(value.value.slice):
            return (POSITION if value.attr.startswith("i") else LABEL), value.value.slice.value  # type: ignore[attr-defined]
        return None
    if is_frame(value) and is_i(index):
        return LABEL, None
    if isinstance(value, ast.Attribute) and value.attr in ("loc", "at", "iloc", "iat") and is_frame(value.value) \
            and is_i(index):
        return (POSITION if value.attr.startswith("i") else LABEL), None
    return None


def _values_view(ctx: Context, bound: dict[str, ast.expr]) -> RowLoop:
    frame = frame_of(next(iter(bound.values())))
    cols = _cols(ctx, lambda node: None, _index(frame))
    cols.python_scalars = True  # iterating a column converts each value with .item()
    for var, column in bound.items():
        cols.env[var] = Tr(column, COL)
    guards: list[ast.expr] = []
    if frame_kind(ctx, name(frame)) == "DataFrame":
        read = {c.slice.value for c in bound.values() if isinstance(c, ast.Subscript)}  # type: ignore[attr-defined]
        guards.append(_has_columns(frame, read))
    return RowLoop(cols, _length(frame), guards)


# -- one round, run for all rows at once ----------------------------------------------------------


@dataclass
class Effects:
    """What a round does: names it sets, lists it appends to (value, mask), accumulators it updates."""

    appends: dict[str, tuple[Tr, Tr | None]] = field(default_factory=dict)
    accs: dict[str, tuple[str, Tr]] = field(default_factory=dict)  # name -> ("+" | "*" | "max" | "min" | "join", value)
    running: dict[str, str] = field(default_factory=dict)  # accumulator read in the round -> its running values
    writes: dict[str, Tr] = field(default_factory=dict)  # column written cell by cell -> its new values
    updated_where: dict[str, Tr | None] = field(default_factory=dict)  # accumulator -> rows that update it (None: all)


IDENTITY = {"+": 0, "*": 1}


@dataclass(frozen=True)
class Record(Tr):
    """A tuple, list or dict of per-row values appended each round (``rows.append({"a": x, "b": y})``)."""

    kind: str = "tuple"
    parts: tuple[Tr, ...] = ()
    keys: tuple[ast.expr, ...] = ()


class Round:
    """Run a loop body symbolically over whole columns (see the module docstring)."""

    def __init__(self, ctx: Context, rows: RowLoop, loop: ast.For) -> None:
        self.ctx, self.rows, self.cols = ctx, rows, rows.cols
        self.cols.varying |= names_stored(loop.body) | names_stored([loop.target]) | mutated_names(loop.body)
        self.effects = Effects()
        self.pending: dict[str, str] = {}  # running-values name -> accumulator

    def run(self, body: list[ast.stmt]) -> Effects:
        self._block(body, None, self.effects)
        used = names_loaded([v.node for v, _ in self.effects.appends.values()]
                            + [m.node for _, m in self.effects.appends.values() if m is not None]
                            + [v.node for _, v in self.effects.accs.values()])
        self.effects.running = {acc: tmp for tmp, acc in self.pending.items() if tmp in used}
        return self.effects

    def _block(self, body: list[ast.stmt], mask: Tr | None, eff: Effects) -> None:
        for stmt in body:
            self._stmt(stmt, mask, eff)

    def _stmt(self, stmt: ast.stmt, mask: Tr | None, eff: Effects) -> None:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and self.rows.frame:
            col = write_target(stmt.targets[0], self.rows.frame, self.rows.key)
            if col is not None:
                return self._write(col, stmt.value, mask)
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            target = stmt.targets[0].id
            acc = self._accumulation(target, stmt.value)
            if acc is not None:
                return self._accumulate(target, acc[0], acc[1], mask, eff)
            if mask is not None:
                raise Decline("a temporary set under a condition")
            self.cols.set_temporary(target, self.cols.expr(stmt.value))
            return None
        if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
            op = {ast.Add: "+", ast.Mult: "*"}.get(type(stmt.op))
            if op is None:
                raise Decline("an update other than += or *=")
            return self._accumulate(stmt.target.id, op, stmt.value, mask, eff)
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and _is_append(stmt.value):
            lst = stmt.value.func.value.id  # type: ignore[attr-defined]
            if lst in eff.appends or lst in self.cols.env:
                raise Decline(f"{lst} gets two values per row")
            eff.appends[lst] = (self._appended(stmt.value.args[0]), mask)
            return None
        if isinstance(stmt, ast.If):
            return self._if(stmt, mask, eff)
        if isinstance(stmt, ast.Pass):
            return None
        first = ast.unparse(stmt).splitlines()[0]
        raise Decline(f"`{first}` is not a temporary, an append, a running total or an if")

    def _appended(self, node: ast.expr) -> Tr:
        """What a round appends: one value, or a record (a tuple, list or dict display) of per-row values."""
        if isinstance(node, (ast.Tuple, ast.List)) and node.elts and not any(isinstance(e, ast.Starred) for e in node.elts):
            kind = "tuple" if isinstance(node, ast.Tuple) else "list"
            return Record(node, ARR, kind=kind, parts=tuple(self.cols.expr(e) for e in node.elts))
        if isinstance(node, ast.Dict) and node.keys and all(isinstance(k, ast.Constant) for k in node.keys):
            keys = tuple(k for k in node.keys if k is not None)
            if len({k.value for k in keys}) != len(keys):  # type: ignore[attr-defined]
                raise Decline("a dict display with a repeated key")
            return Record(node, ARR, kind="dict", parts=tuple(self.cols.expr(v) for v in node.values), keys=keys)
        return self.cols.expr(node)

    def _write(self, col: str, value: ast.expr, mask: Tr | None) -> None:
        """``df.at[i, "c"] = v``: the column's new values (where a condition holds; the old ones elsewhere)."""
        if col in self.effects.writes:
            raise Decline(f"column {col!r} is written twice in a round")
        new = self.cols.expr(value)
        if mask is not None:
            old = Tr(ast.Subscript(name(self.rows.frame), const(col), ast.Load()), COL)
            new = self.cols.where(mask, _broadcast(new, self.cols), old)
        self.effects.writes[col] = new

    def _accumulation(self, target: str, value: ast.expr) -> tuple[str, ast.expr] | None:
        """``acc = acc + e`` (for text also ``acc + a + b``), ``acc = max(acc, e)``: (operation, e)."""
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("max", "min") \
                and len(value.args) == 2 and isinstance(value.args[0], ast.Name) and value.args[0].id == target:
            return value.func.id, value.args[1]
        pieces: list[ast.expr] = []
        node = value
        while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            pieces.insert(0, node.right)
            node = node.left
        if not (isinstance(node, ast.Name) and node.id == target and pieces):
            return None
        if len(pieces) > 1 and not self._is_text(target):
            raise Decline("a running total of several terms (regrouping them would round differently)")
        out = pieces[0]
        for p in pieces[1:]:  # text: (s + a) + b is s + (a + b)
            out = ast.BinOp(out, ast.Add(), p)
        return "+", out

    def _is_text(self, acc: str) -> bool:
        kinds = self.ctx.kinds_of(acc)
        return bool(kinds) and all(k.type == "str" for k in kinds)

    def _accumulate(self, acc: str, op: str, value: ast.expr, mask: Tr | None, eff: Effects) -> None:
        if acc in self.cols.env or acc in eff.accs:
            raise Decline(f"{acc} is updated twice in a round, or after being set")
        tr = self.cols.expr(value)
        if self._is_text(acc) and op == "+":
            if mask is not None:
                raise Decline("text joined under a condition")
            eff.accs[acc] = ("join", tr)
            return
        if op in ("max", "min"):
            if mask is not None:
                raise Decline("a running max or min under a condition")
            self._running_extreme(acc, tr)
        elif mask is not None:
            kind = self._running_total(acc, op, tr)  # the identity of the values' type (np.where keeps one dtype)
            identity = {"float": float, "bool": bool}.get(kind, int)(IDENTITY[op])
            tr = self.cols.where(mask, _broadcast(tr, self.cols), Tr(const(identity), CONST, NUMBER))
        else:
            self._running_total(acc, op, tr)
        eff.accs[acc] = (op, tr)
        eff.updated_where[acc] = mask
        if mask is None:  # read later in the round: the running value
            self._running_env(acc, eff)

    def _running_extreme(self, acc: str, value: Tr) -> None:
        """``acc = max(acc, x)`` keeps acc unless x > acc: a NaN x never wins (as in np.fmax), a NaN acc stays (np.fmax
        drops it), and acc keeps its type until some x wins; so the start is a float that is not NaN beside
        floats, an int beside ints (where numpy picks the same values), or the original runs."""
        kind = self.cols.number_type(value)
        if kind == "float":
            self.cols.guard(f"isinstance({acc}, float) and {acc} == {acc}")
        elif kind == "int":
            self.cols.guard(f"type({acc}) is int and -2 ** 63 <= {acc} < 2 ** 63")
        else:
            raise Decline("a running max or min of values that are not all ints or all floats")

    def _running_total(self, acc: str, op: str, value: Tr) -> str:
        """``acc += x`` / ``acc *= x``: np.add / np.multiply accumulated over [acc, x...] in float64 or int64. The
        loop adds Python ints where a field read gives them (they grow past int64, the cumulative sum wraps),
        numpy scalars of the column's dtype where it gives those (int8 wraps at 127, float32 rounds to float32):
        so ints stay far from int64's ends (a whole-column bound), int and float columns other than int64 and
        float64 are read only where the values come as Python numbers, bools add up as ints, and the start is
        an int or a float; else the original runs."""
        kind = self.cols.number_type(value)
        if kind is None:
            raise Decline(f"a running total of values whose type is not known ({acc} keeps the loop's types)")
        cols = self.cols
        narrow = sorted(d for n in ast.walk(value.node) if isinstance(n, (ast.Subscript, ast.Name, ast.Call))
                        for d in column_dtypes(self.ctx, n) if d not in ("int64", "float64", "bool"))
        if narrow and not cols.python_scalars:
            raise Decline(f"a running total of {narrow[0]} values (the loop adds numpy scalars of that type)")
        cols.guard(f"type({acc}) in (int, float)")
        if kind == "int":
            np, code = cols.np, ast.unparse(value.node)
            magnitude = f"{np}.abs({np}.asarray({code}, dtype=float))"
            if value.shape == CONST and op == "*":
                raise Decline("a running product of ints by the same value every row")
            if value.shape == CONST:  # the same value added every row
                bound = f"abs({acc}) + abs({code}) * {ast.unparse(self.rows.length)}"
            else:
                bound = f"abs({acc}) + {magnitude}.sum()" if op == "+" else \
                    f"abs({acc}) * {np}.prod({np}.maximum({magnitude}, 1.0))"
            if names_loaded([value.node]) & set(self.pending):
                raise Decline("a running total of ints computed from another running total")
            cols.guard(f"{bound} < 2.0 ** 62")  # Python ints grow where int64 wraps: nowhere near it
        return kind

    def _if(self, stmt: ast.If, mask: Tr | None, eff: Effects) -> None:
        test = self.cols.expr(stmt.test)
        if test.sort != BOOL or test.shape == CONST:
            raise Decline("a condition that is not a per-row comparison")
        before = dict(self.cols.env)
        branches = []
        for body, cond in ((stmt.body, test), (stmt.orelse, _negate(test))):
            self.cols.env = dict(before)
            sub = Effects()
            assigned_mask = _and(mask, cond)
            self.cols.conditions.append(ast.unparse(cond.node))  # guards count only the rows of the branch
            try:
                for s in body:
                    if isinstance(s, ast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], ast.Name) \
                            and self._accumulation(s.targets[0].id, s.value) is None:
                        self.cols.set_temporary(s.targets[0].id, self.cols.expr(s.value))
                    else:
                        self._stmt(s, assigned_mask, sub)
            finally:
                self.cols.conditions.pop()
            branches.append((dict(self.cols.env), sub))
        (env_a, eff_a), (env_b, eff_b) = branches
        self.cols.env = dict(before)
        for var in dict.fromkeys([*env_a, *env_b]):
            a, b = env_a.get(var), env_b.get(var)
            if a is b:
                self.cols.env[var] = a  # type: ignore[assignment]
            elif a is None or b is None:
                raise Decline(f"{var} is set in one branch only")
            else:
                self.cols.env[var] = self.cols.where(test, a, b)
        self._merge_appends(test, eff_a, eff_b, mask, eff)
        for acc_name in dict.fromkeys([*eff_a.accs, *eff_b.accs]):
            if acc_name in eff.accs:
                raise Decline(f"{acc_name} is updated twice in a round")
            parts = [e.accs.get(acc_name) for e in (eff_a, eff_b)]
            ops = {p[0] for p in parts if p is not None}
            if len(ops) != 1 or ops & {"join", "max", "min"}:
                raise Decline(f"{acc_name} is updated differently in the branches")
            op = ops.pop()
            # each branch already put its own condition in (the identity elsewhere): combine the two
            both = [p[1] for p in parts if p is not None]
            joined = _arr(both[0], self.cols) if len(both) == 1 else \
                ast.BinOp(_arr(both[0], self.cols), ast.Add() if op == "+" else ast.Mult(), _arr(both[1], self.cols))
            eff.accs[acc_name] = (op, Tr(joined, ARR, NUMBER))
            where = [e.updated_where.get(acc_name) for e in (eff_a, eff_b) if acc_name in e.accs]
            eff.updated_where[acc_name] = mask if len(where) == 2 else where[0]
            self._running_env(acc_name, eff)

    def _running_env(self, acc: str, eff: Effects) -> None:
        """Reads of *acc* later in the round see its running values (computed once, if read)."""
        tmp = eff.running.get(acc) or self.ctx.fresh(f"{acc}_running")
        self.cols.env[acc] = Tr(name(tmp), ARR, NUMBER)
        self.pending[tmp] = acc

    def _merge_appends(self, test: Tr, a: Effects, b: Effects, mask: Tr | None, eff: Effects) -> None:
        if a.writes or b.writes:
            raise Decline("a cell written in a branch")
        for lst in dict.fromkeys([*a.appends, *b.appends]):
            if lst in eff.appends:
                raise Decline(f"{lst} gets two values per row")
            va, vb = a.appends.get(lst), b.appends.get(lst)
            if va is not None and vb is not None:
                if isinstance(va[0], Record) or isinstance(vb[0], Record):
                    raise Decline("records appended in both branches")
                eff.appends[lst] = (self.cols.where(test, _broadcast(va[0], self.cols), _broadcast(vb[0], self.cols)),
                                    mask)
            else:
                got = va if va is not None else vb
                assert got is not None
                eff.appends[lst] = got


def _is_append(node: ast.Call) -> bool:
    return isinstance(node.func, ast.Attribute) and node.func.attr == "append" and isinstance(node.func.value, ast.Name) \
        and len(node.args) == 1 and not node.keywords


def _negate(test: Tr) -> Tr:
    return Tr(ast.UnaryOp(ast.Invert(), test.node), test.shape, BOOL)


def _and(mask: Tr | None, test: Tr) -> Tr:
    if mask is None:
        return test
    return Tr(ast.BinOp(mask.node, ast.BitAnd(), test.node), ARR if ARR in (mask.shape, test.shape) else COL, BOOL)


def _broadcast(value: Tr, cols: Columns) -> Tr:
    """A per-row value even where the code gives a constant (np.where broadcasts it)."""
    if value.shape == CONST and not isinstance(value.node, (ast.Constant, ast.Name, ast.UnaryOp)):
        raise Decline("a computed constant in a per-row position")
    return value


def _arr(value: Tr, cols: Columns) -> ast.expr:
    """*value* as an array (np.where and np.asarray already give one)."""
    node = value.node
    made = isinstance(node, ast.Call) and ast.unparse(node.func) in (f"{cols.np}.asarray", f"{cols.np}.where")
    if value.shape == CONST or isinstance(value, Labels) or made:
        return node
    if value.shape == COL:
        arrays = _column_arithmetic(node, cols)
        if arrays is not None:
            return arrays
    return call(f"{cols.np}.asarray", node)


def _column_arithmetic(node: ast.expr, cols: Columns) -> ast.expr | None:
    """``df["a"] * df["b"] + 1`` wanted as an array, as the same arithmetic on the columns' arrays, when every
    column read is an int64 or float64 column of the frame the loop walks (numpy's own + - * of those, which
    pandas calls after lining up the index: the columns of one frame share it) and the operators are + - *;
    else None."""
    if isinstance(node, ast.Constant):
        return node if type(node.value) in (int, float) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
        left, right = _column_arithmetic(node.left, cols), _column_arithmetic(node.right, cols)
        if left is None or right is None or isinstance(left, ast.Constant) and isinstance(right, ast.Constant):
            return None
        return ast.BinOp(left, node.op, right)
    dtypes = column_dtypes(cols.ctx, node)
    rows_of = cols.index.value.id if isinstance(cols.index, ast.Attribute) and isinstance(cols.index.value, ast.Name) \
        else None  # the frame the loop walks: another frame's column would be lined up on the index
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == rows_of \
            and isinstance(node.slice, ast.Constant) and dtypes and dtypes <= {"int64", "float64"}:
        return call(ast.Attribute(node, "to_numpy", ast.Load()))
    return None


# -- writing the loop's result ------------------------------------------------------------------


def result_statements(rows: RowLoop, eff: Effects, lists: set[str]) -> list[ast.stmt]:
    """Statements that give every list and accumulator the value the loop would have left."""
    cols = rows.cols
    out: list[ast.stmt] = []
    for col, value in eff.writes.items():  # in place, as the cell writes: no alignment on the index
        cells = ast.Subscript(ast.Attribute(name(rows.frame), "loc", ast.Load()),
                              ast.Tuple([ast.Slice(None, None, None), const(col)], ast.Load()), ast.Store())
        out.append(ast.Assign([cells], value.node if value.shape == CONST else _arr(value, cols), lineno=0))
        rows.guards += [parse_expr(f"{col!r} in {rows.frame}.columns"), *rows.on_write]
    for acc, tmp in eff.running.items():
        op, value = eff.accs[acc]
        out.append(assign(tmp, running_values(acc, op, value, cols)))
    for lst, (value, mask) in eff.appends.items():
        if lst not in lists:
            raise Decline(f"{lst} is not a list")
        out.append(ast.Expr(call(ast.Attribute(name(lst), "extend", ast.Load()), _values(value, mask, rows))))
    for acc, (op, value) in eff.accs.items():
        if value.shape == CONST:
            value = Tr(call(f"{cols.np}.full", rows.length, value.node), ARR, value.sort)
        if op == "join":  # "".join raises TypeError on a piece that is not text, as s + piece does
            joined = call(ast.Attribute(const(""), "join", ast.Load()), cols.texts_to_join(value))
            out.append(ast.AugAssign(name(acc), ast.Add(), joined))
        else:  # untouched where no row updates it (an int total stays an int, as in the loop)
            where = eff.updated_where.get(acc)
            updated = rows.length if where is None else call(f"{cols.np}.any", where.node)
            values = name(eff.running[acc]) if acc in eff.running else running_values(acc, op, value, cols, first=0)
            last: ast.expr = ast.Subscript(values, const(-1), ast.Load())
            if cols.python_scalars:  # the loop's total of Python numbers is a Python number
                last = call(ast.Attribute(last, "item", ast.Load()))
            out.append(assign(acc, ast.IfExp(updated, last, name(acc))))
    return out


def _values(value: Tr, mask: Tr | None, rows: RowLoop) -> ast.expr:
    cols = rows.cols
    if isinstance(value, Record):
        return _records(value, mask, rows)
    if value.shape == CONST:
        if not isinstance(value.node, (ast.Constant, ast.Name, ast.UnaryOp)):
            raise Decline("a computed constant appended per row")
        count: ast.expr = rows.length if mask is None else call("int", call(f"{cols.np}.count_nonzero", _arr(mask, cols)))
        return ast.BinOp(ast.List([value.node], ast.Load()), ast.Mult(), count)
    if mask is None:
        return cols.as_list(value)
    if value.shape == COL and mask.shape == COL:
        return call(ast.Attribute(ast.Subscript(value.node, mask.node, ast.Load()), "tolist", ast.Load()))
    chosen = ast.Subscript(_arr(value, cols), _arr(mask, cols), ast.Load())
    return call(ast.Attribute(chosen, "tolist", ast.Load()))


def _records(record: Record, mask: Tr | None, rows: RowLoop) -> ast.expr:
    """The records as a list, built from each field's list of values (one comprehension over zip)."""
    if all(p.shape == CONST for p in record.parts):
        raise Decline("the same record for every row")
    fields = [_values(p, mask, rows) for p in record.parts]
    together = call("zip", *fields)
    if record.kind == "tuple":
        return call("list", together)
    names = [rows.cols.ctx.fresh(f"field{k}") for k in range(len(fields))]
    target = ast.Tuple([ast.Name(n, ast.Store()) for n in names], ast.Store())
    loads: list[ast.expr] = [name(n) for n in names]
    element: ast.expr = ast.List(loads, ast.Load()) if record.kind == "list" else \
        ast.Dict(list(record.keys), loads)
    return ast.ListComp(element, [ast.comprehension(target, together, [], 0)])


RUNNING = {"+": "add", "*": "multiply", "max": "fmax", "min": "fmin"}


def running_values(acc: str, op: str, value: Tr, cols: Columns, first: int = 1) -> ast.expr:
    """Every round's value of the accumulator after its update, in the loop's order (from *first*: 1 skips the start)."""
    np = cols.np
    steps = call(f"{np}.concatenate", ast.List([ast.List([name(acc)], ast.Load()), _arr(value, cols)], ast.Load()))
    running = call(f"{np}.{RUNNING[op]}.accumulate", steps)
    return ast.Subscript(running, ast.Slice(const(first), None, None), ast.Load()) if first else running


def guard_tests(ctx: Context, guards: list[ast.expr], new: list[ast.AST], bound: set[str] | None = None) -> list[ast.expr]:
    """The tests a rewrite runs under: first that every frame and Series the *new* code (or a guard) reads
    has the dtypes of a live call (see `engine.schema`; not those *bound* by the code replaced, which are not
    there yet), then the guards that still need checking (a frame's columns are in its dtypes' test)."""
    checked = set(pandas_names(ctx, new, bound or set()))
    finished = [t for t in (finish(g) for g in guards
                            if not (isinstance(g, _ColumnsCheck) and g.frame in checked)) if t is not None]  # type: ignore[attr-defined]
    tests: list[ast.expr] = []
    for test in [*schema_guards(ctx, [*new, *finished], bound or set()), *finished]:
        if not any(same(test, t) for t in tests):
            tests.append(test)
    return tests


def guarded(ctx: Context, stmt: ast.stmt, guards: list[ast.expr], stmts: list[ast.stmt],
            prefer: Namer | None = None) -> Edit:
    """*stmt* replaced by *stmts*, under the guards that need checking (the original runs otherwise); what
    *stmts* compute twice is computed once, into a local (see `engine.bind`; *prefer* names it)."""
    stmts = bind_repeats(ctx, stmts, prefer)
    tests = guard_tests(ctx, guards, list(stmts), names_stored([stmt, *stmts]))
    if not tests:
        return replace_stmts(ctx, stmt, stmt, stmts)
    return guarded_replace(ctx, stmt, tests[0] if len(tests) == 1 else ast.BoolOp(ast.And(), tests), stmts)


def guarded_value(ctx: Context, fn: ast.FunctionDef, node: ast.expr, new: ast.expr, tests: list[ast.expr]) -> Edit:
    """The expression *node* replaced by *new* under *tests*. When *node* is the whole value of a ``return`` or
    of an assignment with its lines to itself, the statement becomes ``if tests: ...new... else: <the
    original statement>`` (what *new* computes twice bound once, see `engine.bind`); otherwise
    ``(new if tests else node)``."""
    stmt = _statement_with_value(fn, node)
    guard = (tests[0] if len(tests) == 1 else ast.BoolOp(ast.And(), tests)) if tests else None
    if stmt is not None and guard is not None and owns_lines(ctx, stmt) and not has_multiline_string([stmt]):
        rewritten = copy.copy(stmt)
        rewritten.value = new
        return guarded_replace(ctx, stmt, guard, bind_repeats(ctx, [rewritten]))
    text = ast.unparse(new) if guard is None else f"({ast.unparse(new)} if {ast.unparse(guard)} else {ast.unparse(node)})"
    return replace_expr(ctx, node, text)


def _statement_with_value(fn: ast.FunctionDef, node: ast.expr) -> ast.Return | ast.Assign | None:
    """The ``return node`` or ``name = node`` statement of *fn* (not of a nested function), if any."""
    for stmt in ast.walk(fn):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)) and stmt is not fn:
            continue
        if isinstance(stmt, ast.Return) and stmt.value is node:
            return stmt
        if isinstance(stmt, ast.Assign) and stmt.value is node and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], ast.Name):
            return stmt
    return None


def kept_fallback_values(fn: ast.FunctionDef) -> set[int]:
    """The original expressions `guarded_value` kept as a statement's fallback: left alone."""
    return {id(n.orelse[0].value) for n in ast.walk(fn) if isinstance(n, ast.If) and is_schema_guard(n.test)
            and len(n.orelse) == 1 and isinstance(n.orelse[0], (ast.Return, ast.Assign)) and n.body
            and type(n.body[-1]) is type(n.orelse[0]) and n.orelse[0].value is not None}


def guarded_after(ctx: Context, stmt: ast.stmt, guards: list[ast.expr], local: str, value: ast.expr, ready: str,
                  stmts: list[ast.stmt]) -> Edit:
    """*stmt* replaced by ``local = value`` (None where the guards fail) and then *stmts* where *ready* (a test
    of *local*: what only the computed value can tell, a missing key among a grouping's keys, say) holds
    too; the original runs otherwise."""
    prepare = bind_repeats(ctx, [assign(local, value)])
    tests = guard_tests(ctx, guards, [*prepare, *stmts], names_stored([stmt, *prepare, *stmts]))
    first: list[ast.stmt] = prepare
    if tests:
        first = [ast.If(tests[0] if len(tests) == 1 else ast.BoolOp(ast.And(), tests), prepare,
                        [assign(local, const(None))])]
        ready = f"{local} is not None and {ready}"
    edit = guarded_replace(ctx, stmt, parse_expr(ready), stmts)
    return dataclasses.replace(edit, text=render(first, indent_of(ctx, stmt)) + edit.text)


__all__ = ["ARR", "COL", "CONST", "NUMBER", "TEXT", "Effects", "Round", "RowLoop", "column_of", "finish",
           "guard_tests", "frame_kind", "guarded", "guarded_after", "guarded_value", "kept_fallback_values",
           "result_statements", "row_loop", "running_values"]

"""A frame built one row at a time -> the rows collected in a list, then one frame.

``append-rows`` rewrites the three ways notebooks grow a frame in a loop:

* ``out.loc[len(out)] = [a, b]`` (a list or tuple written there) on a frame
  made empty before the loop (``pd.DataFrame(columns=[...])``): the rows are
  collected and the frame is built once, ``pd.DataFrame(rows,
  columns=out.columns)``. Enlarging row by row infers each *row's* dtype
  first (a row of an int and a float is a float64 Series, so the int column
  becomes float64; a NaN or None in a text column, a NaT, small or unsigned
  ints give other dtypes than one frame of all rows), so the built frame is
  kept only when its columns are bool, float64, int64 and str, not only
  float64 and int64, with no missing value; otherwise the collected rows are added one at a time as
  the loop did (the loop's other work is done once either way). Only where
  the frame is empty with object columns when the loop starts (what
  ``DataFrame(columns=...)`` gives); otherwise the original loop runs. A
  loop that adds no row leaves the empty frame as it was;
* ``out = pd.concat([out, pd.DataFrame([record])], ignore_index=True)``: the
  records are collected and concatenated once,
  ``pd.concat([out, pd.DataFrame(records)], ignore_index=True)``;
* ``pieces.append(pd.DataFrame([record]))`` followed, after the loop, only by
  ``pd.concat(pieces, ignore_index=True)``: the pieces become one frame of
  the records.

Preconditions: the loop reads the frame (or the list of pieces) nowhere
else; the statement that adds the row is directly in the loop body (not
under an if, where it would add rows conditionally: that is supported too,
the append simply stays where it was).
"""
from __future__ import annotations

import ast
import copy

from ..engine.build import assign, call, name, parse_expr, same
from ..engine.context import Context
from ..engine.edits import guarded_replace, insert_after, insert_before, replace_stmts
from ..engine.kinds import Kind
from ..engine.loops import body_of, outermost_loops
from ..engine.names import walk_all
from ..engine.rewrite import Decline, Edit, Rewrite


def append_rows(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """Rows added to a frame one at a time in a loop -> collected in a list, then one frame.

    Preconditions: those of this module: ``out.loc[len(out)] = row`` on a
    frame empty before the loop, ``out = pd.concat([out, pd.DataFrame([r])],
    ignore_index=True)``, or a list of one-row frames concatenated once after
    the loop; the loop reads the frame (or list) nowhere else.
    """
    edits: list[Edit] = []
    lists: dict[str, Kind] = {}  # the lists of rows the rewrites collect (other rules may build them faster)
    for loop in outermost_loops(fn):
        if not isinstance(loop, ast.For):
            continue
        for attempt in (_loc_rows, _concat_rows, _piece_rows):
            try:
                found, collected = attempt(fn, loop, ctx)
            except Decline as why:
                ctx.declined.append(str(why))
                continue
            edits += found
            lists[collected] = Kind("list")
            break
    return Rewrite(edits, lists) if edits else None


def _pd_name(ctx: Context) -> str:
    return ctx.module("pandas")


def _is_loc_append(stmt: ast.stmt) -> str | None:
    """``out.loc[len(out)] = value`` -> out."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Subscript):
        target = stmt.targets[0]
        loc = target.value
        if isinstance(loc, ast.Attribute) and loc.attr == "loc" and isinstance(loc.value, ast.Name):
            frame = loc.value.id
            if same(target.slice, parse_expr(f"len({frame})")):
                return frame
    return None


def _only_reads(loop: ast.For, var: str, allowed: list[ast.stmt]) -> None:
    """*var* appears in the loop only where the *allowed* statements add a row (not in the row's values)."""
    inside = {id(n) for a in allowed for n in ast.walk(a) if n not in _row_value_nodes(a)}
    for node in walk_all(loop.body):
        if isinstance(node, ast.Name) and node.id == var and id(node) not in inside:
            raise Decline(f"the loop uses {var} for more than adding rows")


def _row_value_nodes(stmt: ast.stmt) -> list[ast.AST]:
    """The nodes of the row a statement adds (``value`` of ``out.loc[len(out)] = value``, the record of the others)."""
    if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Subscript):
        return list(ast.walk(stmt.value))
    value = stmt.value if isinstance(stmt, (ast.Assign, ast.Expr)) else None
    records = [n for n in ast.walk(value) if isinstance(n, ast.Dict)] if value is not None else []
    return [n for r in records for n in ast.walk(r)]


def _loc_rows(fn: ast.FunctionDef, loop: ast.For, ctx: Context) -> tuple[list[Edit], str]:
    adds = [s for s in walk_all(loop.body) if isinstance(s, ast.stmt) and _is_loc_append(s)]
    frames = {_is_loc_append(s) for s in adds}
    if len(frames) != 1:
        raise Decline("no `out.loc[len(out)] = row` in the loop")
    frame = frames.pop()
    assert frame is not None
    if not all(isinstance(s.value, (ast.List, ast.Tuple)) for s in adds):  # type: ignore[attr-defined]
        raise Decline("a row that is not a list written where it is added (a list filled again for each row "
                      "would be collected as the same object every time)")
    _only_reads(loop, frame, adds)
    kinds = ctx.kinds_of(frame)
    if not kinds or any(k.type != "DataFrame" for k in kinds):
        raise Decline(f"{frame} is not always a DataFrame")
    rows = ctx.fresh(f"{frame}_rows")
    new_loop = copy.deepcopy(loop)
    for stmt in walk_all([new_loop]):
        for field_name in ("body", "orelse"):
            block = getattr(stmt, field_name, None)
            if isinstance(block, list):
                setattr(stmt, field_name, [
                    ast.Expr(call(ast.Attribute(name(rows), "append", ast.Load()), s.value))  # type: ignore[attr-defined]
                    if isinstance(s, ast.stmt) and _is_loc_append(s) else s for s in block])
    pd = _pd_name(ctx)
    built, dtypes, row = ctx.fresh(f"{frame}_built"), ctx.fresh(f"{frame}_dtypes"), ctx.fresh(f"{frame}_row")
    build = ast.parse(
        f"if {rows}:\n"
        f"    {built} = {pd}.DataFrame({rows}, columns={frame}.columns)\n"
        f"    {dtypes} = set(map(str, {built}.dtypes))\n"
        f"    if ({dtypes} <= {{'bool', 'float64', 'int64', 'str'}} and {dtypes} != {{'float64', 'int64'}}\n"
        f"            and {built}.notna().to_numpy().all()):\n"
        f"        {frame} = {built}\n"
        f"    else:\n"
        f"        for {row} in {rows}:\n"
        f"            {frame}.loc[len({frame})] = {row}\n").body[0]
    guard = parse_expr(f"len({frame}) == 0 and isinstance({frame}, {pd}.DataFrame) "
                       f"and all(t == object for t in {frame}.dtypes)")
    return [guarded_replace(ctx, loop, guard, [assign(rows, ast.List([], ast.Load())), new_loop, build])], rows


def _is_concat_grow(stmt: ast.stmt, pd: str) -> tuple[str, ast.expr] | None:
    """``out = pd.concat([out, pd.DataFrame([record])], ignore_index=True)`` -> (out, record)."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    out = stmt.targets[0].id
    value = stmt.value
    if not (isinstance(value, ast.Call) and _is_pd(value.func, pd, "concat") and len(value.args) == 1
            and [(k.arg, getattr(k.value, "value", None)) for k in value.keywords] == [("ignore_index", True)]):
        return None
    parts = value.args[0]
    if not (isinstance(parts, ast.List) and len(parts.elts) == 2 and isinstance(parts.elts[0], ast.Name)
            and parts.elts[0].id == out):
        return None
    record = _one_row_record(parts.elts[1], pd)
    return (out, record) if record is not None else None


def _is_pd(func: ast.expr, pd: str, attr: str) -> bool:
    return isinstance(func, ast.Attribute) and func.attr == attr and isinstance(func.value, ast.Name) \
        and func.value.id == pd


def _one_row_record(node: ast.expr, pd: str) -> ast.expr | None:
    """``pd.DataFrame([record])`` (a dict display) -> record."""
    if isinstance(node, ast.Call) and _is_pd(node.func, pd, "DataFrame") and len(node.args) == 1 \
            and not node.keywords and isinstance(node.args[0], ast.List) and len(node.args[0].elts) == 1 \
            and isinstance(node.args[0].elts[0], ast.Dict) and None not in node.args[0].elts[0].keys:
        return node.args[0].elts[0]
    return None


def _record_edits(ctx: Context, loop: ast.For, adds: list[ast.stmt], records: str, record_of: object) -> list[Edit]:
    edits = [insert_before(ctx, loop, [assign(records, ast.List([], ast.Load()))])]
    for stmt in adds:
        record = record_of(stmt)  # type: ignore[operator]
        edits.append(replace_stmts(ctx, stmt, stmt, [ast.Expr(call(ast.Attribute(name(records), "append", ast.Load()),
                                                                    record))]))
    return edits


def _concat_rows(fn: ast.FunctionDef, loop: ast.For, ctx: Context) -> tuple[list[Edit], str]:
    pd = _pd_name(ctx)
    adds = [s for s in walk_all(loop.body) if isinstance(s, ast.stmt) and _is_concat_grow(s, pd)]
    outs = {_is_concat_grow(s, pd)[0] for s in adds}  # type: ignore[index]
    if len(outs) != 1:
        raise Decline("no `out = pd.concat([out, pd.DataFrame([record])], ignore_index=True)` in the loop")
    out = outs.pop()
    _only_reads(loop, out, adds)
    records = ctx.fresh(f"{out}_records")
    edits = _record_edits(ctx, loop, adds, records, lambda s: _is_concat_grow(s, pd)[1])  # type: ignore[index]
    built, record = ctx.fresh(f"{out}_built"), ctx.fresh(f"{out}_record")
    build = _built_once(ctx, records, built, [f"{out} = {pd}.concat([{out}, {built}], ignore_index=True)"],
                        [f"for {record} in {records}:",
                         f"    {out} = {pd}.concat([{out}, {pd}.DataFrame([{record}])], ignore_index=True)"])
    edits.append(insert_after(ctx, loop, [build]))
    return edits, records


def _built_once(ctx: Context, records: str, built: str, fast: list[str], slow: list[str],
                empty: list[str] | None = None) -> ast.stmt:
    """``if records:`` the records as one frame (*built*), kept (*fast*) where that is what one-row frames
    concatenated give: every column bool, int64, float64 or str, with no missing value. A None in a text
    field makes that one-row frame's column object and keeps the None, where one frame of all the records
    infers str and a NaN; a missing key, a NaN, a NaT do similar things. Otherwise the one-row frames are
    made and concatenated as the loop did (*slow*); *empty*: what runs when there are no records."""
    pd, dtypes = ctx.module("pandas"), ctx.fresh(f"{built}_dtypes")
    lines = [f"if {records}:",
             f"    {built} = {pd}.DataFrame({records})",
             f"    {dtypes} = set(map(str, {built}.dtypes))",
             f"    if {dtypes} <= {{'bool', 'float64', 'int64', 'str'}} and {built}.notna().to_numpy().all():",
             *(f"        {line}" for line in fast),
             "    else:",
             *(f"        {line}" for line in slow)]
    if empty:
        lines += ["else:", *(f"    {line}" for line in empty)]
    return ast.parse("\n".join(lines) + "\n").body[0]


def _piece_rows(fn: ast.FunctionDef, loop: ast.For, ctx: Context) -> tuple[list[Edit], str]:
    pd = _pd_name(ctx)

    def piece(stmt: ast.stmt) -> tuple[str, ast.expr] | None:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute) \
                and stmt.value.func.attr == "append" and isinstance(stmt.value.func.value, ast.Name) \
                and len(stmt.value.args) == 1 and not stmt.value.keywords:
            record = _one_row_record(stmt.value.args[0], pd)
            return (stmt.value.func.value.id, record) if record is not None else None
        return None

    adds = [s for s in walk_all(loop.body) if isinstance(s, ast.stmt) and piece(s)]
    lists = {piece(s)[0] for s in adds}  # type: ignore[index]
    if len(lists) != 1:
        raise Decline("no `pieces.append(pd.DataFrame([record]))` in the loop")
    pieces = lists.pop()
    _only_reads(loop, pieces, adds)
    kinds = ctx.kinds_of(pieces)
    if not kinds or any(k.type != "list" or k.elems - {"DataFrame"} for k in kinds):
        raise Decline(f"{pieces} is not a list of frames")
    uses = [n for n in ast.walk(fn) if isinstance(n, ast.Name) and n.id == pieces and n.lineno > (loop.end_lineno or 0)]
    concats = [n for n in ast.walk(fn) if isinstance(n, ast.Call) and _is_pd(n.func, pd, "concat")
               and len(n.args) == 1 and isinstance(n.args[0], ast.Name) and n.args[0].id == pieces
               and [(k.arg, getattr(k.value, "value", None)) for k in n.keywords] == [("ignore_index", True)]]
    if not uses or len(uses) != len(concats):
        raise Decline(f"{pieces} is used after the loop for more than pd.concat({pieces}, ignore_index=True)")
    found = body_of(fn, loop)
    if found is None or not _empty_before(fn, loop, pieces):
        raise Decline(f"{pieces} is not an empty list just before the loop")
    records = ctx.fresh(f"{pieces}_records")
    edits = _record_edits(ctx, loop, adds, records, lambda s: piece(s)[1])  # type: ignore[index]
    built, record = ctx.fresh(f"{pieces}_built"), ctx.fresh(f"{pieces}_record")
    build = _built_once(ctx, records, built, [f"{pieces} = [{built}]"],
                        [f"{pieces} = [{pd}.DataFrame([{record}]) for {record} in {records}]"], [f"{pieces} = []"])
    edits.append(insert_after(ctx, loop, [build]))
    return edits, records


def _empty_before(fn: ast.FunctionDef, loop: ast.For, var: str) -> bool:
    found = body_of(fn, loop)
    if found is None:
        return False
    block, position = found
    for stmt in reversed(block[:position]):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and stmt.targets[0].id == var:
            return isinstance(stmt.value, ast.List) and not stmt.value.elts
        if var in {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name)}:
            return False
    return False

"""Loops over a frame's rows -> whole-column expressions.

``frame-row-loop``: a loop over rows (``iterrows``, ``itertuples``,
``range(len(df))`` with ``.at``/``.loc``/``.iloc``/``[i]``, ``zip`` of
columns, or a column) whose round computes values from the row's fields and
appends them to lists, adds them to running totals (``total += x``,
``best = max(best, x)``; read in the round, they are running values) or
joins them onto a string. The round becomes column arithmetic,
``np.where`` for its ``if`` statements (a filter when only one branch
appends), ``.str`` methods, cumulative sums in the loop's order.

Preconditions: the loop has no else clause; every statement of its body is
one of those; the values read in a round are the row's fields, names the loop
does not change, or temporaries set earlier in the round; temporaries are not
read after the loop. The rewrite runs under guards (see `engine.columns`):
every column read exists, the index is 0..n-1 where rows are read by label,
an ``iterrows`` row keeps its columns' dtypes, and nothing the per-row code
would raise on is present; otherwise the original loop runs.
"""
from __future__ import annotations

import ast

from ..engine.bind import Namer
from ..engine.columns import Columns
from ..engine.context import Context
from ..engine.loops import read_outside, rewrite_outer_loops
from ..engine.names import names_stored
from ..engine.rewrite import Decline, Edit, Rewrite
from ..engine.rows import Round, guarded, result_statements, row_loop, write_target


def frame_row_loop(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """A loop over a frame's rows building lists, totals or text -> whole-column expressions.

    Preconditions: those of this module. The lists, totals and text end as
    the loop leaves them (the same values in the same order; float totals
    accumulated in the loop's order).
    """
    return rewrite_outer_loops(fn, ctx, _row_loop_edit)


def _in_write_target(loop: ast.For, node: ast.AST, frame: str, key: str) -> bool:
    return any(write_target(t, frame, key) is not None and any(n is node for n in ast.walk(t))
               for a in ast.walk(loop) if isinstance(a, ast.Assign) for t in a.targets)


def _row_loop_edit(fn: ast.FunctionDef, loop: ast.For, ctx: Context) -> Edit:
    if loop.orelse:
        raise Decline("the loop has an else clause")
    rows = row_loop(ctx, loop)
    effects = Round(ctx, rows, loop).run(loop.body)
    if not effects.appends and not effects.accs and not effects.writes:
        raise Decline("the loop neither appends, accumulates, joins text nor writes cells")
    written = {c for c in effects.writes}
    if written & {n.value for n in ast.walk(loop) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                  and not _in_write_target(loop, n, rows.frame, rows.key)}:
        raise Decline("the loop reads a column it writes")
    temps = (names_stored(loop.body) | names_stored([loop.target])) - set(effects.accs)
    leaked = read_outside(fn, loop, temps)
    if leaked:
        raise Decline(f"{', '.join(sorted(leaked))} is read after the loop")
    lists = {n for n in effects.appends if ctx.kinds_of(n) and all(k.type == "list" for k in ctx.kinds_of(n))}
    stmts = result_statements(rows, effects, lists)
    return guarded(ctx, loop, [*rows.guards, *rows.cols.guards], stmts, _temporary_namer(rows.cols, temps))


def _temporary_namer(cols: Columns, temps: set[str]) -> Namer:
    """Name a repeated column expression after the loop's temporary that held it (``v``), when it was one."""
    def prefer(node: ast.expr) -> str | None:
        found = cols.name_of(node)
        return found if found in temps else None
    return prefer

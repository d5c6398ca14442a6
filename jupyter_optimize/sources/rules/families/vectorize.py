"""Rules that replace a loop writing an array element by element with one numpy statement.

Three rules share the loop translator of the engine and differ in what the loop reads:

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

from ..engine.body import Body
from ..engine.context import Context
from ..engine.edits import guarded_replace, replace_stmts
from ..engine.loops import LoopEdit, read_outside, rewrite_outer_loops
from ..engine.nest import Nest, loop_nest, loop_vars, stored_in, translator_for
from ..engine.rewrite import Decline, Edit, Rewrite
from ..engine.translator import Translator


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


def translate_nest(ctx: Context, fn: ast.FunctionDef, loop: ast.For) -> tuple[list[ast.stmt], Translator, Nest]:
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


Features = Callable[[set[str]], bool]  # which translations (see Translator.features) a rule takes


def _vectorized(accept: Features) -> LoopEdit:
    """The edit for a loop that translates, with features *accept* likes (else Decline)."""
    def edit_for(fn: ast.FunctionDef, loop: ast.For, ctx: Context) -> Edit:
        stmts, tr, _ = translate_nest(ctx, fn, loop)
        if not accept(tr.features):
            raise Decline("the loop is another rule's kind")
        if tr.guards:  # fall back to the loop where the whole-array form would differ
            guard = tr.guards[0] if len(tr.guards) == 1 else ast.BoolOp(ast.And(), tr.guards)
            return guarded_replace(ctx, loop, guard, stmts)
        return replace_stmts(ctx, loop, loop, stmts)

    return edit_for


def elementwise_loop(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """An element-by-element loop over arrays (1-D or nested) -> one numpy expression.

    Preconditions: those of this module (a rectangular nest over range() or
    one array; assignments at the loop indices; nothing carried between
    rounds; pure calls), and every round reads single elements only: no
    windows, no whole rows. Conditionals become np.where.
    """
    return rewrite_outer_loops(fn, ctx, _vectorized(lambda features: not features & {"window", "row"}))


def sliding_window(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """A loop reducing a fixed-size moving window -> a reduction over a sliding-window view.

    Preconditions: those of this module, and at least one read is a window
    ``a[i+c : i+c+w]`` of a size w that does not change in the loop, reduced
    by sum / mean / max / min / std / var / median. Where a window would not
    be whole (w < 1, or past the end), the rewrite runs the original loop.
    """
    return rewrite_outer_loops(fn, ctx, _vectorized(lambda features: "window" in features))


def row_broadcast(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """A loop over rows (e.g. pairwise distances) -> a broadcast over a new axis.

    Preconditions: those of this module, and some read is a whole row or
    slice ``x[i]`` / ``x[i, :k]`` of an array with more dimensions than the
    loop indexes; reductions of rows (np.sum, .mean(), np.linalg.norm, ...)
    get an axis, so each round's row becomes one slice of a broadcast.
    """
    return rewrite_outer_loops(fn, ctx, _vectorized(lambda features: "row" in features and "window" not in features))

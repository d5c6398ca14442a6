"""Rule: a per-pixel function of a uint8 image becomes a 256-entry lookup table."""
from __future__ import annotations

import ast
import copy
import types
from typing import cast

from ..engine.build import assign, call, const, name, parse_expr
from ..engine.context import Context
from ..engine.loops import read_outside, replacing_loop, rewrite_outer_loops
from ..engine.names import names_stored, walk_all
from ..engine.nest import Nest, loop_nest, loop_vars, stored_in
from ..engine.purity import is_pure_call
from ..engine.rewrite import Decline, Rewrite

TABLE_DTYPES = ("uint8",)


def lookup_table(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """A loop computing each output pixel from the same uint8 input pixel only -> a 256-entry table.

    Matches a nest of ``for`` loops over ``range()`` whose body is temporaries
    and one final ``out[i, j] = f(img[i, j])``, where img is always a uint8
    array, every read of an array is ``img`` at exactly the index written in
    ``out``, the indices are used nowhere else, other names do not change in
    the loop, and calls are pure (math, numpy, builtins) or the user's own
    functions, which are taken to depend on their arguments only. f then runs
    once per grey level that occurs, with the same kind of value (a numpy
    uint8), and each output pixel is looked up; levels that do not occur are
    never computed, so f raises only where the loop would have.
    """
    return rewrite_outer_loops(fn, ctx, replacing_loop(_tabulate))


def _tabulate(fn: ast.FunctionDef, loop: ast.For, ctx: Context) -> list[ast.stmt]:
    nest = loop_nest(ctx, loop)
    if nest.bindings:
        raise Decline("the loop runs over an array's elements, not its indices")
    body = nest.body
    if any(isinstance(n, (ast.For, ast.While, ast.Break, ast.Continue, ast.Return, ast.Try, ast.Yield))
           for n in walk_all(body)):
        raise Decline("the loop body loops, jumps or returns")
    target = _only_write(body)
    if not _always_writes(body, target):
        raise Decline("some rounds leave the output pixel as it was")
    image = _only_pixel_read(nest, body, target)
    out = _check_image(ctx, image, target, nest)
    _check_rest(fn, loop, nest, body, target, out, ctx)
    return _emit(ctx, nest, body, target, image, out)


def _only_write(body: list[ast.stmt]) -> ast.Subscript:
    stores = [n for n in walk_all(body) if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store)]
    if not stores or len({ast.dump(n) for n in stores}) != 1:
        raise Decline("the loop does not write exactly one array element")
    if any(isinstance(n, ast.AugAssign) for n in walk_all(body)) and any(
            isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Subscript) for n in walk_all(body)):
        raise Decline("the output pixel is updated, not written")
    return stores[0]


def _always_writes(body: list[ast.stmt], target: ast.Subscript) -> bool:
    for stmt in body:
        if isinstance(stmt, ast.Assign) and any(ast.dump(t) == ast.dump(target) for t in stmt.targets):
            return True
        if isinstance(stmt, ast.If) and stmt.orelse and _always_writes(stmt.body, target) \
                and _always_writes(stmt.orelse, target):
            return True
    return False


def _only_pixel_read(nest: Nest, body: list[ast.stmt], target: ast.Subscript) -> str:
    reads = [n for s in body for n in ast.walk(s) if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load)]
    arrays = [r.value for r in reads if isinstance(r.value, ast.Name)]
    if not reads or len(arrays) != len(reads) or any(ast.dump(r.slice) != ast.dump(target.slice) for r in reads):
        raise Decline("the loop reads arrays at other places than the one pixel it writes")
    images = {a.id for a in arrays}
    if len(images) != 1:
        raise Decline("the loop reads more than one array")
    index = target.slice.elts if isinstance(target.slice, ast.Tuple) else [target.slice]
    if [i.id if isinstance(i, ast.Name) else None for i in index] != [a.var for a in nest.axes]:
        raise Decline("the pixel is not indexed by the loop variables in order")
    return images.pop()


def _check_image(ctx: Context, image: str, target: ast.Subscript, nest: Nest) -> str:
    """The name of the output array, once the image and the output have the shapes the table needs."""
    kinds = ctx.kinds_of(image)
    if not kinds or not all(k.type == "ndarray" and k.dtype in TABLE_DTYPES for k in kinds):
        raise Decline(f"{image} is not always a uint8 array")
    if ctx.array_ndim(image) != len(nest.axes):
        raise Decline(f"{image} has more dimensions than the loops")
    out = target.value
    if not isinstance(out, ast.Name) or ctx.array_ndim(out.id) != len(nest.axes):
        raise Decline("the output is not an array with one dimension per loop")
    return out.id


def _check_rest(fn: ast.FunctionDef, loop: ast.For, nest: Nest, body: list[ast.stmt],
                target: ast.Subscript, out: str, ctx: Context) -> None:
    indices = loop_vars(nest)
    subscripts = [n for n in walk_all(body) if isinstance(n, ast.Subscript)]
    index_uses = sum(1 for n in walk_all(body) if isinstance(n, ast.Name) and n.id in indices)
    if index_uses != len(nest.axes) * len(subscripts):
        raise Decline("the loop indices are used for more than indexing the pixel")
    temps = names_stored(body) - indices
    changed = stored_in(nest) - temps - indices
    loaded = [n.id for n in walk_all(body) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
    of_out = [n for n in subscripts if isinstance(n.value, ast.Name) and n.value.id == out]
    if set(loaded) & changed or loaded.count(out) > len(of_out):
        raise Decline("something read in the loop changes in it, or the output is read")
    if any(isinstance(n.ctx, ast.Load) for n in of_out) \
            and out != _image_of(body, target):
        raise Decline("the output is read in the loop")
    for node in walk_all(body):
        if isinstance(node, ast.Call) and not (is_pure_call(ctx, node) or _users_function(ctx, node)):
            raise Decline(f"{ast.unparse(node.func)}() may have side effects")
    if read_outside(fn, loop, indices | temps):
        raise Decline("loop variables or temporaries are read after the loop")


def _image_of(body: list[ast.stmt], target: ast.Subscript) -> str | None:
    reads = [n.value.id for n in walk_all(body)
             if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load) and isinstance(n.value, ast.Name)]
    return reads[0] if reads else None


def _users_function(ctx: Context, node: ast.Call) -> bool:
    func = node.func
    return isinstance(func, ast.Name) and func.id not in ctx.kinds and isinstance(ctx.globals.get(func.id), types.FunctionType)


def _emit(ctx: Context, nest: Nest, body: list[ast.stmt], target: ast.Subscript, image: str, out: str) -> list[ast.stmt]:
    np_ = ctx.module("numpy")
    table, level, pixel = ctx.fresh(f"{image}_table"), ctx.fresh("level"), ctx.fresh("pixel")
    region = _region(nest)
    pixels = ast.Subscript(name(image), region, ast.Load())
    counts = call(f"{np_}.bincount", call(ast.Attribute(pixels, "ravel", ast.Load())), minlength=const(256))
    present = call(f"{np_}.flatnonzero", counts)
    swapped = [_with_pixel(s, target, pixel, table, level) for s in body]
    return [
        assign(table, call(f"{np_}.zeros", const(256), dtype=parse_expr(f"{out}.dtype"))),
        ast.For(ast.Name(level, ast.Store()), present,
                [assign(pixel, call(f"{image}.dtype.type", name(level))), *swapped], []),
        assign(ast.Subscript(name(out), copy.deepcopy(region), ast.Store()),
               ast.Subscript(name(table), copy.deepcopy(pixels), ast.Load())),
    ]


def _region(nest: Nest) -> ast.expr:
    slices: list[ast.expr] = [
        ast.Slice(None if isinstance(a.start, ast.Constant) and a.start.value == 0 else a.start, a.stop, None)
        for a in nest.axes]
    return slices[0] if len(slices) == 1 else ast.Tuple(slices, ast.Load())


def _with_pixel(stmt: ast.stmt, target: ast.Subscript, pixel: str, table: str, level: str) -> ast.stmt:
    """The statement for one grey level: the pixel read becomes *pixel*, the write goes to the table."""
    dump = ast.dump(target.slice)

    class Swap(ast.NodeTransformer):
        def visit_Subscript(self, node: ast.Subscript) -> ast.AST:
            if ast.dump(node.slice) != dump:
                return self.generic_visit(node)
            if isinstance(node.ctx, ast.Load):
                return name(pixel)
            return ast.Subscript(name(table), name(level), ast.Store())

    return cast(ast.stmt, Swap().visit(copy.deepcopy(stmt)))  # a statement stays one: only subscripts change

"""Loop nests the translator can take: rectangular nests over range() or one numpy array."""
from __future__ import annotations

import ast
import copy
from dataclasses import dataclass

from .build import call, const, name
from .context import Context
from .names import names_loaded, names_stored
from .rewrite import Decline
from .translator import Translator
from .vec import Axis, Vec

ElementBinding = tuple[str, int]  # `for x in a`: (a, a's ndim)


@dataclass
class Nest:
    """A perfect nest of loops (each body is the next loop) and the innermost body."""

    loops: list[ast.For]
    axes: list[Axis]
    bindings: dict[str, ElementBinding]  # `for x in a`: x -> (a, ndim)
    body: list[ast.stmt]


def is_inert(stmt: ast.stmt) -> bool:
    """``pass``, or a bare constant such as a docstring: it does nothing."""
    return isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))


def loop_nest(ctx: Context, loop: ast.stmt, max_depth: int = 3) -> Nest:
    """The nest that starts at *loop*, when every level runs over range() (or one array)."""
    loops: list[ast.For] = []
    axes: list[Axis] = []
    bindings: dict[str, ElementBinding] = {}
    current = loop
    while True:
        if not isinstance(current, ast.For) or current.orelse:
            raise Decline("not a plain for loop")
        axis, binding = _iteration(ctx, current, axes)
        loops.append(current)
        axes.append(axis)
        bindings.update(binding)
        body = [s for s in current.body if not is_inert(s)]
        if len(body) == 1 and isinstance(body[0], ast.For) and len(loops) < max_depth:
            current = body[0]
            continue
        if bindings and len(axes) > 1:
            raise Decline("a loop over an array's elements inside another loop")
        return Nest(loops, axes, bindings, body)


def _iteration(ctx: Context, loop: ast.For, outer: list[Axis]) -> tuple[Axis, dict[str, ElementBinding]]:
    it, target = loop.iter, loop.target
    outer_vars = {a.var for a in outer if a.var}
    if names_loaded([it]) & outer_vars:
        raise Decline("the inner loop's range depends on the outer loop (not a rectangle)")
    if _is_builtin_call(ctx, it, "range") and isinstance(target, ast.Name):
        assert isinstance(it, ast.Call)
        return _range_axis(target.id, it.args), {}
    if isinstance(it, ast.Name) and isinstance(target, ast.Name):
        ndim = ctx.array_ndim(it.id)
        if ndim:
            return Axis(None, const(0), call("len", name(it.id))), {target.id: (it.id, ndim)}
    enumerated = _enumerated_array(ctx, it, target)
    if enumerated is not None:
        index, element, array, ndim = enumerated
        return Axis(index, const(0), call("len", name(array))), {element: (array, ndim)}
    raise Decline("the loop runs over something other than range() or a numpy array")


def _is_builtin_call(ctx: Context, node: ast.expr, fname: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == fname \
        and (fname != "range" or "range" not in ctx.globals) and not node.keywords


def _range_axis(var: str, args: list[ast.expr]) -> Axis:
    if len(args) == 3 and not (isinstance(args[2], ast.Constant) and args[2].value == 1):
        raise Decline("a range with a step")
    if len(args) == 1:
        return Axis(var, const(0), args[0])
    if len(args) in (2, 3):
        return Axis(var, args[0], args[1])
    raise Decline("the loop runs over something other than range() or a numpy array")


def _enumerated_array(ctx: Context, it: ast.expr, target: ast.expr) -> tuple[str, str, str, int] | None:
    """(index, element, array, ndim) for ``for index, element in enumerate(array)``."""
    if not (_is_builtin_call(ctx, it, "enumerate") and isinstance(target, ast.Tuple) and len(target.elts) == 2):
        return None
    assert isinstance(it, ast.Call)
    index, element = target.elts
    if len(it.args) != 1 or not isinstance(it.args[0], ast.Name) or not isinstance(index, ast.Name) \
            or not isinstance(element, ast.Name):
        return None
    array = it.args[0].id
    ndim = ctx.array_ndim(array)
    return (index.id, element.id, array, ndim) if ndim else None


def translator_for(ctx: Context, nest: Nest, stored: set[str], written: dict[str, str] | None = None) -> Translator:
    tr = Translator(ctx, nest.axes, stored, written or {})
    for var, (arr, ndim) in nest.bindings.items():
        tr.env[var] = Vec(name(arr), frozenset({0}), ndim - 1)
        if ndim > 1:
            tr.features.add("row")
    return tr


def loop_vars(nest: Nest) -> set[str]:
    return {a.var for a in nest.axes if a.var} | set(nest.bindings)


def stored_in(nest: Nest) -> set[str]:
    return names_stored(nest.body) | loop_vars(nest)


def full_size(nest: Nest) -> ast.expr:
    """How many rounds the nest runs, as an expression."""
    sizes = [call("len", call("range", a.start, a.stop)) for a in nest.axes]
    result: ast.expr = sizes[0]
    for size in sizes[1:]:
        result = ast.BinOp(result, ast.Mult(), size)
    return result


def has_rounds(nest: Nest) -> ast.expr:
    """An expression that is true when the nest runs at least one round."""
    tests = [_axis_has_rounds(a) for a in nest.axes]
    return tests[0] if len(tests) == 1 else ast.BoolOp(ast.And(), tests)


def _axis_has_rounds(axis: Axis) -> ast.expr:
    from_zero = isinstance(axis.start, ast.Constant) and axis.start.value == 0
    stop = copy.deepcopy(axis.stop)
    if from_zero and _never_negative(stop):
        return stop
    return ast.Compare(stop, [ast.Gt()], [copy.deepcopy(axis.start)])


def _never_negative(node: ast.expr) -> bool:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
        return True
    if isinstance(node, ast.Attribute) and node.attr == "size":
        return True
    return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "shape"

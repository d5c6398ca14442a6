"""Turn the body of a loop over array indices into whole-array numpy expressions.

Not a rule itself: the engine that the loop rules share. A loop nest
``for i in range(A, B): for j in range(C, D): ...`` has one *axis* per loop.
Every expression of the body is translated into a `Vec`: a numpy expression
whose leading dimensions are the loop axes (size 1 where it does not depend on
one) followed by `elem` dimensions of its own (a row ``x[i]`` of a 2-D ``x``,
a window ``x[i-1:i+2]``). Anything the engine does not understand raises
`Decline`, so a rule that uses it fires only on loops it can translate whole.

Translations: ``a[i+k]`` -> ``a[A+k:B+k]``; ``i`` -> ``np.arange(A, B)``;
``a[i-1:i+2]`` -> a sliding window view; ``math.f`` / ``abs`` / ``round`` /
``min`` / ``max`` of two values -> their numpy ufuncs; ``x if c else y`` and
if-statements -> ``np.where``; ``and`` / ``or`` / ``not`` on conditions ->
``&`` / ``|`` / ``~``; reductions of rows and windows get an ``axis``.
"""
from __future__ import annotations

import ast
import copy
import types
from dataclasses import dataclass, field

import numpy

from .base import (
    MATH_TO_NUMPY,
    PURE_BUILTINS,
    PURE_METHODS,
    Context,
    Decline,
    call,
    const,
    name,
    names_loaded,
    names_stored,
    parse_expr,
    same,
)

REDUCTIONS = frozenset({"sum", "mean", "max", "min", "std", "var", "prod", "any", "all", "median"})
NUMPY_ELEMENTWISE = frozenset({"where", "clip", "round", "around", "abs", "absolute"})


@dataclass(frozen=True)
class Axis:
    var: str | None  # the loop variable holding the index (None: `for x in a` hides it)
    start: ast.expr
    stop: ast.expr


@dataclass(frozen=True)
class Vec:
    node: ast.expr
    axes: frozenset = frozenset()  # loop axes it varies along
    elem: int = 0  # trailing dimensions of its own (rows, windows)
    boolean: bool = False

    @property
    def varying(self) -> bool:
        return bool(self.axes)


@dataclass
class Translator:
    ctx: Context
    axes: list[Axis]
    stored: set[str]  # names bound inside the loop: not invariant unless translated
    written: dict[str, str] = field(default_factory=dict)  # array -> dump of the index it is written at
    env: dict[str, Vec] = field(default_factory=dict)
    features: set[str] = field(default_factory=set)  # "window", "row", "gather"

    def __post_init__(self) -> None:
        self.np = self.ctx.module("numpy")
        self.done_writing: set[str] = set()
        self.guards: list[ast.expr] = []  # conditions under which the whole-array form is exact
        for k, axis in enumerate(self.axes):
            if axis.var:
                self.env[axis.var] = Vec(self._arange(k), frozenset({k}))

    # -- expressions -------------------------------------------------------

    def expr(self, node: ast.expr) -> Vec:
        method = getattr(self, f"_{type(node).__name__.lower()}", None)
        if method is None:
            raise Decline(f"cannot vectorize {type(node).__name__} expressions")
        return method(node)

    def _constant(self, node: ast.Constant) -> Vec:
        if not isinstance(node.value, (int, float, complex, bool)) or node.value is None:
            raise Decline("a non-numeric constant in the loop")
        return Vec(node, boolean=isinstance(node.value, bool))

    def _name(self, node: ast.Name) -> Vec:
        if node.id in self.env:
            return self.env[node.id]
        if node.id in self.stored:
            raise Decline(f"{node.id} is carried from one iteration to the next")
        ndim = self.ctx.array_ndim(node.id)
        kind = self.ctx.kind(node.id)
        return Vec(node, elem=ndim or 0, boolean=bool(kind and kind.type == "bool"))

    def _binop(self, node: ast.BinOp) -> Vec:
        left, right = self.align(self.expr(node.left), self.expr(node.right))
        both_bool = left.boolean and right.boolean and isinstance(node.op, (ast.BitAnd, ast.BitOr, ast.BitXor))
        return self.combine(ast.BinOp(left.node, node.op, right.node), left, right, boolean=both_bool)

    def _unaryop(self, node: ast.UnaryOp) -> Vec:
        inner = self.expr(node.operand)
        if isinstance(node.op, ast.Not):
            if not inner.varying:
                return Vec(node, boolean=True)
            if not inner.boolean:
                raise Decline("`not` of a value that is not a condition")
            return self.combine(ast.UnaryOp(ast.Invert(), inner.node), inner, boolean=True)
        return self.combine(ast.UnaryOp(node.op, inner.node), inner, boolean=inner.boolean and isinstance(node.op, ast.Invert))

    def _compare(self, node: ast.Compare) -> Vec:
        if any(isinstance(op, (ast.In, ast.NotIn, ast.Is, ast.IsNot)) for op in node.ops):
            raise Decline("`in` / `is` cannot be vectorized")
        operands = [self.expr(x) for x in [node.left, *node.comparators]]
        parts = []
        for (a, b), op in zip(zip(operands, operands[1:]), node.ops):
            a, b = self.align(a, b)
            parts.append(self.combine(ast.Compare(a.node, [op], [b.node]), a, b, boolean=True))
        return self._all_of(parts, ast.BitAnd())

    def _boolop(self, node: ast.BoolOp) -> Vec:
        values = [self.expr(v) for v in node.values]
        if not any(v.varying for v in values):
            return Vec(node, boolean=all(v.boolean for v in values))
        if not all(v.boolean for v in values):
            raise Decline("`and` / `or` of values that are not conditions")
        return self._all_of(values, ast.BitAnd() if isinstance(node.op, ast.And) else ast.BitOr())

    def _all_of(self, parts: list[Vec], op: ast.operator) -> Vec:
        result = parts[0]
        for part in parts[1:]:
            a, b = self.align(result, part)
            result = self.combine(ast.BinOp(a.node, op, b.node), a, b, boolean=True)
        return result

    def _ifexp(self, node: ast.IfExp) -> Vec:
        return self.where(self.expr(node.test), self.expr(node.body), self.expr(node.orelse))

    def where(self, cond: Vec, yes: Vec, no: Vec) -> Vec:
        if not (cond.varying or yes.varying or no.varying):
            return Vec(ast.IfExp(cond.node, yes.node, no.node))
        cond, yes = self.align(cond, yes)
        cond, no = self.align(cond, no)
        yes, no = self.align(yes, no)
        node = call(f"{self.np}.where", cond.node, yes.node, no.node)
        return self.combine(node, cond, yes, no, boolean=yes.boolean and no.boolean)

    def _attribute(self, node: ast.Attribute) -> Vec:
        inner = self.expr(node.value) if not isinstance(node.value, ast.Name) else self._name(node.value)
        if inner.varying:
            raise Decline(f"attribute .{node.attr} of a value that changes in the loop")
        self._check_invariant(node)
        return Vec(node)

    def _subscript(self, node: ast.Subscript) -> Vec:
        if self._invariant(node):
            return Vec(node, elem=self._invariant_elem(node))
        if not isinstance(node.value, ast.Name):
            raise Decline("indexing something other than a named array")
        return self.index(node, ast.Load())

    def _call(self, node: ast.Call) -> Vec:
        if self._invariant(node):
            self._check_invariant(node)
            return Vec(node)
        if any(k.arg is None for k in node.keywords) or any(isinstance(a, ast.Starred) for a in node.args):
            raise Decline("*args / **kwargs in a call")
        func = node.func
        if isinstance(func, ast.Name):
            return self._builtin_call(func.id, node)
        if isinstance(func, ast.Attribute):
            target = self.resolve(func)
            if target is not None:
                return self._module_call(target, node)
            return self._method_call(node)
        raise Decline("a call this rule does not know")

    # -- calls -------------------------------------------------------------

    def _builtin_call(self, fname: str, node: ast.Call) -> Vec:
        if fname in self.ctx.kinds or fname in self.ctx.globals:
            raise Decline(f"{fname} is not the builtin")
        args = [self.expr(a) for a in node.args]
        if node.keywords:
            raise Decline(f"keyword arguments to {fname}")
        if fname == "abs" and len(args) == 1:
            return self.ufunc("abs", args)
        if fname == "round" and len(args) == 1:
            return self.ufunc("round", args)
        if fname in ("min", "max") and len(args) >= 2:
            return self._nested_minmax("minimum" if fname == "min" else "maximum", args)
        if fname in ("min", "max", "sum") and len(args) == 1 and args[0].elem == 1:
            return self.reduce(args[0], fname)
        if fname == "float" and len(args) == 1:
            return self.combine(call(ast.Attribute(args[0].node, "astype"), parse_expr(f"{self.np}.float64")), args[0])
        if fname == "int" and len(args) == 1:  # truncates toward zero, like int()
            return self.combine(call(ast.Attribute(args[0].node, "astype"), parse_expr(f"{self.np}.int64")), args[0])
        raise Decline(f"{fname}() cannot be vectorized")

    def _nested_minmax(self, ufunc: str, args: list[Vec]) -> Vec:
        result = args[0]
        for arg in args[1:]:
            result = self.ufunc(ufunc, [result, arg])
        return result

    def _module_call(self, target: object, node: ast.Call) -> Vec:
        func = node.func
        args = [self.expr(a) for a in node.args]
        kwargs = {k.arg: self.expr(k.value) for k in node.keywords}
        if any(v.varying for v in kwargs.values()):
            raise Decline("a keyword argument that changes in the loop")
        module = _module_name(target)
        if module == "math" and func.attr in MATH_TO_NUMPY and not kwargs:
            return self.ufunc(MATH_TO_NUMPY[func.attr], args)
        if module == "numpy" and (isinstance(target, numpy.ufunc) or func.attr in NUMPY_ELEMENTWISE):
            return self.ufunc(func.attr, args, {k.arg: k.value for k in node.keywords})
        if module == "numpy" and func.attr in REDUCTIONS and len(args) == 1 and not kwargs:
            return self.reduce(args[0], func.attr)
        if module == "numpy.linalg" and func.attr == "norm" and len(args) == 1 and args[0].elem == 1:
            return self.reduce(args[0], "norm")
        if module == "numpy" and func.attr == "dot" and len(args) == 2 and args[0].elem == args[1].elem == 1:
            a, b = self.align(*args)
            return self.reduce(self.combine(ast.BinOp(a.node, ast.Mult(), b.node), a, b), "sum")
        raise Decline(f"{ast.unparse(func)}() cannot be vectorized")

    def _method_call(self, node: ast.Call) -> Vec:
        func = node.func
        owner = self.expr(func.value)
        if func.attr in REDUCTIONS and not node.args and not node.keywords and owner.varying:
            return self.reduce(owner, func.attr)
        raise Decline(f".{func.attr}() cannot be vectorized")

    def ufunc(self, fname: str, args: list[Vec], keywords: dict | None = None) -> Vec:
        if len(args) == 2:
            args = list(self.align(*args))
        node = call(f"{self.np}.{fname}", *[a.node for a in args], **(keywords or {}))
        return self.combine(node, *args, boolean=fname.startswith("is"))

    def reduce(self, owner: Vec, how: str) -> Vec:
        """A reduction of each row / window: over the trailing dimensions only."""
        if owner.elem == 0:
            raise Decline(f"{how}() of a single value")
        axis = const(-1) if owner.elem == 1 else ast.Tuple([const(-k) for k in range(owner.elem, 0, -1)], ast.Load())
        if how == "norm":
            node = call(f"{self.np}.linalg.norm", owner.node, axis=axis)
        elif how == "median":
            node = call(f"{self.np}.median", owner.node, axis=axis)
        else:
            node = call(ast.Attribute(owner.node, how), axis=axis)
        return Vec(node, owner.axes, 0, boolean=how in ("any", "all"))

    # -- indexing ----------------------------------------------------------

    def index(self, node: ast.Subscript, ctx: ast.expr_context) -> Vec:
        """``a[i, j+1]`` over the loop axes as a slice (or window view) of the whole array."""
        base = node.value.id
        if base in self.env or base in self.stored:
            raise Decline(f"indexing {base}, which changes in the loop")
        self._check_written(base, node, ctx)
        ndim = self.ctx.array_ndim(base)
        if ndim is None:
            raise Decline(f"{base} is not always a numpy array")
        parts = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        if len(parts) > ndim:
            raise Decline(f"too many indices for {base}")
        gathered = self._gather(node, parts, ndim)
        if gathered is not None:
            return gathered
        return self._slice_view(node, parts, ndim, ctx)

    def _gather(self, node: ast.Subscript, parts: list[ast.expr], ndim: int) -> Vec | None:
        if len(parts) != 1 or self._offset(parts[0]) is not None:
            return None
        if isinstance(parts[0], ast.Slice):
            return None
        index = self.expr(parts[0])
        if not index.varying or index.elem:
            return None
        self.features.add("gather")
        return Vec(ast.Subscript(node.value, index.node, ast.Load()), index.axes, ndim - 1)

    def _slice_view(self, node: ast.Subscript, parts: list[ast.expr], ndim: int, ctx: ast.expr_context) -> Vec:
        kinds = [self._part(p) for p in parts]
        loop_parts = [(pos, k) for pos, k in enumerate(kinds) if k[0] in ("var", "window")]
        if not loop_parts:
            raise Decline("an index that changes in the loop in a way this rule does not know")
        order = [k[1] for _, k in loop_parts]
        if order != sorted(set(order)):
            raise Decline("the array is indexed in another order than the loops run")
        last_loop_pos = loop_parts[-1][0]
        if any(k[0] == "slice" and pos < last_loop_pos for pos, k in enumerate(kinds)):
            raise Decline("a slice before a loop index")
        windows = [(pos, k) for pos, k in enumerate(kinds) if k[0] == "window"]
        remaining = ndim - len(parts)
        n_slices = sum(k[0] == "slice" for k in kinds)
        if windows and (remaining or n_slices):
            raise Decline("a window together with other whole dimensions")
        items: list[ast.expr] = []
        next_axis = 0
        for pos, part in enumerate(kinds):
            if part[0] in ("var", "window"):
                k, offset = part[1], part[2]
                items += [const(None)] * (part[1] - next_axis)
                items.append(self._axis_slice(k, offset))
                next_axis = k + 1
                if pos == last_loop_pos:
                    items += [const(None)] * (len(self.axes) - next_axis)
            else:
                items.append(parts[pos])
        base: ast.expr = node.value
        if windows:
            self.guards += [self._window_fits(node.value, pos, part) for pos, part in windows]
            base = self._window_view(base, windows)
            self.features.add("window")
        elem = remaining + n_slices + len(windows)
        if elem and not windows:
            self.features.add("row")
        axes = frozenset(k[1] for k in kinds if k[0] in ("var", "window"))
        if not windows and len(items) == 1 and _whole_length(items[0], node.value.id):  # a[:len(a)] is a
            return Vec(node.value if isinstance(ctx, ast.Load) else
                       ast.Subscript(node.value, ast.Slice(), ctx), axes, remaining)
        index = items[0] if len(items) == 1 else ast.Tuple(items, ast.Load())
        return Vec(ast.Subscript(base, index, ctx), axes, elem)

    def _part(self, part: ast.expr) -> tuple:
        offset = self._offset(part)
        if offset is not None:
            return ("var", *offset)
        if isinstance(part, ast.Slice):
            window = self._window(part)
            if window is not None:
                return window
            if self._invariant(part):
                return ("slice",)
            raise Decline("a slice whose bounds change in the loop but not as a fixed-size window")
        if self._invariant(part):
            self._check_invariant(part)
            return ("fixed",)
        raise Decline("an index computed from values that change in the loop")

    def _window(self, part: ast.Slice) -> tuple | None:
        """("window", axis, start offset, width) for ``a[i+c : i+c+w]`` with a fixed width."""
        lower, upper = self._offset(part.lower), self._offset(part.upper)
        if lower is None or part.step is not None:
            return None
        if upper and upper[0] == lower[0] and upper[1] > lower[1]:
            return ("window", lower[0], lower[1], const(upper[1] - lower[1]))
        up = part.upper
        if isinstance(up, ast.BinOp) and isinstance(up.op, ast.Add):
            for var, width in ((up.left, up.right), (up.right, up.left)):
                if isinstance(var, ast.Name) and self._axis_of(var.id) == lower[0] and self._invariant(width) \
                        and not isinstance(width, ast.Constant):
                    self._check_invariant(width)
                    size = width if lower[1] == 0 else ast.BinOp(width, ast.Sub(), const(lower[1]))
                    return ("window", lower[0], lower[1], size)
        return None

    def _offset(self, node: ast.expr | None) -> tuple[int, int] | None:
        """(axis, k) when *node* is ``i``, ``i + k`` or ``i - k`` for a loop index i."""
        if node is None:
            return None
        if isinstance(node, ast.Name):
            k = self._axis_of(node.id)
            return (k, 0) if k is not None else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            left, right = node.left, node.right
            if isinstance(right, ast.Constant) and type(right.value) is int and isinstance(left, ast.Name):
                k = self._axis_of(left.id)
                sign = 1 if isinstance(node.op, ast.Add) else -1
                return (k, sign * right.value) if k is not None else None
            if isinstance(left, ast.Constant) and type(left.value) is int and isinstance(right, ast.Name) \
                    and isinstance(node.op, ast.Add):
                k = self._axis_of(right.id)
                return (k, left.value) if k is not None else None
        return None

    def _axis_of(self, var: str) -> int | None:
        return next((k for k, axis in enumerate(self.axes) if axis.var == var), None)

    def _axis_slice(self, k: int, offset: int) -> ast.Slice:
        axis = self.axes[k]
        start = _plus(axis.start, offset)
        if isinstance(start, ast.Constant) and start.value < 0:
            raise Decline("the loop reads before the start of the array (a negative index wraps around)")
        if not isinstance(start, ast.Constant) and offset < 0:
            raise Decline("the loop may read before the start of the array")
        lower = None if isinstance(start, ast.Constant) and start.value == 0 else start
        return ast.Slice(lower, _plus(axis.stop, offset), None)

    def _window_fits(self, base: ast.expr, pos: int, part: tuple) -> ast.expr:
        """Every window the loop takes is whole: ``1 <= w <= n`` and the last one ends by n (or no rounds)."""
        _, k, offset, width = part
        axis = self.axes[k]
        length = ast.Subscript(ast.Attribute(copy.deepcopy(base), "shape", ast.Load()), const(pos), ast.Load())
        last_end = _plus(ast.BinOp(copy.deepcopy(axis.stop), ast.Add(), copy.deepcopy(width)), offset - 1)
        fits = ast.Compare(const(1), [ast.LtE(), ast.LtE()], [copy.deepcopy(width), length])
        empty = ast.Compare(copy.deepcopy(axis.stop), [ast.LtE()], [copy.deepcopy(axis.start)])
        ends = ast.BoolOp(ast.Or(), [empty, ast.Compare(last_end, [ast.LtE()], [copy.deepcopy(length)])])
        return ast.BoolOp(ast.And(), [fits, ends])

    def _window_view(self, base: ast.expr, windows: list[tuple[int, tuple]]) -> ast.expr:
        sizes = [w[1][3] for w in windows]
        positions = [const(w[0]) for w in windows]
        shape = sizes[0] if len(sizes) == 1 else ast.Tuple(sizes, ast.Load())
        axis = positions[0] if len(positions) == 1 else ast.Tuple(positions, ast.Load())
        return call(f"{self.np}.lib.stride_tricks.sliding_window_view", base, shape, axis=axis)

    def _check_written(self, base: str, node: ast.Subscript, ctx: ast.expr_context) -> None:
        if base not in self.written:
            return
        if isinstance(ctx, ast.Load) and (base in self.done_writing or ast.dump(node.slice) != self.written[base]):
            raise Decline(f"{base} is read at another place than it is written, or after")

    def _arange(self, k: int) -> ast.expr:
        axis = self.axes[k]
        node = call(f"{self.np}.arange", axis.start, axis.stop)
        trailing = len(self.axes) - k - 1
        if not trailing:
            return node
        items = [ast.Slice()] + [const(None)] * trailing
        return ast.Subscript(node, ast.Tuple(items, ast.Load()), ast.Load())

    # -- helpers -----------------------------------------------------------

    def align(self, a: Vec, b: Vec) -> tuple[Vec, Vec]:
        """Give both the same number of trailing dimensions, so loop axes line up."""
        if a.elem == b.elem or not (a.varying or b.varying):
            return a, b
        if a.elem < b.elem and (a.varying or a.elem):
            return self.expand(a, b.elem - a.elem), b
        if b.elem < a.elem and (b.varying or b.elem):
            return a, self.expand(b, a.elem - b.elem)
        return a, b

    def expand(self, vec: Vec, extra: int) -> Vec:
        items = [const(Ellipsis)] + [const(None)] * extra
        return Vec(ast.Subscript(vec.node, ast.Tuple(items, ast.Load()), ast.Load()), vec.axes, vec.elem + extra, vec.boolean)

    def combine(self, node: ast.expr, *parts: Vec, boolean: bool = False) -> Vec:
        return Vec(node, frozenset().union(*(p.axes for p in parts)), max(p.elem for p in parts), boolean)

    def _invariant(self, node: ast.expr) -> bool:
        loaded = names_loaded([node])
        varying = {n for n, v in self.env.items() if v.varying}
        return not (loaded & (self.stored | varying)) and not any(
            a.var in loaded for a in self.axes if a.var)

    def _check_invariant(self, node: ast.expr) -> None:
        """An invariant part is evaluated once instead of on every round: only pure calls."""
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call) and not self.pure_call(sub):
                raise Decline(f"{ast.unparse(sub.func)}() may have side effects")
            if isinstance(sub, ast.NamedExpr):
                raise Decline("an assignment expression in the loop")

    def _invariant_elem(self, node: ast.Subscript) -> int:
        if not isinstance(node.value, ast.Name):
            return 0
        ndim = self.ctx.array_ndim(node.value.id)
        if ndim is None:
            return 0
        parts = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        return max(0, ndim - sum(not isinstance(p, ast.Slice) for p in parts))

    def pure_call(self, node: ast.Call) -> bool:
        return is_pure_call(self.ctx, node)

    def resolve(self, node: ast.expr) -> object | None:
        return resolve_module_attr(self.ctx, node)


def is_pure_call(ctx: Context, node: ast.Call) -> bool:
    """Calls known to have no side effects: some builtins, math, numpy (not numpy.random), array methods."""
    func = node.func
    if isinstance(func, ast.Name):
        return func.id in PURE_BUILTINS and func.id not in ctx.globals and func.id not in ctx.kinds
    if not isinstance(func, ast.Attribute):
        return False
    target = resolve_module_attr(ctx, func)
    if target is not None:
        module = _module_name(target)
        return module is not None and module.split(".")[0] in ("math", "numpy") and "random" not in module
    owner = func.value
    kind = ctx.kind(owner.id) if isinstance(owner, ast.Name) else None
    return func.attr in PURE_METHODS and kind is not None and kind.type in (
        "ndarray", "str", "npscalar", "float", "int", "bytes", "tuple", "list", "dict")


def resolve_module_attr(ctx: Context, node: ast.expr) -> object | None:
    """The object ``np.linalg.norm`` names, when it starts at a module in the globals."""
    chain = []
    while isinstance(node, ast.Attribute):
        chain.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id in ctx.kinds:
        return None
    value = ctx.globals.get(node.id)
    if not isinstance(value, types.ModuleType):
        return None
    for attr in reversed(chain):
        value = getattr(value, attr, None)
        if value is None:
            return None
    return value


def _module_name(target: object) -> str | None:
    if isinstance(target, types.ModuleType):
        return target.__name__
    module = getattr(target, "__module__", None)
    if isinstance(target, numpy.ufunc):
        return "numpy"
    if module is None:
        return None
    if module.startswith("numpy.linalg"):
        return "numpy.linalg"
    if module.startswith("numpy.random"):
        return "numpy.random"
    return "numpy" if module.startswith("numpy") else module


def _plus(node: ast.expr, offset: int) -> ast.expr:
    if offset == 0:
        return node
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return const(node.value + offset)
    op = ast.Add() if offset > 0 else ast.Sub()
    return ast.BinOp(copy.deepcopy(node), op, const(abs(offset)))


# -- loops ----------------------------------------------------------------------


@dataclass
class Nest:
    """A perfect nest of loops (each body is the next loop) and the innermost body."""

    loops: list[ast.For]
    axes: list[Axis]
    bindings: dict[str, tuple[str, int]]  # `for x in a`: x -> (a, ndim)
    body: list[ast.stmt]


def loop_nest(ctx: Context, loop: ast.stmt, max_depth: int = 3) -> Nest:
    """The nest that starts at *loop*, when every level runs over range() (or one array)."""
    loops, axes, bindings = [], [], {}
    current = loop
    while True:
        if not isinstance(current, ast.For) or current.orelse:
            raise Decline("not a plain for loop")
        axis, binding = _iteration(ctx, current, axes)
        loops.append(current)
        axes.append(axis)
        bindings.update(binding)
        body = [s for s in current.body if not _is_docstring(s)]
        if len(body) == 1 and isinstance(body[0], ast.For) and len(loops) < max_depth:
            current = body[0]
            continue
        if bindings and len(axes) > 1:
            raise Decline("a loop over an array's elements inside another loop")
        return Nest(loops, axes, bindings, body)


def _iteration(ctx: Context, loop: ast.For, outer: list[Axis]) -> tuple[Axis, dict]:
    it, target = loop.iter, loop.target
    outer_vars = {a.var for a in outer if a.var}
    if names_loaded([it]) & outer_vars:
        raise Decline("the inner loop's range depends on the outer loop (not a rectangle)")
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range" \
            and "range" not in ctx.globals and not it.keywords and isinstance(target, ast.Name):
        args = it.args
        if len(args) == 3 and not (isinstance(args[2], ast.Constant) and args[2].value == 1):
            raise Decline("a range with a step")
        if len(args) == 1:
            return Axis(target.id, const(0), args[0]), {}
        if len(args) in (2, 3):
            return Axis(target.id, args[0], args[1]), {}
    if isinstance(it, ast.Name) and isinstance(target, ast.Name) and ctx.array_ndim(it.id):
        return Axis(None, const(0), call("len", name(it.id))), {target.id: (it.id, ctx.array_ndim(it.id))}
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "enumerate" \
            and len(it.args) == 1 and not it.keywords and isinstance(it.args[0], ast.Name) \
            and ctx.array_ndim(it.args[0].id) and isinstance(target, ast.Tuple) and len(target.elts) == 2 \
            and all(isinstance(t, ast.Name) for t in target.elts):
        arr = it.args[0].id
        return Axis(target.elts[0].id, const(0), call("len", name(arr))), {target.elts[1].id: (arr, ctx.array_ndim(arr))}
    raise Decline("the loop runs over something other than range() or a numpy array")


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))


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
    result = sizes[0]
    for size in sizes[1:]:
        result = ast.BinOp(result, ast.Mult(), size)
    return result


def _whole_length(item: ast.expr, base: str) -> bool:
    """``:len(a)``, ``:a.shape[0]`` or ``:a.size`` (1-D) on a itself."""
    if not isinstance(item, ast.Slice) or item.lower is not None or item.step is not None:
        return False
    stop = item.upper
    if isinstance(stop, ast.Call) and isinstance(stop.func, ast.Name) and stop.func.id == "len" and len(stop.args) == 1:
        return isinstance(stop.args[0], ast.Name) and stop.args[0].id == base
    if isinstance(stop, ast.Subscript) and isinstance(stop.value, ast.Attribute) and stop.value.attr == "shape":
        return isinstance(stop.value.value, ast.Name) and stop.value.value.id == base and \
            isinstance(stop.slice, ast.Constant) and stop.slice.value == 0
    return False


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


def same_index(a: ast.expr, b: ast.expr) -> bool:
    return same(a, b)

"""The loop translator's calls: builtins, math, numpy and methods, as numpy ufuncs and reductions.

``math.f`` / ``abs`` / ``round`` / ``min`` / ``max`` of two values -> their
numpy ufuncs; reductions of rows and windows (``sum``, ``.mean()``,
``np.linalg.norm``, ...) get an ``axis`` over the trailing dimensions.
"""
from __future__ import annotations

import ast

import numpy

from .build import call, const, parse_expr
from .indexing import Indexing
from .purity import MATH_TO_NUMPY, module_name
from .rewrite import Decline
from .vec import Vec

REDUCTIONS = frozenset({"sum", "mean", "max", "min", "std", "var", "prod", "any", "all", "median"})
NUMPY_ELEMENTWISE = frozenset({"where", "clip", "round", "around", "abs", "absolute"})


class Calls(Indexing):
    def _builtin_call(self, fname: str, node: ast.Call) -> Vec:
        if fname in self.ctx.kinds or fname in self.ctx.globals:
            raise Decline(f"{fname} is not the builtin")
        args = [self.expr(a) for a in node.args]
        if node.keywords:
            raise Decline(f"keyword arguments to {fname}")
        if fname in ("abs", "round") and len(args) == 1:
            return self.ufunc(fname, args)
        if fname in ("min", "max") and len(args) >= 2:
            return self._nested_minmax("minimum" if fname == "min" else "maximum", args)
        if fname in ("min", "max", "sum") and len(args) == 1 and args[0].elem == 1:
            return self.reduce(args[0], fname)
        if fname in ("float", "int") and len(args) == 1:  # int() truncates toward zero, as astype does
            dtype = parse_expr(f"{self.np}.{fname}64")
            return self.combine(call(ast.Attribute(args[0].node, "astype"), dtype), args[0])
        raise Decline(f"{fname}() cannot be vectorized")

    def _nested_minmax(self, ufunc: str, args: list[Vec]) -> Vec:
        result = args[0]
        for arg in args[1:]:
            result = self.ufunc(ufunc, [result, arg])
        return result

    def _module_call(self, target: object, func: ast.Attribute, node: ast.Call) -> Vec:
        args = [self.expr(a) for a in node.args]
        kwargs = {k.arg: self.expr(k.value) for k in node.keywords}
        if any(v.varying for v in kwargs.values()):
            raise Decline("a keyword argument that changes in the loop")
        module = module_name(target)
        if module == "math" and func.attr in MATH_TO_NUMPY and not kwargs:
            return self.ufunc(MATH_TO_NUMPY[func.attr], args)
        if module == "numpy" and (isinstance(target, numpy.ufunc) or func.attr in NUMPY_ELEMENTWISE):
            return self.ufunc(func.attr, args, {k.arg: k.value for k in node.keywords if k.arg is not None})
        if module == "numpy" and func.attr in REDUCTIONS and len(args) == 1 and not kwargs:
            return self.reduce(args[0], func.attr)
        if module == "numpy.linalg" and func.attr == "norm" and len(args) == 1 and args[0].elem == 1:
            return self.reduce(args[0], "norm")
        if module == "numpy" and func.attr == "dot" and len(args) == 2 and args[0].elem == args[1].elem == 1:
            a, b = self.align(*args)
            return self.reduce(self.combine(ast.BinOp(a.node, ast.Mult(), b.node), a, b), "sum")
        raise Decline(f"{ast.unparse(func)}() cannot be vectorized")

    def _method_call(self, func: ast.Attribute, node: ast.Call) -> Vec:
        owner = self.expr(func.value)
        if func.attr in REDUCTIONS and not node.args and not node.keywords and owner.varying:
            return self.reduce(owner, func.attr)
        raise Decline(f".{func.attr}() cannot be vectorized")

    def ufunc(self, fname: str, args: list[Vec], keywords: dict[str, ast.expr] | None = None) -> Vec:
        if len(args) == 2:
            args = list(self.align(*args))
        node = call(f"{self.np}.{fname}", *[a.node for a in args], **(keywords or {}))
        return self.combine(node, *args, boolean=fname.startswith("is"))

    def reduce(self, owner: Vec, how: str) -> Vec:
        """A reduction of each row / window: over the trailing dimensions only."""
        if owner.elem == 0:
            raise Decline(f"{how}() of a single value")
        axis: ast.expr = const(-1) if owner.elem == 1 else ast.Tuple(
            [const(-k) for k in range(owner.elem, 0, -1)], ast.Load())
        if how == "norm":
            node = call(f"{self.np}.linalg.norm", owner.node, axis=axis)
        elif how == "median":
            node = call(f"{self.np}.median", owner.node, axis=axis)
        else:
            node = call(ast.Attribute(owner.node, how), axis=axis)
        return Vec(node, owner.axes, 0, boolean=how in ("any", "all"))

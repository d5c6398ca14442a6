"""The loop translator's calls: builtins, math, numpy and methods, as numpy ufuncs and reductions.

``math.f`` / ``abs`` / ``round`` / ``min`` / ``max`` of two values -> their
numpy ufuncs; reductions of rows and windows (``sum``, ``.mean()``,
``np.linalg.norm``, ...) get an ``axis`` over the trailing dimensions.
"""
from __future__ import annotations

import ast
import copy

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
        """max(a, b, ...) keeps the first of the largest: ``b if b > a else a`` pairwise. On ints that is
        np.maximum; with floats a NaN makes it depend on the order (max(nan, 1) is nan, max(1, nan) is 1), which
        np.maximum does not follow: the very np.where."""
        result = args[0]
        for arg in args[1:]:
            if self._integral(result) and self._integral(arg):
                result = self.ufunc(ufunc, [result, arg])
                continue
            a, b = self.align(result, arg)
            op: ast.cmpop = ast.Gt() if ufunc == "maximum" else ast.Lt()
            test = ast.Compare(copy.deepcopy(b.node), [op], [copy.deepcopy(a.node)])
            result = self.combine(call(f"{self.np}.where", test, b.node, a.node), a, b)
        return result

    def _integral(self, vec: Vec) -> bool:
        """*vec* holds ints only: int constants, arrays and names of ints, and what +, -, *, //, astype(int64),
        np.maximum/np.minimum make of them (no NaN among them)."""
        np = self.np
        for node in ast.walk(vec.node):
            if isinstance(node, ast.Constant) and not (type(node.value) is int or node.value in (None, Ellipsis)):
                return False
            if isinstance(node, ast.BinOp) and not isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv)):
                return False
            if isinstance(node, ast.Call) and ast.unparse(node.func).rsplit(".", 1)[-1] not in (
                    "astype", "maximum", "minimum", "arange"):
                return False
            if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("astype") \
                    and ast.unparse(node.args[0]) != f"{np}.int64":
                return False
            kinds = self.ctx.kinds_of(node.id) if isinstance(node, ast.Name) and node.id != np else None
            if kinds is not None and not (kinds and all(
                    k.type in ("int", "module") or k.type in ("ndarray", "npscalar") and k.dtype.startswith(("int", "uint"))
                    for k in kinds)):
                return False
        return True

    def _module_call(self, target: object, func: ast.Attribute, node: ast.Call) -> Vec:
        args = [self.expr(a) for a in node.args]
        kwargs = {k.arg: self.expr(k.value) for k in node.keywords}
        if any(v.varying for v in kwargs.values()):
            raise Decline("a keyword argument that changes in the loop")
        module = module_name(target)
        if module == "math" and func.attr in MATH_TO_NUMPY and not kwargs:
            out = self.ufunc(MATH_TO_NUMPY[func.attr], args)
            return Vec(out.node, out.axes, out.elem, out.boolean, python_bool=out.boolean)  # math.isnan: a Python bool
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

"""Which calls are pure, and the tables that say so (builtins, methods, math -> numpy)."""
from __future__ import annotations

import ast
import math
import types

import numpy

from .context import Context

PURE_BUILTINS = frozenset({"len", "abs", "min", "max", "round", "float", "int", "sum", "sorted", "bool",
                           "str", "tuple", "divmod", "pow", "any", "all", "isinstance", "ord", "chr", "range",
                           "enumerate", "zip", "reversed", "list", "set", "frozenset", "dict"})
PURE_METHODS = frozenset({
    "mean", "std", "var", "sum", "max", "min", "prod", "any", "all", "argmax", "argmin", "copy",
    "astype", "reshape", "ravel", "flatten", "cumsum", "nonzero", "dot", "round", "clip", "item",
    "lower", "upper", "strip", "lstrip", "rstrip", "split", "startswith", "endswith", "replace",
    "join", "format", "get", "keys", "values", "items", "count", "index", "find", "isdigit",
    "isalpha", "isspace", "title", "capitalize", "casefold", "encode", "decode", "tolist",
})
# the kinds of value whose PURE_METHODS change nothing
PURE_METHOD_OWNERS = frozenset({"ndarray", "str", "npscalar", "float", "int", "bytes", "tuple", "list", "dict"})
MATH_TO_NUMPY = {
    "sqrt": "sqrt", "exp": "exp", "log": "log", "log10": "log10", "log2": "log2", "log1p": "log1p",
    "expm1": "expm1", "sin": "sin", "cos": "cos", "tan": "tan", "asin": "arcsin", "acos": "arccos",
    "atan": "arctan", "atan2": "arctan2", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh",
    "floor": "floor", "ceil": "ceil", "fabs": "fabs", "hypot": "hypot", "isnan": "isnan",
    "isinf": "isinf", "isfinite": "isfinite", "trunc": "trunc", "degrees": "degrees",
    "radians": "radians", "copysign": "copysign", "pow": "power",
}
assert all(hasattr(math, k) and hasattr(numpy, v) for k, v in MATH_TO_NUMPY.items())


def is_pure_call(ctx: Context, node: ast.Call) -> bool:
    """Calls known to have no side effects: some builtins, math, numpy (not numpy.random), array methods."""
    func = node.func
    if isinstance(func, ast.Name):
        return func.id in PURE_BUILTINS and func.id not in ctx.globals and func.id not in ctx.kinds
    if not isinstance(func, ast.Attribute):
        return False
    target = resolve_module_attr(ctx, func)
    if target is not None:
        module = module_name(target)
        return module is not None and module.split(".")[0] in ("math", "numpy") and "random" not in module
    owner = func.value
    kind = ctx.kind(owner.id) if isinstance(owner, ast.Name) else None
    return func.attr in PURE_METHODS and kind is not None and kind.type in PURE_METHOD_OWNERS


def resolve_module_attr(ctx: Context, node: ast.expr) -> object | None:
    """The object ``np.linalg.norm`` names, when it starts at a module in the globals."""
    chain = []
    while isinstance(node, ast.Attribute):
        chain.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id in ctx.kinds:
        return None
    value: object | None = ctx.globals.get(node.id)
    if not isinstance(value, types.ModuleType):
        return None
    for attr in reversed(chain):
        value = getattr(value, attr, None)
        if value is None:
            return None
    return value


def module_name(target: object) -> str | None:
    """The module *target* comes from, with numpy's private submodules folded into numpy."""
    if isinstance(target, types.ModuleType):
        return target.__name__
    module = getattr(target, "__module__", None)
    if isinstance(target, numpy.ufunc):
        return "numpy"
    if not isinstance(module, str):
        return None
    if module.startswith("numpy.linalg"):
        return "numpy.linalg"
    if module.startswith("numpy.random"):
        return "numpy.random"
    return "numpy" if module.startswith("numpy") else module

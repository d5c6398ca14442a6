"""The loop translator's state: the axes, what each name translates to, and what is invariant.

`LoopScope` is the base the translator is built from (`indexing`, `calls`,
`translator`); `expr`, the translation of one expression, is the
translator's own.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .build import call, const
from .context import Context
from .names import names_loaded
from .purity import is_pure_call, resolve_module_attr
from .rewrite import Decline
from .vec import Axis, Vec, align, combine, expand


@dataclass
class LoopScope:
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

    def expr(self, node: ast.expr) -> Vec:
        """*node* as a whole-array expression over the loop axes (raises Decline when it cannot be)."""
        raise NotImplementedError

    def _arange(self, k: int) -> ast.expr:
        axis = self.axes[k]
        node = call(f"{self.np}.arange", axis.start, axis.stop)
        trailing = len(self.axes) - k - 1
        if not trailing:
            return node
        items: list[ast.expr] = [ast.Slice()] + [const(None)] * trailing
        return ast.Subscript(node, ast.Tuple(items, ast.Load()), ast.Load())

    # -- shapes (methods, so rules holding a translator need nothing else) ---

    def align(self, a: Vec, b: Vec) -> tuple[Vec, Vec]:
        return align(a, b)

    def expand(self, vec: Vec, extra: int) -> Vec:
        return expand(vec, extra)

    def combine(self, node: ast.expr, *parts: Vec, boolean: bool = False) -> Vec:
        return combine(node, *parts, boolean=boolean)

    # -- what does not change in the loop ------------------------------------

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

    def pure_call(self, node: ast.Call) -> bool:
        return is_pure_call(self.ctx, node)

    def resolve(self, node: ast.expr) -> object | None:
        return resolve_module_attr(self.ctx, node)

    # -- loop indices ---------------------------------------------------------

    def _axis_of(self, var: str) -> int | None:
        return next((k for k, axis in enumerate(self.axes) if axis.var == var), None)

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

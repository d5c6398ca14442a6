"""The loop translator's values: loop axes, and `Vec`, a whole-array expression laid out over them.

A loop nest ``for i in range(A, B): for j in range(C, D): ...`` has one
`Axis` per loop. A `Vec` is a numpy expression whose leading dimensions are
the loop axes (size 1 where it does not depend on one) followed by `elem`
dimensions of its own (a row ``x[i]`` of a 2-D ``x``, a window ``x[i-1:i+2]``).
"""
from __future__ import annotations

import ast
import copy
from dataclasses import dataclass

from .build import const


@dataclass(frozen=True)
class Axis:
    var: str | None  # the loop variable holding the index (None: `for x in a` hides it)
    start: ast.expr
    stop: ast.expr


@dataclass(frozen=True)
class Vec:
    node: ast.expr
    axes: frozenset[int] = frozenset()  # loop axes it varies along
    elem: int = 0  # trailing dimensions of its own (rows, windows)
    boolean: bool = False
    python_bool: bool = False  # a Python bool per element (`not`, math.isnan), where an array's element is np.bool_

    @property
    def varying(self) -> bool:
        return bool(self.axes)


def align(a: Vec, b: Vec) -> tuple[Vec, Vec]:
    """Give both the same number of trailing dimensions, so loop axes line up."""
    if a.elem == b.elem or not (a.varying or b.varying):
        return a, b
    if a.elem < b.elem and (a.varying or a.elem):
        return expand(a, b.elem - a.elem), b
    if b.elem < a.elem and (b.varying or b.elem):
        return a, expand(b, a.elem - b.elem)
    return a, b


def expand(vec: Vec, extra: int) -> Vec:
    """*vec* with *extra* trailing dimensions of size 1."""
    items: list[ast.expr] = [const(Ellipsis), *(const(None) for _ in range(extra))]
    return Vec(ast.Subscript(vec.node, ast.Tuple(items, ast.Load()), ast.Load()), vec.axes, vec.elem + extra, vec.boolean)


def combine(node: ast.expr, *parts: Vec, boolean: bool = False) -> Vec:
    """*node*, computed from *parts*: it varies along all their axes."""
    return Vec(node, frozenset[int]().union(*(p.axes for p in parts)), max(p.elem for p in parts), boolean)


def plus(node: ast.expr, offset: int) -> ast.expr:
    """``node + offset``, folded when node is an int constant."""
    if offset == 0:
        return node
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return const(node.value + offset)
    op: ast.operator = ast.Add() if offset > 0 else ast.Sub()
    return ast.BinOp(copy.deepcopy(node), op, const(abs(offset)))

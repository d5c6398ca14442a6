"""Builders of syntax-tree nodes, for the statements and expressions rules write."""
from __future__ import annotations

import ast
import types
from typing import TypeAlias

ConstantValue: TypeAlias = str | bytes | bool | int | float | complex | None | types.EllipsisType


def parse_expr(code: str) -> ast.expr:
    return ast.parse(code, mode="eval").body


def name(id_: str) -> ast.Name:
    return ast.Name(id=id_, ctx=ast.Load())


def store(id_: str) -> ast.Name:
    return ast.Name(id=id_, ctx=ast.Store())


def call(func: ast.expr | str, *args: ast.expr, **kwargs: ast.expr) -> ast.Call:
    func = parse_expr(func) if isinstance(func, str) else func
    return ast.Call(func=func, args=list(args), keywords=[ast.keyword(arg=k, value=v) for k, v in kwargs.items()])


def assign(target: str | ast.expr, value: ast.expr) -> ast.Assign:
    target = store(target) if isinstance(target, str) else target
    return ast.Assign(targets=[target], value=value, lineno=0)


def const(value: ConstantValue) -> ast.Constant:
    return ast.Constant(value=value)


def same(a: ast.AST, b: ast.AST) -> bool:
    """The same code, whatever its position."""
    return ast.dump(a) == ast.dump(b)

"""Which names code binds, reads and may change."""
from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

from .purity import PURE_METHODS


def walk_all(nodes: Iterable[ast.AST]) -> Iterator[ast.AST]:
    for node in nodes:
        yield from ast.walk(node)


def names_stored(nodes: Iterable[ast.AST]) -> set[str]:
    """Names bound anywhere in *nodes* (assignment targets, loop targets, imports...)."""
    out = set()
    for node in walk_all(nodes):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            out.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            out.add(node.name)
        elif isinstance(node, ast.alias):
            out.add((node.asname or node.name).split(".")[0])
    return out


def names_loaded(nodes: Iterable[ast.AST]) -> set[str]:
    return {n.id for n in walk_all(nodes) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def mutated_names(nodes: Iterable[ast.AST]) -> set[str]:
    """Names whose object may change: stored into, augmented, or passed to / called on by code we don't know."""
    out = set()
    for node in walk_all(nodes):
        if isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.ctx, (ast.Store, ast.Del)):
            base = base_name(node)
            if base:
                out.add(base)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            out.add(node.target.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            base = base_name(node.func.value)
            if base and node.func.attr not in PURE_METHODS:
                out.add(base)
    return out


def base_name(node: ast.expr) -> str | None:
    """``x`` for ``x[i].attr[j]``; None when the chain does not start at a name."""
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None

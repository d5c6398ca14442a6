"""Which function of a cell to optimize: the only one it defines, or the one named
with ``-f``; async functions and generators are refused with the reason."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from ..errors import UsageProblem, close_matches


@dataclass(frozen=True)
class FunctionDef:
    name: str
    lineno: int
    is_async: bool
    is_generator: bool


def functions_in(source: str) -> list[FunctionDef]:
    """The functions a cell defines at its top level."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        where = f"line {exc.lineno}: " if exc.lineno else ""
        raise UsageProblem(f"The cell has a syntax error ({where}{exc.msg}); fix it and run again.") from None
    return [
        FunctionDef(node.name, node.lineno, isinstance(node, ast.AsyncFunctionDef), _is_generator(node))
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]


def choose_target(source: str, name: str | None = None) -> str:
    """The name of the function to optimize: the only one, or *name*."""
    defs = functions_in(source)
    method = _method_hint(source, name)
    if method and (not defs if name is None else name not in {d.name for d in defs}):
        raise UsageProblem(method)
    if not defs:
        raise UsageProblem("The cell defines no function: put the slow code in a `def` in this cell, or "
                           "optimize a function defined elsewhere with `%optimize CALL`.")
    by_name = {d.name: d for d in defs}
    if name is None:
        if len(by_name) > 1:
            names = ", ".join(by_name)
            raise UsageProblem(f"The cell defines several functions ({names}): pick one with -f NAME.")
        chosen = defs[0]
    elif name in by_name:
        chosen = by_name[name]
    else:
        raise UsageProblem(f"-f {name}: the cell defines no function {name!r}.{close_matches(name, by_name)}")
    if chosen.is_async:
        raise UsageProblem(f"{chosen.name} is an async function; only plain functions can be optimized.")
    if chosen.is_generator:
        raise UsageProblem(
            f"{chosen.name} is a generator; wrap it in a function that returns a list and optimize that."
        )
    return chosen.name


def _method_hint(source: str, name: str | None) -> str:
    """For a cell whose classes define methods: how to optimize one ('' when it defines none that fits)."""
    classes = [node for node in ast.parse(source).body if isinstance(node, ast.ClassDef)]  # parsed by functions_in
    methods = [(cls.name, item.name) for cls in classes for item in cls.body
               if isinstance(item, ast.FunctionDef) and not item.name.startswith("__")]
    chosen = [(cls, m) for cls, m in methods if name is None or m == name]
    if not chosen:
        return ""
    cls, method = chosen[0]
    return (f"{method} is a method of {cls}: run this cell, make an object, then "
            f"`%optimize obj.{method}(...)` (the line magic) optimizes it with obj as self.")


def _is_generator(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """True if *node* itself yields (yields inside nested defs don't count)."""
    stack: list[ast.AST] = list(node.body)
    while stack:
        current = stack.pop()
        if isinstance(current, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(current))
    return False

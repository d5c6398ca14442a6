"""The function's domain as the user states it: ``--assume EXPR`` and ``optimize(..., assume=...)``.

An assumption is a Python expression over the function's parameter names
(``"w >= 1 and len(x) >= w"``), evaluated with a call's arguments bound to
those names and the function's globals and the builtins in reach, or, from
Python, a callable that takes the function's arguments and returns a bool.
`domain_for` checks them up front, without running anything: an expression
that does not parse, or names something that is neither a parameter nor a
global or builtin, is one `UsageProblem` line with the close match.

A `Domain` only keeps the text of each expression (and the user's callables),
so it travels to a sandbox child as it is; the expression is compiled there,
against the original's globals, the first time it is needed.
"""
from __future__ import annotations

import ast
import builtins
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from types import CodeType
from typing import Any

from ..errors import UsageProblem, close_matches
from ..model import Call


@dataclass(frozen=True)
class Assumption:
    """One assumption: *text* as the report shows it; *predicate* is the user's callable, or None for an expression."""

    text: str
    predicate: Callable[..., object] | None = None


@dataclass(frozen=True)
class Unmet:
    """Why a call is outside the domain: the assumption it fails, and the exception when evaluating it raised."""

    assumption: Assumption
    error: BaseException | None = None


@dataclass(frozen=True)
class Domain:
    """The assumptions in force (none: every input is in the domain)."""

    assumptions: tuple[Assumption, ...] = ()

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(a.text for a in self.assumptions)

    def unmet(self, func: Callable[..., object], call: Call) -> Unmet | None:
        """The first assumption *call* does not satisfy (an assumption that raises is not satisfied), or None.

        A call that does not fit *func*'s signature is no matter of the domain: the original's own
        TypeError says more, so it counts as inside.
        """
        if self.assumptions and not _binds(func, call):
            return None
        for assumption in self.assumptions:
            try:
                holds = bool(_evaluate(assumption, func, call))
            except Exception as exc:
                return Unmet(assumption, exc)
            if not holds:
                return Unmet(assumption)
        return None

    def admits(self, func: Callable[..., object], call: Call) -> bool:
        return self.unmet(func, call) is None

    def predicate(self, func: Callable[..., object]) -> Callable[[Call], bool] | None:
        """``call -> bool`` over *func*'s calls, or None when nothing is assumed (what the verifier takes)."""
        if not self.assumptions:
            return None
        return functools.partial(self.admits, func)


def domain_for(func: Callable[..., object], given: Any) -> Domain:
    """The Domain of *given*: None, an expression, a callable, or a list/tuple of them; mistakes are one line."""
    if given is None:
        return Domain()
    items = list(given) if isinstance(given, (list, tuple)) else [given]
    return Domain(tuple(_assumption(func, item) for item in items))


def _assumption(func: Callable[..., object], item: Any) -> Assumption:
    if isinstance(item, str):
        check_expression(func, item)
        return Assumption(item.strip())
    if callable(item):
        return Assumption(callable_text(item), item)
    raise UsageProblem(f"assume= takes an expression (a string) or a callable returning a bool, "
                       f"got {type(item).__name__} {item!r:.60}.")


def check_expression(func: Callable[..., object], text: str) -> None:
    """Raise a one-line UsageProblem unless *text* parses and names only parameters, globals and builtins."""
    tree = _parse(text)
    params = _parameters(func)
    known = set(params) | set(getattr(func, "__globals__", {})) | set(dir(builtins)) | _bound_inside(tree)
    for name in _names_read(tree):
        if name not in known:
            near = close_matches(name, params) or close_matches(name, known - set(dir(builtins)))
            raise UsageProblem(
                f"The assumption {text.strip()!r} names {name!r}, which is neither a parameter of "
                f"{func.__name__} ({', '.join(params)}) nor a name its code can see.{near}")


def _parse(text: str) -> ast.Expression:
    try:
        return ast.parse(text.strip(), mode="eval")
    except SyntaxError as problem:
        where = f" at column {problem.offset}" if problem.offset else ""
        raise UsageProblem(f"The assumption {text.strip()!r} is not a Python expression "
                           f"({problem.msg}{where}).") from None


def _parameters(func: Callable[..., object]) -> list[str]:
    return list(inspect.signature(func).parameters)


def _names_read(tree: ast.AST) -> list[str]:
    seen: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in seen:
            seen.append(node.id)
    return seen


def _bound_inside(tree: ast.AST) -> set[str]:
    """Names the expression binds itself: comprehension targets, walrus targets, lambda parameters."""
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Lambda):
            bound |= {a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)}
            bound |= {a.arg for a in (node.args.vararg, node.args.kwarg) if a is not None}
    return bound


def callable_text(predicate: Callable[..., object]) -> str:
    """How the report names a callable assumption: its name, or a lambda's own source."""
    name = getattr(predicate, "__name__", "")
    if name and name != "<lambda>":
        return name
    return _lambda_source(predicate) or "a lambda"


def _lambda_source(predicate: Callable[..., object]) -> str:
    try:
        lines = inspect.getsource(predicate)
    except (OSError, TypeError):
        return ""
    text = lines.strip()
    for start in range(len(text)):  # the lambda may sit inside a call: find the part that parses
        if text.startswith("lambda", start):
            for end in range(len(text), start, -1):
                try:
                    node = ast.parse(text[start:end], mode="eval").body
                except SyntaxError:
                    continue
                if isinstance(node, ast.Lambda):
                    return text[start:end]
    return ""


def _binds(func: Callable[..., object], call: Call) -> bool:
    try:
        inspect.signature(func).bind(*call.args, **call.kwargs)
    except TypeError:
        return False
    return True


def _evaluate(assumption: Assumption, func: Callable[..., object], call: Call) -> object:
    if assumption.predicate is not None:
        return assumption.predicate(*call.args, **call.kwargs)
    bound = inspect.signature(func).bind(*call.args, **call.kwargs)
    bound.apply_defaults()
    names = tuple(bound.arguments)
    code = _compiled(assumption.text, names)
    check: Callable[..., object] = eval(code, getattr(func, "__globals__", {}))  # noqa: S307  # the user's own expression
    return check(*bound.arguments.values())


@functools.lru_cache(maxsize=64)
def _compiled(text: str, names: tuple[str, ...]) -> CodeType:
    """``lambda <names>: (<text>)`` compiled: the parameters become locals, so comprehensions see them too."""
    body = ast.parse(text, mode="eval").body
    arguments = ast.arguments(posonlyargs=[], args=[ast.arg(n) for n in names], kwonlyargs=[],
                              kw_defaults=[], defaults=[])
    tree = ast.fix_missing_locations(ast.Expression(ast.Lambda(arguments, body)))
    return compile(tree, f"<assumption {text}>", "eval")

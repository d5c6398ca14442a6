"""Where the live inputs come from: calls on the magic line, calls the cell
makes while it runs, or kernel variables named like the parameters."""
from __future__ import annotations

import ast
import copy
import inspect
import sys
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import UsageProblem
from ..model import Call

if TYPE_CHECKING:
    from _typeshed import ProfileFunction

    from .callee import Resolved

MAX_RECORDED_CALLS = 5


def evaluate_calls(exprs: list[str] | tuple[str, ...], target: str, namespace: dict[str, Any]) -> list[Call]:
    """Evaluate ``target(...)`` expressions' arguments (never the call itself)."""
    return [_evaluate_call(expr, target, namespace) for expr in exprs]


def _evaluate_call(expr: str, target: str, namespace: dict[str, Any]) -> Call:
    try:
        node = ast.parse(expr, mode="eval").body
    except SyntaxError:
        raise UsageProblem(f"{expr!r} is not a call expression; write it like {target}(x, y).") from None
    if not isinstance(node, ast.Call):
        raise UsageProblem(f"{expr!r} is not a call; write the inputs as {target}(x, y).")
    called = ast.unparse(node.func)
    if called != target:
        raise UsageProblem(f"{expr!r} calls {called}, but the function to optimize is {target}: write {target}(...).")
    capture = "__jupyter_optimize_capture__"
    node.func = ast.Name(capture, ast.Load())
    code = compile(ast.fix_missing_locations(ast.Expression(node)), "<%%optimize line>", "eval")
    try:
        args, kwargs = eval(code, namespace, {capture: lambda *a, **k: (a, k)})
    except Exception as exc:
        raise UsageProblem(f"Evaluating the arguments of {expr} raised {type(exc).__name__}: {exc}") from None
    return Call(args, kwargs)


def evaluate_line_calls(exprs: list[str] | tuple[str, ...], namespace: dict[str, Any],
                        visible: list[str] | None = None) -> tuple[Resolved, list[Call]]:
    """`%optimize CALL; CALL`: the function the first call's callee names, and every call's arguments.

    A bound method's object comes first in each call (it is the method's ``self``).
    """
    from .callee import callee_text, resolve_callee

    callee = callee_text(exprs[0])
    resolved = resolve_callee(callee, namespace, visible)
    calls = []
    for expr in exprs:
        other = callee_text(expr)
        if other != callee:
            raise UsageProblem(f"{expr!r} calls {other}, but the first call names {callee}: "
                               f"every call on the line must call {callee}.")
        args, kwargs = _arguments(expr, namespace)
        calls.append(Call(resolved.bound + args, kwargs))
    return resolved, calls


def _arguments(expr: str, namespace: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Each argument evaluated on its own, so a failing one is quoted by itself."""
    node = ast.parse(expr.strip(), mode="eval").body
    assert isinstance(node, ast.Call)  # checked by callee_text
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for arg in node.args:
        value = _value(arg.value if isinstance(arg, ast.Starred) else arg, expr, namespace)
        args.extend(value) if isinstance(arg, ast.Starred) else args.append(value)
    for keyword in node.keywords:
        value = _value(keyword.value, expr, namespace)
        kwargs.update(value) if keyword.arg is None else kwargs.__setitem__(keyword.arg, value)
    return tuple(args), kwargs


def _value(node: ast.expr, expr: str, namespace: dict[str, Any]) -> Any:
    text = ast.unparse(node)
    code = compile(ast.fix_missing_locations(ast.Expression(node)), "<%optimize line>", "eval")
    try:
        return eval(code, namespace)
    except Exception as exc:
        raise UsageProblem(f"In {expr.strip()}, the argument `{text}` raised {type(exc).__name__}: {exc}") from None


def calls_from_variables(func: Callable[..., object], namespace: dict[str, Any]) -> list[Call]:
    """One call built from kernel variables named like *func*'s parameters."""
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for param in inspect.signature(func).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if param.name in namespace and not _is_module_or_function(namespace[param.name]):
            value = namespace[param.name]
        elif param.default is not param.empty:
            continue
        else:
            return []
        if param.kind == param.KEYWORD_ONLY:
            kwargs[param.name] = value
        else:
            args.append(value)
    return [Call(tuple(args), kwargs)] if args or kwargs else []


def _is_module_or_function(value: Any) -> bool:
    return inspect.ismodule(value) or inspect.isroutine(value)


class CallRecorder:
    """Records (deep copies of) the arguments of calls to a function named
    *name* while a block runs, e.g. while the cell that defines it executes.

    Only frames whose code object belongs to the function in the end are kept
    (see `calls_to`), so a same-named function elsewhere does not count.
    """

    def __init__(self, name: str, limit: int = MAX_RECORDED_CALLS):
        self.name, self.limit = name, limit
        self._seen: list[tuple[types.CodeType, Call]] = []
        self._previous: ProfileFunction | None = None

    def __enter__(self) -> CallRecorder:
        self._previous = sys.getprofile()
        sys.setprofile(self._hook)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.setprofile(self._previous)

    def _hook(self, frame: types.FrameType, event: str, arg: object) -> None:
        if event != "call" or frame.f_code.co_name != self.name:
            return
        if frame.f_back is not None and frame.f_back.f_code is frame.f_code:
            return  # a recursive call from inside the function is not a live call
        if len(self._seen) >= self.limit:
            sys.setprofile(self._previous)
            return
        try:
            self._seen.append((frame.f_code, _call_from_frame(frame)))
        except Exception:  # arguments that cannot be copied are not recorded
            pass

    def calls_to(self, func: Callable[..., object]) -> list[Call]:
        code = getattr(func, "__code__", None)
        return [call for seen_code, call in self._seen if seen_code is code]


def _call_from_frame(frame: types.FrameType) -> Call:
    code = frame.f_code
    names = code.co_varnames
    n_pos, n_kwonly = code.co_argcount, code.co_kwonlyargcount
    values = frame.f_locals
    args = [values[n] for n in names[:n_pos]]
    kwargs = {n: values[n] for n in names[n_pos : n_pos + n_kwonly]}
    index = n_pos + n_kwonly
    if code.co_flags & inspect.CO_VARARGS:
        args.extend(values[names[index]])
        index += 1
    if code.co_flags & inspect.CO_VARKEYWORDS:
        kwargs.update(values[names[index]])
    return Call(*copy.deepcopy((tuple(args), kwargs)))

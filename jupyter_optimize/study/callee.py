"""What `%optimize CALL` optimizes: the function the call's callee names, and where it lives.

The callee is a name or a dotted name (``cube``, ``geo.cube``, ``stats.variance``)
looked up in the kernel's namespace, never called. The result is a plain function
plus, for a bound method, the object that becomes its first argument (``self`` is
live input like any argument), and a `Home` saying where Accept rebinds it.

Pure logic over a namespace dict: no IPython. Every mistake is one `UsageProblem` line.
"""
from __future__ import annotations

import ast
import builtins
import inspect
import os
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..errors import UsageProblem, close_matches
from ..model import Home


@dataclass(frozen=True)
class Resolved:
    func: types.FunctionType
    bound: tuple[Any, ...]  # (obj,) for a bound method: prepended to every call's arguments
    home: Home


def callee_text(expr: str) -> str:
    """'geo.cube' for 'geo.cube(x, 3)': the called name as written, or a one-line problem."""
    return ast.unparse(_call_node(expr).func)


def _call_node(expr: str) -> ast.Call:
    try:
        node = ast.parse(expr.strip(), mode="eval").body
    except SyntaxError:
        raise UsageProblem(f"{expr!r} is not a call expression; write it like cube(x) or geo.cube(x).") from None
    if not isinstance(node, ast.Call):
        raise UsageProblem(f"{expr!r} is not a call; write the function and its inputs, like cube(x).")
    return node


def resolve_callee(callee: str, namespace: Mapping[str, Any], visible: Iterable[str] | None = None) -> Resolved:
    """The function *callee* names in *namespace* (a name or a dotted name), ready to optimize."""
    parts = _dotted(callee)
    value, parent = _look_up(parts, namespace, visible)
    if inspect.ismethod(value):
        return _method(callee, value, namespace)
    if not inspect.isfunction(value):
        raise UsageProblem(f"{callee} is {what_it_is(value, callee)}")
    _require_source(callee, value)
    if "<locals>" in value.__qualname__:
        return Resolved(value, (), _home("closure", callee, value, namespace))
    owner = parent if inspect.isclass(parent) else _static_owner(parent, parts[-1], value)
    if owner is not None:  # Stats.variance(stats, x), or a staticmethod: the class attribute
        home = _class_home(callee, value, owner, namespace, ".".join(parts[:-1]) if owner is parent else "")
        static = isinstance(_attribute_of(owner, value), staticmethod)
        return Resolved(value, (), replace(home, wrapper="staticmethod" if static else ""))
    if value.__module__ in ("__main__", None) or value.__module__ == namespace.get("__name__"):
        return Resolved(value, (), _home("kernel", callee, value, namespace))
    return Resolved(value, (), _module_home(callee, value, namespace))


def _dotted(callee: str) -> list[str]:
    try:
        node = ast.parse(callee, mode="eval").body
    except SyntaxError:
        node = None
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.insert(0, node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        raise UsageProblem(f"{callee}: call a function by its name or a dotted name (cube, geo.cube, "
                           "stats.variance); assign anything else to a variable first.")
    return [node.id, *parts]


def _look_up(parts: list[str], namespace: Mapping[str, Any], visible: Iterable[str] | None) -> tuple[Any, Any]:
    first = parts[0]
    if first in namespace:
        value = namespace[first]
    elif hasattr(builtins, first):
        value = getattr(builtins, first)
    else:
        names = [n for n in (namespace if visible is None else visible) if not n.startswith("_")]
        raise UsageProblem(f"{first} is not defined in the kernel; run the cell that defines it first."
                           f"{close_matches(first, names)}")
    parent = None
    for i, attr in enumerate(parts[1:], 1):
        prefix = ".".join(parts[:i])
        try:
            parent, value = value, getattr(value, attr)
        except AttributeError:
            raise UsageProblem(f"{prefix} ({_kind(value)}) has no attribute {attr!r}."
                               f"{close_matches(attr, [n for n in dir(value) if not n.startswith('_')])}") from None
        except Exception as exc:
            raise UsageProblem(f"Looking up {prefix}.{attr} raised {type(exc).__name__}: {exc}") from None
    return value, parent


def _method(callee: str, method: types.MethodType, namespace: Mapping[str, Any]) -> Resolved:
    func, obj = method.__func__, method.__self__
    if not inspect.isfunction(func):
        raise UsageProblem(f"{callee} is a method of {type(obj).__name__} implemented in compiled code: "
                           "there is no Python source to rewrite.")
    _require_source(callee, func)
    of_class = isinstance(obj, type)  # a classmethod: the class is its first argument
    owner = _defining_class(obj if isinstance(obj, type) else type(obj), func)
    obj_text = callee.rsplit(".", 1)[0]
    reached = obj_text if of_class else f"type({obj_text})"
    owner_expression = _class_expression(owner, namespace) or (reached if owner is obj or owner is type(obj) else "")
    home = _class_home(callee, func, owner, namespace, owner_expression)
    return Resolved(func, (obj,), replace(home, wrapper="classmethod") if of_class else home)


def _static_owner(parent: Any, name: str, func: types.FunctionType) -> type | None:
    """The class of *parent* (an instance) whose staticmethod *name* is *func*, or None."""
    if parent is None or inspect.ismodule(parent) or inspect.isclass(parent):
        return None
    klass = next((k for k in type(parent).__mro__ if isinstance(vars(k).get(name), staticmethod)), None)
    return klass if klass is not None and vars(klass)[name].__func__ is func else None


def _attribute_of(cls: type, func: types.FunctionType) -> Any:
    """What *cls* holds *func* as: the function, or the staticmethod or classmethod wrapping it."""
    return vars(_defining_class(cls, func)).get(func.__name__)


def _defining_class(cls: type, func: types.FunctionType) -> type:
    for klass in cls.__mro__:
        held = vars(klass).get(func.__name__)
        if held is func or getattr(held, "__func__", None) is func:
            return klass
    return cls


def _class_home(callee: str, func: types.FunctionType, cls: type, namespace: Mapping[str, Any],
                owner_expression: str) -> Home:
    return Home("class", callee, func.__module__, cls.__qualname__, func.__name__,
                _class_expression(cls, namespace) or owner_expression, _kernel_names(func, namespace),
                *_file_and_lines(func), original=func)


def _class_expression(cls: type, namespace: Mapping[str, Any]) -> str:
    """How a cell reaches *cls*: its name, or module.Name through a module imported in the kernel."""
    if namespace.get(cls.__name__) is cls:
        return str(cls.__name__)
    for name, value in namespace.items():
        if inspect.ismodule(value) and value.__name__ == cls.__module__ and "<" not in cls.__qualname__:
            return f"{name}.{cls.__qualname__}"
    return ""


def _module_home(callee: str, func: types.FunctionType, namespace: Mapping[str, Any]) -> Home:
    module = func.__module__
    alias = next((name for name, value in namespace.items()
                  if inspect.ismodule(value) and value.__name__ == module), "")
    if not alias and "." in callee:
        alias = callee.rsplit(".", 1)[0]
    return Home("module", callee, module, module, func.__name__, alias or module,
                _kernel_names(func, namespace), *_file_and_lines(func), original=func)


def _home(kind: str, callee: str, func: types.FunctionType, namespace: Mapping[str, Any]) -> Home:
    return Home(kind, callee, func.__module__, "", func.__name__, "", _kernel_names(func, namespace), original=func)


def _kernel_names(func: types.FunctionType, namespace: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(name for name, value in namespace.items() if value is func and not name.startswith("_"))


def _file_and_lines(func: types.FunctionType) -> tuple[str, tuple[int, int] | None]:
    try:
        lines, start = inspect.getsourcelines(func)
        path = inspect.getsourcefile(func) or ""
    except (OSError, TypeError):
        return "", None
    if not path or path.startswith("<") or not os.path.isfile(path):
        return "", None
    return path, (start, start + len(lines) - 1)


def _require_source(callee: str, func: types.FunctionType) -> None:
    try:
        inspect.getsource(func)
    except (OSError, TypeError):
        where = func.__code__.co_filename
        raise UsageProblem(f"{callee} has no source to read (its code says it comes from {where}, which "
                           "inspect cannot open): define it in a cell or a .py file.") from None


def what_it_is(value: Any, text: str) -> str:
    """'a class, not a function: ...', 'a built-in function ...': what *value* is, and what to do instead."""
    compiled = "compiled code, with no Python source to rewrite"
    if inspect.isclass(value):
        return (f"a class, not a function: optimize one of its methods on an instance, "
                f"e.g. %optimize obj.method(...) with obj = {value.__name__}(...).")
    if inspect.isfunction(getattr(value, "__wrapped__", None)):
        return (f"{_kind(value)} made by a decorator around a function; optimize the function itself: "
                f"%optimize {text}.__wrapped__(...).")
    if type(value).__name__ == "ufunc":
        return f"a numpy ufunc ({compiled})."
    if inspect.isbuiltin(value) or inspect.ismethoddescriptor(value):
        return f"a built-in function ({compiled})."
    if hasattr(value, "py_func") and inspect.isfunction(value.py_func):
        return f"a numba-compiled function; optimize its Python function: %optimize {text}.py_func(...)."
    if type(value).__name__ == "partial":
        return "a functools.partial; optimize the function it wraps, with the arguments written out."
    if inspect.ismodule(value):
        return "a module, not a function: name a function in it, like module.func(...)."
    if callable(value):
        return f"{_kind(value)}, not a function: name the method that does the work, like {text}.method(...)."
    return f"{_kind(value)}, not a function."


def _kind(value: Any) -> str:
    if inspect.ismodule(value):
        return "a module"
    if inspect.isclass(value):
        return f"the class {value.__name__}"
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}" + (" object" if not isinstance(
        value, (int, float, str, bytes, list, dict, tuple, set)) else "")


def closure_values(func: Any) -> dict[str, Any]:
    """A closure's free variables and their values (the part of its environment that is not globals)."""
    code, cells = getattr(func, "__code__", None), getattr(func, "__closure__", None) or ()
    out = {}
    for name, cell in zip(code.co_freevars if code is not None else (), cells):
        try:
            out[name] = cell.cell_contents
        except ValueError:  # an empty cell: the variable was never assigned
            pass
    return out

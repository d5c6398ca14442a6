"""The "numba" source: the original function compiled in nopython mode (``numba.njit``).

numba is optional (``pip install 'jupyter_optimize[jit]'``) and imported only
here, lazily, by its absolute name (this module's name does not shadow it).

Compilation happens once, here, for the argument types of the live calls
(``dispatcher.compile(signature)``: numba's compiler only, the user's code is
not run), for arrays of any memory layout, with bounds checking so that
out-of-range reads raise IndexError as they do in Python. Then compiling is
switched off: inputs of other types convert to a compiled signature or fail.
The compile runs in a thread of its own, waited for at most `COMPILE_LIMIT_S`
(the kernel's main thread never runs numba's compiler, and a compile that
hangs costs the run that long, then a one-line note; the thread is left to
finish in the background, its result unused; the fork backend waits for it
before forking a child, at most that child's timeout, since a child forked
meanwhile could inherit numba's locks held). Its time is measured and reported on its own
(the pipeline times each source as a stage: "numba" in the report's Time taken); the candidate handed
to the pipeline is a plain Python function that calls the compiled code, so
the forked children that verify and benchmark it inherit the machine code and
never compile, and per-call timings hold no compile time. Code numba cannot
compile becomes a candidate with no code whose reason is numba's message in
one line, so the pipeline reports it as ``failed``.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import re
import textwrap
import threading
import time
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..model import Call, Candidate
from ..sandbox.child import FORK_UNSAFE_THREAD

if TYPE_CHECKING:
    from .protocol import SourceRequest, SourceResult

NAME = "numba: njit"
INSTALL_HINT = "numba is not installed; pip install 'jupyter_optimize[jit]' to try compiling with it."
ANSI = re.compile(r"\x1b\[[0-9;]*m")
COMPILE_LIMIT_S = 30.0  # a compile still running after this is given up (a note says so)


class CompileProblem(Exception):
    """numba cannot compile the function; the message is one line."""


class NotTried(Exception):
    """numba cannot help with these arguments or this result: said in a one-line note, no candidate."""


def source(request: SourceRequest) -> SourceResult:
    from .protocol import SourceResult

    func = request.function
    try:
        _frames_first(func, request.calls)
        numba = importlib.import_module("numba")
    except NotTried as unfit:
        return SourceResult([], [f"numba: not tried for {func.__name__}: {unfit}"])
    except ImportError:
        return SourceResult([], [f"numba: {INSTALL_HINT}"])
    request.progress(f"Compiling {func.__name__} with numba")
    try:
        wrapper, seconds, signatures = compile_for_calls(numba, func, request.calls)
    except NotTried as unfit:
        return SourceResult([], [f"numba: not tried for {func.__name__}: {unfit}"])
    except CompileProblem as problem:
        reason = f"numba cannot compile {func.__name__} in nopython mode: {problem}"
        return SourceResult([Candidate(NAME, "numba", source=None, func=None, explanation=reason)], [])
    explanation = (f"{func.__name__} compiled by numba in nopython mode for {signatures} argument "
                   f"type(s) in {seconds:.2f} s; that compile time is not in the timings")
    note = f"numba: compiling {func.__name__} took {seconds:.2f} s (done once, not counted in the speedup)"
    notes = [note] + [f"numba: {name} is a Python {kind}, which numba converts item by item on every call (and "
                      f"cannot type when it is empty); passing a numpy array avoids both"
                      for name, kind in _python_containers(func, request.calls)]
    return SourceResult([Candidate(NAME, "numba", display_source(func, request.source), wrapper, explanation)], notes)


def _python_containers(func: Callable[..., Any], calls: tuple[Call, ...]) -> list[tuple[str, str]]:
    """The arguments that are Python lists or sets in some live call (numba's reflected containers), by name."""
    signature, found = inspect.signature(func), dict[str, str]()
    for call in calls:
        for name, value in signature.bind(*call.args, **call.kwargs).arguments.items():
            if isinstance(value, (list, set)):
                found.setdefault(name, type(value).__name__)
    return list(found.items())


def compile_for_calls(numba: Any, func: Callable[..., Any], calls: tuple[Call, ...] | list[Call],
                      limit_s: float = COMPILE_LIMIT_S) -> tuple[Callable[..., Any], float, int]:
    """A Python function calling *func* compiled for the calls' argument types (in a thread, at most
    *limit_s* waited for); compile seconds; #types."""
    signature = _plain_signature(func)
    types_seen = {_argument_types(numba, signature, call) for call in calls}
    if _returns_a_dict(func):
        raise NotTried("it returns a dict, which numba would return as a typed Dict that never equals the "
                       "original's Python dict")
    dispatcher = numba.njit(cache=False, boundscheck=True)(func)  # out-of-range reads raise, as in Python
    started = time.perf_counter()
    def compile_all() -> None:
        for types in types_seen:
            _compile(dispatcher, types)

    _within(limit_s, compile_all)
    _check_results(numba, dispatcher)
    seconds = time.perf_counter() - started
    dispatcher.disable_compile()  # other argument types convert to these or fail: never compile in a child
    return _wrapper(func, dispatcher, signature), seconds, len(types_seen)


def _within(limit_s: float, work: Callable[[], object]) -> None:
    """Run *work* in a daemon thread; its CompileProblem comes back here; past *limit_s*, NotTried."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed to the waiting thread
            failed.append(exc)

    worker = threading.Thread(target=run, name=f"{FORK_UNSAFE_THREAD}: numba compile", daemon=True)
    worker.start()
    worker.join(limit_s)
    if worker.is_alive():
        raise NotTried(f"compiling took over {limit_s:g} s, so it was given up")
    if failed:
        raise failed[0]


FRAME_LIBRARIES = ("pandas", "polars", "pyarrow")  # numba types none of their objects


def _frames_first(func: Callable[..., Any], calls: tuple[Call, ...] | list[Call]) -> None:
    """NotTried for a frame argument, said without importing numba (about 0.3 s on a first run)."""
    signature = inspect.signature(func)
    for call in calls:
        try:
            bound = signature.bind(*call.args, **call.kwargs)
        except TypeError:
            return  # numba's own checks say it
        for name, value in bound.arguments.items():
            if type(value).__module__.split(".", 1)[0] in FRAME_LIBRARIES:
                raise NotTried(f"argument {name!r} is {_python_kind(value)}, which numba cannot type")


def _plain_signature(func: Callable[..., Any]) -> inspect.Signature:
    signature = inspect.signature(func)
    for param in signature.parameters.values():
        if param.kind not in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            raise CompileProblem(f"parameter {param.name!r} is {param.kind.description}; numba takes plain parameters only")
    return signature


def _argument_types(numba: Any, signature: inspect.Signature, call: Call) -> tuple[Any, ...]:
    bound = signature.bind(*call.args, **call.kwargs)
    bound.apply_defaults()
    types = []
    for name, value in bound.arguments.items():
        try:
            numba_type = numba.typeof(value)
        except (ValueError, TypeError):
            raise NotTried(f"argument {name!r} is {_python_kind(value)}, which numba cannot type") from None
        unfit = _unfit_container(numba, numba_type)
        if unfit:
            raise NotTried(f"argument {name!r} is {_python_kind(value)}: {unfit}")
        types.append(_any_layout(numba_type))
    return tuple(types)


def _python_kind(value: Any) -> str:
    """'a list of dict', 'a DataFrame': what an argument is, in a few words."""
    kind = type(value).__name__
    if isinstance(value, (list, tuple, set, frozenset)) and value:
        inner = sorted({type(item).__name__ for item in value})
        return f"a {kind} of {' and '.join(inner[:3])}"
    return f"{'an' if kind[:1].lower() in 'aeiou' else 'a'} {kind}"


def _unfit_container(numba: Any, numba_type: Any) -> str:
    """Why numba cannot help with a Python container of this type ('' when it can)."""
    types = numba.types
    if isinstance(numba_type, (types.List, types.Set)):  # numba's "reflected" containers
        inner = numba_type.dtype
        if not isinstance(inner, (types.Number, types.Boolean)):
            return (f"a Python container of {inner}, which numba converts item by item on every call "
                    "(strings and nested containers gain nothing)")
    if isinstance(numba_type, types.BaseTuple) and any(isinstance(t, types.UnicodeType) for t in numba_type.types):
        return "a tuple holding strings, which numba handles no faster than Python"
    return ""


def _returns_a_dict(func: Callable[..., Any]) -> bool:
    """Does a `return` give back a dict built in the function ({...}, dict(...), a comprehension, or a name
    bound to one)? Read from the source, so no compile is spent on it."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        return False
    dict_names = {target.id for node in ast.walk(tree) if isinstance(node, ast.Assign) and _is_dict(node.value)
                  for target in node.targets if isinstance(target, ast.Name)}
    return any(isinstance(node, ast.Return) and node.value is not None
               and (_is_dict(node.value) or isinstance(node.value, ast.Name) and node.value.id in dict_names)
               for node in ast.walk(tree))


def _is_dict(node: ast.expr) -> bool:
    is_call = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict"
    return isinstance(node, (ast.Dict, ast.DictComp)) or is_call


def _check_results(numba: Any, dispatcher: Any) -> None:
    """A typed container result never equals what the original returns (a dict is not a numba typed Dict)."""
    typed = (numba.types.DictType, numba.types.ListType)
    for signature in dispatcher.nopython_signatures:
        result = signature.return_type
        if isinstance(result, typed):
            kind = "Dict" if isinstance(result, numba.types.DictType) else "List"
            raise NotTried(f"compiled, it returns a numba typed {kind}, which never equals the original's "
                           f"Python {kind.lower()}")


def _any_layout(numba_type: Any) -> Any:
    """Arrays of any memory layout (views, slices) use the same compiled code."""
    if getattr(numba_type, "layout", None) in ("C", "F") and hasattr(numba_type, "copy"):
        return numba_type.copy(layout="A")
    return numba_type


def _compile(dispatcher: Any, types: tuple[Any, ...]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            dispatcher.compile(types)
        except Exception as exc:  # numba's errors (TypingError, UnsupportedError, ...) and LLVM's
            raise CompileProblem(one_line(exc)) from None


def _wrapper(func: Callable[..., Any], dispatcher: Any, signature: inspect.Signature) -> Callable[..., Any]:
    """A plain function with the original's signature that calls the compiled code."""
    names = list(signature.parameters)
    params = ", ".join(names)
    code = f"def {func.__name__}({params}):\n    return _compiled({params})\n"
    namespace: dict[str, Any] = {"_compiled": dispatcher}
    exec(compile(code, f"<numba wrapper for {func.__name__}>", "exec"), namespace)
    wrapper: Callable[..., Any] = namespace[func.__name__]
    wrapper.__defaults__ = func.__defaults__
    wrapper.__doc__ = func.__doc__
    return wrapper


def display_source(func: Callable[..., Any], text: str | None) -> str | None:
    """Code a user could run, and the code that was verified: the original under
    ``@numba.njit(boundscheck=True)``, behind a wrapper of the same name whose header
    is the original's as written (``np.ndarray``, not ``numpy.ndarray``)."""
    if text is None:
        return None
    inner = f"_{func.__name__}_nopython"
    body = textwrap.dedent(text).replace(f"def {func.__name__}(", f"def {inner}(", 1)
    params = ", ".join(inspect.signature(func).parameters)
    return (f"import numba\n\n\n@numba.njit(boundscheck=True)\n{body.rstrip()}\n\n\n"
            f"def {func.__name__}({_header(func, body, inner)}:\n    return {inner}({params})\n")


def _header(func: Callable[..., Any], body: str, inner: str) -> str:
    """'x: np.ndarray, alpha: float = 0.5) -> np.ndarray': the parameters and result as the source writes them."""
    try:
        tree = ast.parse(body)
    except SyntaxError:
        tree = None
    node = next((n for n in (tree.body if tree else []) if isinstance(n, ast.FunctionDef) and n.name == inner), None)
    if node is None:  # no source to copy: the parameters only, without annotations
        return ", ".join(str(p.replace(annotation=p.empty)) for p in inspect.signature(func).parameters.values()) + ")"
    result = f" -> {ast.unparse(node.returns)}" if node.returns is not None else ""
    return f"{ast.unparse(node.args)}){result}"


def one_line(exc: BaseException) -> str:
    """numba's message without colours, tracebacks or blank lines, in one line."""
    lines = [line.strip() for line in ANSI.sub("", str(exc)).splitlines() if line.strip()]
    detail = [line for line in lines if not line.startswith(("Failed in", "During:", "File", ">", "^", "-"))]
    where = next((m.group(1) for line in lines for m in [re.search(r"line (\d+)", line)] if m), None)
    text = detail[0] if detail else (lines[0] if lines else type(exc).__name__)
    located = where and re.search(rf"\b{where}\b", text)
    text = f"{type(exc).__name__}: {text}" + (f" (line {where})" if where and not located else "")
    return text if len(text) <= 240 else text[:237] + "..."

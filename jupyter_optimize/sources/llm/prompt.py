"""The messages sent to a language model: what it needs, never the user's data.

The prompt carries the function's source, the helpers and modules it uses,
its line profile with the hot lines marked, and for each argument its type,
dtype, shape and a *coarse* value range (bounds rounded outwards to one
significant digit, so no value of the data is ever written out), the rules
of sameness the verifier enforces, and one approach to try. Pure functions:
no network, no `openai`.
"""
from __future__ import annotations

import dis
import inspect
import math
import textwrap
import types
from collections.abc import Callable, Iterable
from typing import Any

from ...model import Call, Counterexample, LineProfile, LineStat

SYSTEM = (
    "You are an expert in making Python code fast (NumPy, the standard library, algorithms). "
    "You rewrite one function so that it runs faster while behaving exactly the same. "
    "Correctness comes first: a faster version that differs on any input is rejected."
)

# One approach per request, so that concurrent requests come back different.
APPROACHES = (
    "remove the Python-level loops on the hot lines: whole-array NumPy operations if the data are arrays, "
    "built-ins and comprehensions otherwise",
    "use a better algorithm or data structure, so that less work is done rather than the same work faster",
    "avoid repeated work: hoist invariant computations out of loops, precompute tables, reuse intermediate results",
    "reduce memory traffic: fewer temporary arrays or copies, smaller intermediate dtypes where exact, "
    "but never modify the arguments",
    "call specialised library routines (NumPy functions, math, bisect, itertools, collections, ...) "
    "that already do the hot work in C",
    "restructure the control flow: handle special cases up front, exit early, keep branches out of hot loops",
)

MAX_HELPERS = 5
MAX_HELPER_LINES = 40
MAX_CALLS_DESCRIBED = 6
_GLOBAL_OPS = {"LOAD_GLOBAL", "LOAD_NAME"}


# -- the messages ----------------------------------------------------------------

def build_messages(request: Any, index: int = 0, shared: str | None = None) -> list[dict[str, str]]:
    """System and user message for the *index*-th request of a run.

    *shared* is `shared_part(request)`, computed once for all the requests of a run.
    """
    body = shared if shared is not None else shared_part(request)
    task = task_section(request.function.__name__, APPROACHES[index % len(APPROACHES)])
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": f"{body}\n\n{task}"}]


def shared_part(request: Any) -> str:
    """Everything in the user message but the approach: source, context, profile, arguments, rules."""
    func: Callable[..., Any] = request.function
    sections = [
        function_section(func.__name__, request.source or ""),
        context_section(func),
        profile_section(request.profile),
        arguments_section(func, request.calls),
        rules_section(request.options),
    ]
    return "\n\n".join(s for s in sections if s)


def repair_messages(request: Any, index: int, source: str, explanation: str, failure: str) -> list[dict[str, str]]:
    """The conversation that produced a candidate, plus why it was rejected."""
    name = request.function.__name__
    answer = f"```python\n{source.rstrip()}\n```\n{explanation}".rstrip()
    ask = (f"Your version of `{name}` was rejected: it does not behave like the original.\n\n{failure}\n\n"
           f"Fix it so that it behaves exactly like the original on every input while staying fast. "
           f"Reply in the same format: one ```python block with the complete `{name}`, "
           f"then one or two sentences on what you fixed.")
    return build_messages(request, index) + [{"role": "assistant", "content": answer},
                                             {"role": "user", "content": ask}]


# -- sections ------------------------------------------------------------------

def function_section(name: str, source: str) -> str:
    return f"Make this Python function `{name}` faster:\n\n```python\n{textwrap.dedent(source).rstrip()}\n```"


def context_section(func: Callable[..., Any]) -> str:
    found = referenced_globals(func)
    helpers = local_helpers(func)
    parts = []
    modules = _modules([found] + [referenced_globals(h) for h in helpers])
    if modules:
        parts.append("Modules it uses (already imported in its namespace): " + ", ".join(modules) + ".")
    if helpers:
        parts.append("Helpers it calls, defined next to it (keep using or inline them; do not redefine them "
                     "unless you change them):\n\n```python\n" + "\n\n".join(filter(None, map(_small_source, helpers))) + "\n```")
    others = [f"- {name}: {describe_global(value)}" for name, value in found.items()
              if not isinstance(value, types.ModuleType) and not any(value is h for h in helpers)]
    if others:
        parts.append("Other global names it uses:\n" + "\n".join(others))
    return "\n\n".join(parts)


def _modules(namespaces: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(
        f"{alias} ({value.__name__})" if alias != value.__name__ else alias
        for found in namespaces for alias, value in found.items() if isinstance(value, types.ModuleType)))


def profile_section(profile: LineProfile | None) -> str:
    if profile is None:
        return "No line profile is available (profiling was turned off)."
    if not profile.lines:
        return f"No line profile is available{': ' + profile.note if profile.note else ''}."
    rounds, hot, first = max(profile.rounds, 1), hot_lines(profile), profile.lines[0].lineno
    rows = [f"{'':2} {'line':>4} {'hits':>8} {'time':>9} {'share':>6}  source"]
    rows += [_profile_row(line, line.lineno - first + 1, rounds, line.lineno in hot) for line in profile.lines]
    total = format_seconds(profile.total_s / rounds)
    return (f"Line profile of one run over the live inputs ({total} in total; hits and time per run; "
            f"lines marked >> take the most time, focus there):\n\n" + "\n".join(rows))


def _profile_row(line: LineStat, number: int, rounds: int, hot: bool) -> str:
    if not line.hits:
        return f"{'':2} {number:>4} {'':>8} {'':>9} {'':>6}  {line.source}"
    hits, spent = f"{line.hits / rounds:.0f}", format_seconds(line.time_s / rounds)
    return f"{'>>' if hot else '':2} {number:>4} {hits:>8} {spent:>9} {100 * line.share:>5.1f}%  {line.source}"


def hot_lines(profile: LineProfile, n: int = 3, min_share: float = 0.05) -> set[int]:
    return {line.lineno for line in profile.hottest(n, min_share)}


def arguments_section(func: Callable[..., Any], calls: Iterable[Call]) -> str:
    lines, seen = [], set()
    for call in calls:
        described = describe_arguments(func, call)
        if described in seen:
            continue
        seen.add(described)
        lines.append(f"- call {len(seen)}: {described}")
        if len(seen) == MAX_CALLS_DESCRIBED:
            break
    if not lines:
        return ""
    return ("It is called with arguments like these (types, shapes and rough ranges only; the data "
            "themselves stay private):\n" + "\n".join(lines))


def rules_section(options: Any) -> str:
    if getattr(options, "exact", False):
        floats = "floating-point results must be exactly equal (no tolerance)"
    else:
        floats = (f"floating-point results may differ only within |new - original| <= atol + rtol * |original| "
                  f"(rtol={options.rtol:g}, atol={options.atol:g}); NaN must stay NaN and infinities the same")
    return "\n".join([
        "Your version is accepted only if it behaves exactly like the original. It is run on the live inputs "
        "and may be run on generated inputs like them, including edge cases (empty arrays, masks that select nothing, "
        "a single element, all-equal values, extreme values, NaN), and compared with these rules:",
        "- the same return value: NumPy arrays with the same type, dtype and shape (a uint8 result stays uint8); "
        "scalars of the same kind (int and NumPy integers match, but int is not float, and True is not 1); "
        "lists, tuples and dicts with the same types, lengths, order and keys;",
        f"- {floats};",
        "- where the original raises an exception, raise the same exception type; never raise where it returns;",
        "- leave the arguments exactly as the original leaves them (do not modify them in place);",
        "- random numbers: generators are seeded the same way for both versions, so draw the same numbers "
        "in the same order;",
        "- keep the name and the signature (parameter names, order, kinds and defaults); no caching of results "
        "between calls, no printing; use only the standard library and the modules listed above.",
    ])


def task_section(name: str, approach: str) -> str:
    return (f"Write one faster version of `{name}`. Approach to take for this version: {approach}. "
            f"If that approach cannot help here, choose another one that speeds up the hot lines.\n\n"
            f"Reply with one ```python code block holding the complete definition of `{name}` (with any "
            f"imports and helpers it needs), then, after the block, one or two sentences saying what you "
            f"changed and why it is faster.")


# -- what the function refers to -----------------------------------------------

def referenced_globals(func: Callable[..., Any]) -> dict[str, Any]:
    """Global names the function's code uses, with their values, in first-use order."""
    namespace = getattr(func, "__globals__", {})
    return {name: namespace[name] for name in _code_names(func.__code__) if name in namespace}


def _code_names(code: types.CodeType) -> list[str]:
    """Names loaded as globals (not attribute names, which share co_names)."""
    names = [ins.argval for ins in dis.get_instructions(code) if ins.opname in _GLOBAL_OPS]
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names += _code_names(const)
    return list(dict.fromkeys(names))


def local_helpers(func: Callable[..., Any]) -> list[Callable[..., Any]]:
    """Small functions defined in the same namespace that *func* calls (and that they call)."""
    out: list[Callable[..., Any]] = []
    queue, seen = [referenced_globals(func)], {func.__name__}
    while queue and len(out) < MAX_HELPERS:
        for name, value in queue.pop(0).items():
            if name in seen or not _is_local_helper(value, func) or not _small_source(value):
                continue
            seen.add(name)
            out.append(value)
            queue.append(referenced_globals(value))
            if len(out) == MAX_HELPERS:
                break
    return out


def _is_local_helper(value: Any, func: Callable[..., Any]) -> bool:
    return inspect.isfunction(value) and value.__globals__ is func.__globals__


def _small_source(func: Callable[..., Any]) -> str | None:
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError):
        return None
    return source.rstrip() if source.count("\n") <= MAX_HELPER_LINES else None


def describe_global(value: Any) -> str:
    if inspect.isclass(value):
        return f"the class {_qualified(value)}"
    if callable(value) and hasattr(value, "__name__"):
        module = getattr(value, "__module__", None) or ""
        return f"the function {module + '.' if module else ''}{value.__name__}"
    return describe_value(value)


# -- arguments, without their values ----------------------------------------------

def describe_arguments(func: Callable[..., Any], call: Call) -> str:
    try:
        bound = inspect.signature(func).bind(*call.args, **call.kwargs).arguments
    except (TypeError, ValueError):
        bound = {f"argument {i + 1}": v for i, v in enumerate(call.args)} | dict(call.kwargs)
    return "; ".join(f"{name}: {describe_value(value)}" for name, value in bound.items()) or "no arguments"


def describe_value(value: Any, depth: int = 0) -> str:
    """Type, dtype, shape and a rounded range of *value*; never the value itself."""
    if _is_ndarray(value):
        return describe_array(value)
    if _is_numpy_scalar(value):
        scale = f" ({magnitude(value.item())})" if value.dtype.kind in "iuf" else ""
        return f"numpy.{value.dtype} scalar{scale}"
    if value is None or isinstance(value, bool):
        return "None" if value is None else "bool"
    if isinstance(value, (int, float)):
        return f"{type(value).__name__} ({magnitude(value)})"
    if isinstance(value, (str, bytes)):
        return f"{type(value).__name__} of length {len(value)}"
    if isinstance(value, (list, tuple, set, frozenset)):
        return _describe_collection(value, depth)
    if isinstance(value, dict):
        return _describe_dict(value)
    return _describe_other(value)


def magnitude(x: float) -> str:
    """'positive, below 1e+09' and the like: the scale of *x*, not *x*."""
    if isinstance(x, float) and math.isnan(x):
        return "NaN"
    if x == 0:
        return "zero"
    if isinstance(x, float) and math.isinf(x):
        return "+inf" if x > 0 else "-inf"
    sign = "positive" if x > 0 else "negative"
    digits = math.ceil(math.log10(abs(x)) + 1e-12)
    return f"{sign}, magnitude below 1e{digits:+03d}" if abs(digits) < 300 else f"{sign}, huge"


def describe_array(a: Any) -> str:
    import numpy as np

    head = f"numpy.ndarray, dtype {a.dtype}, shape {a.shape}"
    layout = "" if a.flags.c_contiguous or a.size == 0 else ", not C-contiguous"
    return head + layout + _array_content(np, a)


def _array_content(np: Any, a: Any) -> str:
    if a.size == 0:
        return ", empty"
    if a.dtype.kind == "b":
        count = int(np.count_nonzero(a))
        return ", all True" if count == a.size else ", all False" if count == 0 else ", mixed True and False"
    if a.dtype.kind not in "iuf":
        return ""
    with np.errstate(all="ignore"):
        finite = a[np.isfinite(a)] if a.dtype.kind == "f" else a
        specials = [w for w, present in (("NaN", a.dtype.kind == "f" and np.isnan(a).any()),
                                         ("inf", a.dtype.kind == "f" and np.isinf(a).any())) if present]
    text = f", values within {value_range(np, a.dtype, finite.min(), finite.max())}" if finite.size else ", no finite values"
    return text + (f", contains {' and '.join(specials)}" if specials else "")


def value_range(np: Any, dtype: Any, low: Any, high: Any) -> str:
    """[low, high] rounded outwards to one significant digit (clipped to an integer dtype's limits)."""
    lo, hi = round_outward(float(low), up=False), round_outward(float(high), up=True)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        lo, hi = max(lo, info.min), min(hi, info.max)
        return f"[{int(lo)}, {int(hi)}]" if abs(lo) < 1e6 and abs(hi) < 1e6 else f"[{lo:g}, {hi:g}]"
    return f"[{lo:g}, {hi:g}]"


def round_outward(x: float, up: bool) -> float:
    if x == 0 or not math.isfinite(x):
        return x
    exponent = math.floor(math.log10(abs(x)))
    quotient = x / 10.0 ** exponent
    digit = math.ceil(quotient - 1e-9) if up else math.floor(quotient + 1e-9)
    return float(f"{digit}e{exponent}")  # via text: 0.3 stays 0.3, not 0.30000000000000004


def _describe_collection(value: Any, depth: int) -> str:
    kind = type(value).__name__
    if not value:
        return f"empty {kind}"
    items = list(value)[:1000]
    types_ = sorted({type(v).__name__ for v in items})
    if len(types_) > 1:
        return f"{kind} of {len(value)} items of types {', '.join(types_)}"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in items):
        lo, hi = round_outward(float(min(items)), False), round_outward(float(max(items)), True)
        return f"{kind} of {len(value)} {types_[0]} (values within [{lo:g}, {hi:g}])"
    if depth < 1 and not isinstance(items[0], (str, bytes, bool, int, float)):
        return f"{kind} of {len(value)} items, the first: {describe_value(items[0], depth + 1)}"
    return f"{kind} of {len(value)} {types_[0]}"


def _describe_dict(value: dict[Any, Any]) -> str:
    if not value:
        return "empty dict"
    keys = sorted({type(k).__name__ for k in value})
    values = sorted({type(v).__name__ for v in value.values()})
    return f"dict of {len(value)} items ({' | '.join(keys)} -> {' | '.join(values)})"


def _describe_other(value: Any) -> str:
    name = _qualified(type(value))
    shape, dtype = getattr(value, "shape", None), getattr(value, "dtype", None)
    if isinstance(shape, tuple) and dtype is not None and not callable(dtype):
        return f"{name}, dtype {dtype}, shape {shape}"
    if isinstance(shape, tuple) and hasattr(value, "dtypes"):  # a DataFrame: columns are schema, not data
        columns = ", ".join(f"{c} ({t})" for c, t in list(value.dtypes.items())[:20])
        return f"{name}, shape {shape}, columns: {columns}"
    return name


def _qualified(kind: type) -> str:
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def _is_ndarray(value: Any) -> bool:
    return type(value).__module__ == "numpy" and type(value).__name__ == "ndarray"


def _is_numpy_scalar(value: Any) -> bool:
    return type(value).__module__ == "numpy" and hasattr(value, "dtype") and getattr(value, "ndim", None) == 0


# -- counterexamples, for repair ---------------------------------------------------

def counterexample_text(func: Callable[..., Any], cx: Counterexample) -> str:
    """What went wrong, safe to send: the input by its description, the difference without values.

    Generated inputs are treated like live ones: they may be built from the live data.
    """
    if cx.inputs is None:
        where = f"one of the {cx.origin} inputs"
    else:
        where = f"a {cx.origin} input with {describe_arguments(func, cx.inputs)}"
    return f"It differs on {where}.\nDifference: {safe_difference(cx.difference)}."


_STRUCTURAL = ("dtype ", "shape ", "type ", "length ", "keys differ", "key order")
_MUTATION = " (the function changes its argument differently)"


def safe_difference(difference: str) -> str:
    """A difference line without the values it quotes: what differs, not the data."""
    where, colon, what = difference.partition(": ")
    if not colon or what.startswith(_STRUCTURAL):  # exceptions, dtypes, shapes: no values in them
        return difference.rstrip(".")
    suffix = _MUTATION if difference.endswith(_MUTATION) else ""
    if " elements differ" in what:
        return f"{where}: {what.split(', e.g. ')[0]}{suffix}"
    return f"{where}: the values differ{suffix}"


def format_seconds(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"

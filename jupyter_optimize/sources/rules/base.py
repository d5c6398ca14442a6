"""What every rule works with: value kinds, the rewrite context, text edits.

A rule reads the function's syntax tree (`ast`) and answers with a `Rewrite`:
edits to the function's *text* (whole statements, or single expressions)
plus what it knows about the names it introduces. Splicing edits into the
original text keeps the user's formatting and comments everywhere else.
"""
from __future__ import annotations

import ast
import builtins
import math
import types
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy


class Decline(Exception):
    """A rule's precondition does not hold; the message says which."""


@dataclass(frozen=True)
class Kind:
    """What sort of value a name held, as much as the rules need to know."""

    type: str  # "ndarray", "npscalar", "int", "float", "str", "list", "module", ...
    dtype: str = ""  # numpy dtype name; the module name for modules
    ndim: int = -1
    elems: frozenset = frozenset()  # type names of a container's elements


HASHABLE = frozenset({"int", "float", "bool", "str", "bytes", "NoneType", "npscalar", "complex"})
IMMUTABLE = HASHABLE | {"tuple", "frozenset"}


def kind_of(value: Any) -> Kind:
    if isinstance(value, numpy.ndarray):
        return Kind("ndarray", value.dtype.name, value.ndim)
    if isinstance(value, numpy.generic):
        return Kind("npscalar", value.dtype.name)
    if isinstance(value, types.ModuleType):
        return Kind("module", value.__name__)
    if isinstance(value, (list, tuple, set, frozenset)):
        sample = value if isinstance(value, (list, tuple)) else list(value)
        return Kind(type(value).__name__, elems=frozenset(_elem_kind(x) for x in sample[:50]))
    return Kind(type(value).__name__)


def _elem_kind(value: Any) -> str:
    if isinstance(value, tuple) and all(kind_of(x).type in HASHABLE for x in value[:10]):
        return "tuple"
    if isinstance(value, tuple):
        return "tuple-of-mutable"
    return kind_of(value).type


def hashable(kind: Kind | None) -> bool:
    if kind is None:
        return False
    if kind.type in HASHABLE:
        return True
    return kind.type in ("tuple", "frozenset") and kind.elems <= HASHABLE | {"tuple"}


@dataclass(frozen=True)
class Edit:
    """Replace the text from (line, col) to (end_line, end_col); lines 1-based, cols in characters."""

    line: int
    col: int
    end_line: int
    end_col: int
    text: str


@dataclass
class Rewrite:
    edits: list[Edit]
    lines: list[int]  # the original lines the rule rewrote (for the report)
    facts: dict[str, Kind] = field(default_factory=dict)  # kinds of names the rule introduced


@dataclass
class Context:
    """One function's text, and what is known about its names."""

    text: str
    kinds: dict[str, frozenset]  # name -> kinds seen (probe) or declared (facts)
    globals: dict
    imports: dict[str, str] = field(default_factory=dict)  # alias -> module, wanted by the rule
    taken: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.lines = self.text.splitlines(keepends=True)
        self.taken |= set(self.globals) | set(dir(builtins)) | _names_in(self.text)

    # -- what a name is ---------------------------------------------------

    def kind(self, name: str) -> Kind | None:
        """The one kind *name* always had, or None (unknown, or it varied)."""
        seen = self.kinds.get(name)
        if seen is None and name in self.globals:
            seen = frozenset({kind_of(self.globals[name])})
        return next(iter(seen)) if seen and len(seen) == 1 else None

    def kinds_of(self, name: str) -> frozenset:
        seen = self.kinds.get(name)
        if seen is None and name in self.globals:
            return frozenset({kind_of(self.globals[name])})
        return seen or frozenset()

    def array_ndim(self, name: str) -> int | None:
        """ndim when *name* was always a numpy array of one ndim."""
        seen = self.kinds_of(name)
        dims = {k.ndim for k in seen if k.type == "ndarray"}
        return dims.pop() if seen and len(dims) == 1 and all(k.type == "ndarray" for k in seen) else None

    def is_module(self, name: str, module: str) -> bool:
        value = self.globals.get(name)
        return isinstance(value, types.ModuleType) and value.__name__ == module and name not in self.kinds

    # -- what the rule may write -------------------------------------------

    def module(self, module: str) -> str:
        """The name to write for *module*: its alias in the globals, or one to import."""
        for alias, value in self.globals.items():
            if isinstance(value, types.ModuleType) and value.__name__ == module and alias not in self.kinds:
                return alias
        preferred = {"numpy": "np"}.get(module, module.split(".")[-1])
        for alias, wanted in self.imports.items():
            if wanted == module:
                return alias
        alias = preferred if preferred not in self.taken else self.fresh(preferred)
        self.taken.add(alias)
        self.imports[alias] = module
        return alias

    def fresh(self, base: str) -> str:
        """A name not used anywhere in the function or its globals."""
        base = "".join(c if c.isalnum() or c == "_" else "_" for c in base).strip("_") or "tmp"
        name, n = base, 2
        while name in self.taken:
            name, n = f"{base}{n}", n + 1
        self.taken.add(name)
        return name


def _names_in(text: str) -> set[str]:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return set()
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            out.add(node.id)
        elif isinstance(node, ast.arg):
            out.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out.add(node.name)
    return out


# -- text ---------------------------------------------------------------------


def char_col(line_text: str, byte_col: int) -> int:
    """ast gives UTF-8 byte offsets; edits use characters."""
    return len(line_text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def splice(text: str, edits: Iterable[Edit]) -> str:
    """*text* with every edit applied; edits must not overlap."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    out, cursor = [], 0
    for edit in sorted(edits, key=lambda e: (e.line, e.col)):
        begin = starts[edit.line - 1] + edit.col
        end = starts[edit.end_line - 1] + edit.end_col
        if begin < cursor:
            raise Decline("two edits overlap")
        out += [text[cursor:begin], edit.text]
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def indent_of(ctx: Context, stmt: ast.stmt) -> str:
    line = ctx.lines[stmt.lineno - 1]
    return line[: len(line) - len(line.lstrip())]


def owns_lines(ctx: Context, stmt: ast.stmt) -> bool:
    """True when *stmt* has its lines to itself (no `a; b`, nothing after it but a comment)."""
    first = ctx.lines[stmt.lineno - 1]
    if first[: char_col(first, stmt.col_offset)].strip():
        return False
    last = ctx.lines[stmt.end_lineno - 1]
    rest = last[char_col(last, stmt.end_col_offset):].strip()
    return not rest or rest.startswith("#")


def render(stmts: list[ast.stmt], indent: str) -> str:
    """Statements as source lines at *indent*, ending with a newline."""
    text = "\n".join(ast.unparse(ast.fix_missing_locations(s)) for s in stmts)
    return "".join(indent + line + "\n" if line.strip() else "\n" for line in text.splitlines())


def replace_stmts(ctx: Context, first: ast.stmt, last: ast.stmt, new: list[ast.stmt]) -> Edit:
    """Replace the statements first..last (whole lines) by *new*."""
    for stmt in (first, last):
        if not owns_lines(ctx, stmt):
            raise Decline("the statement shares its line with other code")
    return Edit(first.lineno, 0, last.end_lineno + 1, 0, render(new, indent_of(ctx, first)))


def guarded_replace(ctx: Context, stmt: ast.stmt, guard: ast.expr, new: list[ast.stmt]) -> Edit:
    """Replace *stmt* by ``if guard: new`` with the original statement, verbatim, as the else branch."""
    if not owns_lines(ctx, stmt):
        raise Decline("the statement shares its line with other code")
    if any(isinstance(n, ast.Constant) and isinstance(n.value, str) and n.lineno != n.end_lineno
           for n in ast.walk(stmt)):
        raise Decline("a multi-line string would change if indented")
    indent = indent_of(ctx, stmt)
    step = "\t" if indent.startswith("\t") else "    "
    original = "".join(step + line if line.strip() else line for line in ctx.lines[stmt.lineno - 1: stmt.end_lineno])
    if not original.endswith("\n"):
        original += "\n"
    text = (f"{indent}if {ast.unparse(guard)}:\n" + render(new, indent + step)
            + f"{indent}else:\n" + original)
    return Edit(stmt.lineno, 0, stmt.end_lineno + 1, 0, text)


def insert_before(ctx: Context, stmt: ast.stmt, new: list[ast.stmt]) -> Edit:
    if not owns_lines(ctx, stmt):
        raise Decline("the statement shares its line with other code")
    return Edit(stmt.lineno, 0, stmt.lineno, 0, render(new, indent_of(ctx, stmt)))


def insert_after(ctx: Context, stmt: ast.stmt, new: list[ast.stmt]) -> Edit:
    if not owns_lines(ctx, stmt):
        raise Decline("the statement shares its line with other code")
    return Edit(stmt.end_lineno + 1, 0, stmt.end_lineno + 1, 0, render(new, indent_of(ctx, stmt)))


def replace_expr(ctx: Context, node: ast.expr, text: str) -> Edit:
    first, last = ctx.lines[node.lineno - 1], ctx.lines[node.end_lineno - 1]
    return Edit(node.lineno, char_col(first, node.col_offset), node.end_lineno,
                char_col(last, node.end_col_offset), text)


# -- syntax helpers -------------------------------------------------------------


def parse_stmt(code: str) -> ast.stmt:
    return ast.parse(code).body[0]


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


def const(value: Any) -> ast.Constant:
    return ast.Constant(value=value)


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


def walk_all(nodes: Iterable[ast.AST]) -> Iterator[ast.AST]:
    for node in nodes:
        yield from ast.walk(node)


def mutated_names(nodes: Iterable[ast.AST]) -> set[str]:
    """Names whose object may change: stored into, augmented, or passed to / called on by code we don't know."""
    out = set()
    for node in walk_all(nodes):
        if isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.ctx, (ast.Store, ast.Del)):
            base = _base_name(node)
            if base:
                out.add(base)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            out.add(node.target.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            base = _base_name(node.func.value)
            if base and node.func.attr not in PURE_METHODS:
                out.add(base)
    return out


def _base_name(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def same(a: ast.AST, b: ast.AST) -> bool:
    return ast.dump(a) == ast.dump(b)


def function_def(tree: ast.Module, fname: str) -> ast.FunctionDef:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == fname:
            return node
    raise Decline(f"no function named {fname}")


def parents(root: ast.AST) -> dict[ast.AST, ast.AST]:
    out = {}
    for node in ast.walk(root):
        for child in ast.iter_child_nodes(node):
            out[child] = node
    return out


def loops_in(fn: ast.FunctionDef) -> list[ast.For | ast.While]:
    """Every loop of the function (not of nested functions), outermost first."""
    out: list = []

    def visit(body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.For, ast.While)):
                out.append(stmt)
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)) or _is_fallback(stmt):
                continue
            for field_name in ("body", "orelse", "finalbody", "handlers"):
                child = getattr(stmt, field_name, None)
                if isinstance(child, list):
                    visit([c for c in child if isinstance(c, ast.stmt)] + [
                        s for h in child if isinstance(h, ast.ExceptHandler) for s in h.body])
    visit(fn.body)
    return out


def rewrite_for_loops(fn: ast.FunctionDef, ctx: Context,
                      build: Callable[[ast.FunctionDef, ast.For, Context], list[ast.stmt]]) -> Rewrite | None:
    """Replace each outermost `for` loop that *build* can rewrite (it raises
    Decline for the others) by what it builds; loops inside a rewritten one
    are left to it."""
    edits, lines, done = [], [], []
    for loop in loops_in(fn):
        if not isinstance(loop, ast.For) or any(_within(loop, d) for d in done):
            continue
        try:
            edits.append(replace_stmts(ctx, loop, loop, build(fn, loop, ctx)))
        except Decline:
            continue
        lines.append(loop.lineno)
        done.append(loop)
    return Rewrite(edits, lines) if edits else None


def _within(inner: ast.stmt, outer: ast.stmt) -> bool:
    return inner.lineno >= outer.lineno and inner.end_lineno <= outer.end_lineno


def _is_fallback(stmt: ast.stmt) -> bool:
    """``if guard: <whole-array form> else: <the original loop>``, as `guarded_replace` writes it: leave it alone."""
    return (isinstance(stmt, ast.If) and len(stmt.orelse) == 1 and isinstance(stmt.orelse[0], (ast.For, ast.While))
            and not any(isinstance(n, (ast.For, ast.While)) for s in stmt.body for n in ast.walk(s)))


def body_of(fn: ast.FunctionDef, stmt: ast.stmt) -> tuple[list[ast.stmt], int] | None:
    """The statement list that holds *stmt*, and its position there."""
    for node in ast.walk(fn):
        for field_name in ("body", "orelse", "finalbody"):
            block = getattr(node, field_name, None)
            if isinstance(block, list) and stmt in block:
                return block, block.index(stmt)
    return None


def enclosing_loops(fn: ast.FunctionDef, stmt: ast.stmt) -> list[ast.stmt]:
    """Loops that contain *stmt*, outermost first."""
    return [loop for loop in loops_in(fn) if loop is not stmt and _contains(loop, stmt)]


def _contains(outer: ast.AST, inner: ast.AST) -> bool:
    return any(node is inner for node in ast.walk(outer))


def read_outside(fn: ast.FunctionDef, loop: ast.stmt, names: set[str]) -> set[str]:
    """Which of *names* code outside *loop* may read with the value the loop left.

    Reads after the loop count; so does any read elsewhere in an enclosing
    loop (it may run after this loop on the next round). A read inside
    another `for NAME in` loop that rebinds the name first does not count.
    """
    outer = enclosing_loops(fn, loop)
    scope = outer[0] if outer else None
    found = set()
    for node in _loads_outside(fn, loop):
        if node.id not in names or _rebound_by_for(fn, node, loop):
            continue
        if node.lineno > loop.end_lineno or (scope is not None and _contains(scope, node)):
            found.add(node.id)
    return found


def _loads_outside(fn: ast.FunctionDef, loop: ast.stmt) -> Iterator[ast.Name]:
    inside = {id(n) for n in ast.walk(loop)}
    for node in ast.walk(fn):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and id(node) not in inside:
            yield node


def _rebound_by_for(fn: ast.FunctionDef, node: ast.Name, loop: ast.stmt) -> bool:
    for other in ast.walk(fn):
        if other is loop:
            continue
        if isinstance(other, (ast.For, ast.comprehension)) and node.id in names_stored([other.target]):
            body = other.body if isinstance(other, ast.For) else []
            if any(_contains(s, node) for s in body):
                return True
        if isinstance(other, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            bound = names_stored([g.target for g in other.generators])
            if node.id in bound and _contains(other, node):
                return True
    return False


PURE_BUILTINS = frozenset({"len", "abs", "min", "max", "round", "float", "int", "sum", "sorted", "bool",
                           "str", "tuple", "divmod", "pow", "any", "all", "isinstance", "ord", "chr", "range",
                           "enumerate", "zip", "reversed", "list", "set", "frozenset", "dict"})
PURE_METHODS = frozenset({
    "mean", "std", "var", "sum", "max", "min", "prod", "any", "all", "argmax", "argmin", "copy",
    "astype", "reshape", "ravel", "flatten", "cumsum", "nonzero", "dot", "round", "clip", "item",
    "lower", "upper", "strip", "lstrip", "rstrip", "split", "startswith", "endswith", "replace",
    "join", "format", "get", "keys", "values", "items", "count", "index", "find", "isdigit",
    "isalpha", "isspace", "title", "capitalize", "casefold", "encode", "decode", "tolist",
})
MATH_TO_NUMPY = {
    "sqrt": "sqrt", "exp": "exp", "log": "log", "log10": "log10", "log2": "log2", "log1p": "log1p",
    "expm1": "expm1", "sin": "sin", "cos": "cos", "tan": "tan", "asin": "arcsin", "acos": "arccos",
    "atan": "arctan", "atan2": "arctan2", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh",
    "floor": "floor", "ceil": "ceil", "fabs": "fabs", "hypot": "hypot", "isnan": "isnan",
    "isinf": "isinf", "isfinite": "isfinite", "trunc": "trunc", "degrees": "degrees",
    "radians": "radians", "copysign": "copysign", "pow": "power",
}
assert all(hasattr(math, k) and hasattr(numpy, v) for k, v in MATH_TO_NUMPY.items())

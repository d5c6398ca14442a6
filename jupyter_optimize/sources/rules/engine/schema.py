"""Guards on dtypes: a pandas rewrite runs only on frames and Series with the dtypes it was derived and verified for.

A rewrite of a loop over an int64 column can give another result (or raise)
on an object, bool or float column: ``-x`` of a bool is -1 per row and a
TypeError on the column; an int's ``x / 0`` raises, a float column's gives
inf. The probe records each frame's columns and dtypes (and a Series' dtype)
as the live calls had them (see `kinds.Kind.schema`); `schema_guards` writes
a test that the value has one of those, so any other frame takes the
original's path.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterable

from .build import parse_expr
from .context import Context
from .rewrite import Decline

PANDAS_TYPES = ("DataFrame", "Series")
NUMPY_NUMBERS = re.compile(r"(u?int(8|16|32|64)|float(16|32|64)|complex(64|128)|bool)")


def numpy_number(dtype: str) -> bool:
    """A numpy number (or bool) dtype by its name (``int64``; not the nullable ``Int64`` or ``boolean``)."""
    return NUMPY_NUMBERS.fullmatch(dtype) is not None


def pandas_names(ctx: Context, nodes: Iterable[ast.AST], bound: Collection[str] = ()) -> list[str]:
    """The names of frames and Series that *nodes* read, in the order they first appear (but not *bound*)."""
    found: dict[str, None] = dict.fromkeys(bound)
    for node in nodes:
        for n in ast.walk(node):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in found:
                kind = ctx.kind(n.id)
                if kind is not None and kind.type in PANDAS_TYPES:
                    found[n.id] = None
    return [n for n in found if n not in bound]


def schema_guards(ctx: Context, nodes: Iterable[ast.AST], bound: Collection[str] = ()) -> list[ast.expr]:
    """A test per frame or Series read by *nodes* (and not *bound* by the code a rewrite replaces):
    it has the dtypes (and a frame its columns) of a live call."""
    return [schema_guard(ctx, n) for n in pandas_names(ctx, nodes, bound)]


def schema_guard(ctx: Context, var: str) -> ast.expr:
    schemas = ctx.schemas(var)
    if not schemas:
        raise Decline(f"the dtypes {var} had are not known, so no guard can check them")
    kind = ctx.kind(var)
    assert kind is not None
    is_pandas = f"isinstance({var}, {ctx.module('pandas')}.{kind.type})"  # a dict, list or ndarray: the original
    if kind.type == "Series":
        dtypes = sorted({s[0][1] for s in schemas})
        return _one_of(_dtype_text(ctx, f"{var}.dtype", dtypes), [repr(d) for d in dtypes], is_pandas)
    pairs = f"[(c, {_dtype_text(ctx, 't', [d for s in schemas for _, d in s])}) for c, t in {var}.dtypes.items()]"
    expected = ["[" + ", ".join(f"({label}, {dtype!r})" for label, dtype in s) + "]" for s in schemas]
    return _one_of(pairs, expected, is_pandas)


def is_schema_guard(node: ast.expr) -> bool:
    """*node* is (or, an ``and``, starts with) a test `schema_guard` wrote: the mark of a rewrite's guard."""
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
        first = node.values[0]
        is_pandas = isinstance(first, ast.Call) and isinstance(first.func, ast.Name) and first.func.id == "isinstance"
        return is_schema_guard(node.values[1] if is_pandas else first)  # isinstance(df, pd.DataFrame) and ...
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.In))):
        return False
    left = node.left.orelse if isinstance(node.left, ast.IfExp) else node.left  # a Series': numpy's dtype, else str()
    text = ast.unparse(left)
    return text.endswith(".dtypes.items()]") or text.startswith("str(") and text.endswith(".dtype)")


def _dtype_text(ctx: Context, dtype: str, recorded: list[str]) -> str:
    """Code for what equals the name `kinds.dtype_name` gives *dtype* exactly when *dtype* is the dtype of that
    name: a numpy dtype itself (it equals its own name, and no other dtype's; str() of one takes microseconds),
    any other its name (an extension dtype may equal another's: the str dtype equals "string"), a categorical's
    with its categories' dtype."""
    named = f"str({dtype})" if not any(d.startswith("category[") for d in recorded) else \
        f"(str({dtype}) if str({dtype}) != 'category' else 'category[' + str({dtype}.categories.dtype) + ']')"
    return f"({dtype} if isinstance({dtype}, {ctx.module('numpy')}.dtype) else {named})"


def _one_of(actual: str, expected: list[str], is_pandas: str) -> ast.expr:
    if len(expected) == 1:
        return parse_expr(f"{is_pandas} and {actual} == {expected[0]}")
    return parse_expr(f"{is_pandas} and {actual} in ({', '.join(expected)})")


FLOATS = frozenset({"float16", "float32", "float64"})
TEXT_DTYPES = frozenset({"str", "string"})  # pandas' text dtypes: every value a str, or missing
INTEGERS = frozenset(f"{u}int{b}" for u in ("", "u") for b in (8, 16, 32, 64))


def values_dtypes(ctx: Context, node: ast.expr) -> set[str]:
    """The dtypes *node* (a column read, or arithmetic of them) had in the live calls, as far as they are sure:
    a float column beside anything makes floats (a product with an int column, too), ints with ints stay ints
    of some size ("int64" stands for them all); empty when unknown."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv)):
        sides = [values_dtypes(ctx, node.left), values_dtypes(ctx, node.right)]
        if any(side and side <= FLOATS for side in sides) or isinstance(node.op, ast.Div) \
                and all(side and side <= FLOATS | INTEGERS for side in sides):
            return {"float64"}
        if all(side and side <= INTEGERS - {"uint64"} for side in sides):
            return {"int64"}
        return set()
    return column_dtypes(ctx, node)


def column_dtypes(ctx: Context, node: ast.expr) -> set[str]:
    """The dtypes a column read (``df["c"]``, a Series name; a row's field as `rows.row_field` reads it) had in
    the live calls; empty when unknown."""
    if isinstance(node, ast.IfExp):
        return column_dtypes(ctx, node.body)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "astype" \
            and len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Constant) \
            and isinstance(node.args[0].value, str) and column_dtypes(ctx, node.func.value):
        return {node.args[0].value}  # a column cast to a dtype of its row (see `rows.RowType`)
    if isinstance(node, ast.Name):
        return {schema[0][1] for schema in ctx.schemas(node.id)} if ctx.kind(node.id) is not None \
            and ctx.kind(node.id).type == "Series" else set()  # type: ignore[union-attr]
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Constant):
        label = repr(node.slice.value)
        return {dtype for schema in ctx.schemas(node.value.id) for text, dtype in schema if text == label}
    return set()


def group_key(ctx: Context, column: ast.expr) -> ast.expr:
    """What to group by for the values of *column*: a text column as an object array of its strings
    (the same groups in the same order; pandas groups an object array several times faster than its
    python-backed str dtype), any other column as it is."""
    if column_dtypes(ctx, column) == {"str"}:
        return ast.Call(ast.Attribute(column, "to_numpy", ast.Load()), [],
                        [ast.keyword("dtype", ast.Constant("object"))])
    return column

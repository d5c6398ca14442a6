"""Per-row expressions as whole-column expressions: the translator the pandas families share.

A loop over a frame's rows (or a lambda given to ``apply``/``map``) computes
one value per row from the row's fields. `Columns` translates such an
expression into the same computation over whole columns: a field read
becomes the column, arithmetic and comparisons stay, ``and``/``or``/``not``
of comparisons become ``&``/``|``/``~``, a conditional becomes ``np.where``,
``math`` functions become numpy's, ``str(x)`` becomes ``x.map(str)`` (the
same text for every float), and string methods go through ``.str``.

Where the per-row code can raise on some element (``math.sqrt`` of a
negative, a division by zero, ``int()``/``float()`` of a bad string, a string
method on a missing value) the translator records a *guard*: a whole-column
test that is true when no element raises. Rules run the vectorized form
under the guard and the original code otherwise, so the original raises the
same exception (same type, same message, after the same effects).

This module imports neither pandas nor numpy: it writes code that uses them.
"""
from __future__ import annotations

import ast
import copy
import types
from collections.abc import Callable
from dataclasses import dataclass, field

from .build import call, const, name, parse_expr
from .context import Context
from .inline import helper_expression
from .rewrite import Decline
from .schema import FLOATS, INTEGERS, TEXT_DTYPES, column_dtypes, values_dtypes

COL, ARR, CONST = "column", "array", "constant"  # a Series aligned with the rows; an ndarray; one value
NUMBER, BOOL, TEXT, ANY = "number", "bool", "text", "any"
OBJECTS = "objects"  # an object array (values a dict holds, text mixed with numbers): a Series infers its dtype
FLOAT = "float"  # a number known to be a float (math functions, true division, float()): it cannot wrap

MATH_UFUNCS = {"exp": "exp", "log": "log", "log10": "log10", "log2": "log2", "sqrt": "sqrt", "sin": "sin",
               "cos": "cos", "tan": "tan", "atan": "arctan", "tanh": "tanh", "fabs": "abs", "log1p": "log1p"}
# the elements on which the math function raises (ValueError / OverflowError)
MATH_BAD = {"sqrt": "({x}) < 0", "log": "({x}) <= 0", "log10": "({x}) <= 0", "log2": "({x}) <= 0",
            "log1p": "({x}) <= -1", "exp": "({x}) > 709.0", "sin": "abs({x}) == float('inf')",
            "cos": "abs({x}) == float('inf')", "tan": "abs({x}) == float('inf')"}
STR_METHODS = {"upper", "lower", "strip", "lstrip", "rstrip", "title", "capitalize", "casefold", "swapcase",
               "replace", "startswith", "endswith", "zfill", "isdigit", "isalpha", "isnumeric", "isspace",
               "islower", "isupper", "isalnum", "center", "ljust", "rjust"}
STR_PREDICATES = {"startswith", "endswith", "isdigit", "isalpha", "isnumeric", "isspace", "islower", "isupper",
                  "isalnum"}
INT_TEXT = r"^\s*[+-]?[0-9]{1,18}\s*$"
FLOAT_TEXT = r"^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$"
# what infer_dtype(skipna=False) calls an object column of hashable values none of which is NA-like
PLAIN_KEYS = ("string", "integer", "boolean", "bytes", "empty")
NARROW_FLOATS = frozenset({"float16", "float32"})
# what infer_dtype(skipna=False) calls an object column that int()/float() read as astype does: text, or numbers
OBJECT_NUMBERS = ("string", "integer", "floating", "mixed-integer-float")


@dataclass(frozen=True)
class Tr:
    """A translated expression: its code, its shape and what its values are."""

    node: ast.expr
    shape: str
    sort: str = ANY


Reader = Callable[[ast.expr], "ast.expr | None"]  # a per-row field read -> the column it reads, or None


@dataclass
class Columns:
    """Translate per-row expressions; *read* maps field reads to columns, *env* names to translations."""

    ctx: Context
    read: Reader
    env: dict[str, Tr] = field(default_factory=dict)
    varying: set[str] = field(default_factory=set)  # names that change per row (not in env: untranslatable)
    guards: list[ast.expr] = field(default_factory=list)
    index: ast.expr | None = None  # the rows' index, for wrapping arrays in a Series (set by the rule)
    conditions: list[str] = field(default_factory=list)  # the branch being translated runs only where these hold
    inlining: list[str] = field(default_factory=list)  # helpers being inlined (no recursion)
    named: dict[str, str] = field(default_factory=dict)  # a translation (its ast.dump) -> the temporary it was set to
    # a field read gives Python scalars (iterating a column, itertuples, Series.map/apply: each value converted
    # with .item()); otherwise numpy scalars may come (``df.at[i, "c"]``, a row of one dtype), or Python ones (a
    # row of objects): then both have to be the same
    python_scalars: bool = False

    def name_of(self, node: ast.expr) -> str | None:
        """The temporary of the per-row code that held *node*'s values, if any (a good name for them)."""
        return self.named.get(ast.dump(node))

    def set_temporary(self, target: str, value: Tr) -> None:
        self.env[target] = value
        self.named.setdefault(ast.dump(value.node), target)

    @property
    def np(self) -> str:
        return self.ctx.module("numpy")

    @property
    def pd(self) -> str:
        return self.ctx.module("pandas")

    def guard_rows(self, bad: str) -> None:
        """Guard against rows where *bad* (an elementwise test) holds, among the rows the current branch runs on."""
        if self.conditions:
            where = " & ".join(f"({c})" for c in self.conditions)
            self.guard(f"not (({bad}) & {where}).any()")
        else:
            self.guard(f"not ({bad}).any()")

    def branch(self, test: Tr, node: ast.expr, negate: bool = False) -> Tr:
        """*node* translated as the branch that runs where *test* holds (or does not, *negate*)."""
        code = ast.unparse(test.node)
        self.conditions.append(f"~({code})" if negate else code)
        try:
            return self.expr(node)
        finally:
            self.conditions.pop()

    def guard(self, code: str) -> None:
        node = parse_expr(code)
        if not any(ast.dump(node) == ast.dump(g) for g in self.guards):
            self.guards.append(node)

    # -- expressions --------------------------------------------------------

    def expr(self, node: ast.expr) -> Tr:
        column = self.read(node)
        if column is not None:
            return Tr(column, COL)
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise Decline(f"{type(node).__name__} in a per-row expression")
        out: Tr = method(node)
        return out

    def _Constant(self, node: ast.Constant) -> Tr:
        sort = TEXT if isinstance(node.value, str) else BOOL if isinstance(node.value, bool) else NUMBER
        return Tr(copy.deepcopy(node), CONST, sort)

    def _Name(self, node: ast.Name) -> Tr:
        if node.id in self.env:
            return self.env[node.id]
        if node.id in self.varying:
            raise Decline(f"{node.id} changes from row to row")
        return Tr(name(node.id), CONST)

    def _Attribute(self, node: ast.Attribute) -> Tr:
        base = self.expr(node.value)
        if base.shape != CONST:
            raise Decline(f"attribute .{node.attr} of a per-row value")
        return Tr(copy.deepcopy(node), CONST)

    def _Subscript(self, node: ast.Subscript) -> Tr:
        base, index = self.expr(node.value), self.expr(node.slice) if isinstance(node.slice, ast.expr) else None
        if base.shape == CONST and index is not None and index.shape == CONST:
            return Tr(copy.deepcopy(node), CONST)
        if base.shape == CONST and index is not None and index.shape == COL and self._is_dict(node.value):
            return self.lookup(base, index)
        raise Decline("a subscript of a per-row value")

    def _is_dict(self, node: ast.expr) -> bool:
        kinds = self.ctx.kinds_of(node.id) if isinstance(node, ast.Name) else frozenset()
        return bool(kinds) and all(k.type == "dict" for k in kinds)

    def lookup(self, table: Tr, keys: Tr) -> Tr:
        """``table[key]`` per row -> each distinct key looked up once (``pd.factorize``, in the order the rows
        first have them), then the values the dict holds (the very objects) spread back over the rows. A key
        missing from the table raises the KeyError the loop raises first (the first missing key in row
        order); a table that is not a plain dict (``__missing__``, say): the original runs. So does an object
        column holding anything but plain strings, ints, bools or bytes: factorize makes one NaN of None, pd.NA
        and each NaN object, where the loop looks each up as it is, and it raises TypeError on an unhashable
        value where the loop may first meet a missing key."""
        if self.conditions:  # the whole column is looked up: a key the branch's rows never have would raise
            raise Decline("a dict lookup in a branch (every row's key would be looked up)")
        code, t, pd, np = ast.unparse(keys.node), ast.unparse(table.node), self.pd, self.np
        self.guard(f"type({t}) is dict")
        dtypes = column_dtypes(self.ctx, keys.node)  # the dtypes the schema guard lets through
        if not dtypes or "object" in dtypes:
            self.guard(f"(not {pd}.api.types.is_object_dtype({code}) "
                       f"or {pd}.api.types.infer_dtype({code}, skipna=False) in {PLAIN_KEYS!r})")
        found = self.ctx.fresh("found")
        values = (f"{np}.fromiter(map({t}.__getitem__, ({found} := {pd}.factorize({code}, use_na_sentinel=False))[1]),"
                  f" dtype=object, count=len({found}[1]))[{found}[0]]")
        return Tr(parse_expr(values), ARR, OBJECTS)

    def _BinOp(self, node: ast.BinOp) -> Tr:
        left, right = self.expr(node.left), self.expr(node.right)
        if left.shape == CONST and right.shape == CONST:
            return Tr(ast.BinOp(left.node, node.op, right.node), CONST, left.sort)
        if isinstance(node.op, (ast.Div, ast.FloorDiv, ast.Mod)) and right.shape != CONST:
            if isinstance(node.op, ast.Mod) and TEXT in (left.sort, right.sort):
                raise Decline("% formatting of per-row values")
            self.guard_rows(f"({ast.unparse(right.node)}) == 0")  # Python numbers raise ZeroDivisionError
        if isinstance(node.op, (ast.BitAnd, ast.BitOr, ast.BitXor, ast.LShift, ast.RShift, ast.MatMult)):
            raise Decline("bitwise operators on per-row values")
        if isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod, ast.Pow)) \
                and self.number_type(left) == self.number_type(right) == "bool":
            left, right = self._bools_as_ints(left), self._bools_as_ints(right)
        sort = TEXT if TEXT in (left.sort, right.sort) else \
            FLOAT if isinstance(node.op, ast.Div) or FLOAT in (left.sort, right.sort) else NUMBER
        if sort == TEXT:
            for side in (left, right):
                self._no_missing(side)
        else:
            self._no_overflow(node.op, left, right)
        return Tr(ast.BinOp(left.node, node.op, right.node), _shape(left, right), sort)

    def _bools_as_ints(self, x: Tr) -> Tr:
        """Bools in arithmetic with bools: Python's True + True is 2, numpy's (arrays and np.bool_ scalars alike)
        logical or. Where the loop sees Python values, the ints Python makes of them (a constant stays: Python
        does that itself); where it may see numpy's or Python's (a row of one dtype or of objects): declined."""
        if not self.python_scalars:
            raise Decline("arithmetic of two bools (Python's True + True is 2, numpy's is True; which the loop "
                          "gets depends on the frame)")
        if x.shape == CONST:
            return x
        return Tr(call(ast.Attribute(x.node, "astype", ast.Load()), const("int64")), x.shape, NUMBER)

    def _no_overflow(self, op: ast.operator, *sides: Tr) -> None:
        """Python ints do not overflow, int64 columns wrap: integer operands stay small enough that no result wraps
        (sums below 2**62, products of factors below 2**31), or the original runs."""
        if isinstance(op, ast.Pow):
            exponent = sides[1].node
            if not (isinstance(exponent, ast.Constant) and type(exponent.value) is int and exponent.value >= 1):
                raise Decline("a power with an exponent that is not a positive integer constant")
            limits = [2 ** (62 // exponent.value)]
            sides = sides[:1]
            if sides[0].shape != CONST:  # a Python float raises OverflowError where numpy gives inf
                self.guard(f"not ({self.np}.abs({ast.unparse(sides[0].node)}) >= 1e{300 // exponent.value}).any()")
        elif isinstance(op, (ast.Add, ast.Sub)):
            limits = [2 ** 62]
        elif isinstance(op, ast.Mult):
            limits = [2 ** 31]
        else:
            return
        known = [values_dtypes(self.ctx, side.node) for side in sides]
        if any(dtypes and dtypes <= FLOATS for dtypes in known):
            return  # floats beside ints make floats: nothing wraps
        for side, dtypes in zip(sides, known):
            if side.sort == FLOAT:
                continue
            code = ast.unparse(side.node)
            if isinstance(side.node, ast.Constant):
                if type(side.node.value) is int and abs(side.node.value) >= limits[0]:
                    raise Decline("an integer constant large enough to overflow int64")
            elif side.shape == CONST:
                self.guard(f"(not isinstance({code}, int) or abs({code}) < {limits[0]})")
            elif side.shape == COL and dtypes and dtypes <= INTEGERS:
                self.guard(f"({code}).between(-{limits[0]}, {limits[0]}, inclusive='neither').all()")
            else:
                self.guard(f"(not {self.pd}.api.types.is_integer_dtype({code}) or not len({code}) "
                           f"or (({code}).min() > -{limits[0]} and ({code}).max() < {limits[0]}))")

    def _UnaryOp(self, node: ast.UnaryOp) -> Tr:
        inner = self.expr(node.operand)
        if inner.shape == CONST:
            return Tr(ast.UnaryOp(node.op, inner.node), CONST, inner.sort)
        if isinstance(node.op, ast.Not):
            if inner.sort != BOOL:
                raise Decline("`not` of a value that is not a comparison")
            return Tr(ast.UnaryOp(ast.Invert(), inner.node), inner.shape, BOOL)
        if isinstance(node.op, ast.Invert):
            raise Decline("~ of a per-row value")
        self._no_overflow(ast.Add(), inner)  # -(-2**63) wraps
        if self.number_type(inner) == "bool":
            inner = self._bools_as_ints(inner)  # -True is -1 (numpy refuses - on bools)
        return Tr(ast.UnaryOp(node.op, inner.node), inner.shape, NUMBER)

    def _Compare(self, node: ast.Compare) -> Tr:
        parts: list[Tr] = []
        left = self.expr(node.left)
        for op, comparator in zip(node.ops, node.comparators):
            right = self.expr(comparator)
            parts.append(self._compare(left, op, right))
            left = right
        if len(parts) == 1:
            return parts[0]
        return self._all(parts, ast.BitAnd())

    def _compare(self, left: Tr, op: ast.cmpop, right: Tr) -> Tr:
        if left.shape == CONST and right.shape == CONST:
            return Tr(ast.Compare(left.node, [op], [right.node]), CONST, BOOL)
        if isinstance(op, (ast.In, ast.NotIn)):
            if right.shape != CONST or left.shape != COL:
                raise Decline("`in` over per-row values")
            test: ast.expr = call(ast.Attribute(left.node, "isin", ast.Load()), call("list", right.node))
            if isinstance(op, ast.NotIn):
                test = ast.UnaryOp(ast.Invert(), test)
            self._hashable_in(right)
            # isin matches a missing value with any missing value (None, NaN, pd.NA) in the container; `in` compares
            # the very object (pd.NA == x raises, a NaN matches only itself): rows with missing values run the loop
            self.guard_rows(f"({ast.unparse(left.node)}).isna()")
            return Tr(test, COL, BOOL)
        if isinstance(op, (ast.Is, ast.IsNot)):
            raise Decline("`is` on per-row values")
        if any(isinstance(side.node, ast.Constant) and side.node.value is None for side in (left, right)):
            raise Decline("a comparison with None (a column's == None is False even where the value is None)")
        if TEXT in (left.sort, right.sort):
            self._text_meets_text(left, right)
            if not isinstance(op, (ast.Eq, ast.NotEq)):
                for side in (left, right):
                    self._no_missing(side)
        return Tr(ast.Compare(left.node, [op], [right.node]), _shape(left, right), BOOL)

    def _text_meets_text(self, *sides: Tr) -> None:
        """Text compared with a column of another dtype: pandas parses it for a datetime or timedelta column
        (``== "2024-03-01"`` is true on that day, a Timestamp never equals a str) and orders an ordered
        categorical by its categories, not as strings."""
        for side in sides:
            dtypes = values_dtypes(self.ctx, side.node) if side.shape == COL else set()
            other = sorted(d for d in dtypes if d not in TEXT_DTYPES and d != "object")
            if other:
                raise Decline(f"text compared with a {other[0]} column (pandas compares those its own way)")

    def _hashable_in(self, container: Tr) -> None:
        # `x in d` on a dict tests keys, on a list equality; isin compares values: the same for plain values
        self.guard(f"isinstance({ast.unparse(container.node)}, (list, tuple, set, frozenset, dict))")

    def _BoolOp(self, node: ast.BoolOp) -> Tr:
        parts = [self.expr(v) for v in node.values]
        if any(p.sort != BOOL for p in parts):
            raise Decline("and/or of values that are not comparisons")
        if all(p.shape == CONST for p in parts):
            return Tr(ast.BoolOp(node.op, [p.node for p in parts]), CONST, BOOL)
        return self._all(parts, ast.BitAnd() if isinstance(node.op, ast.And) else ast.BitOr())

    def _all(self, parts: list[Tr], op: ast.operator) -> Tr:
        node, shape = parts[0].node, parts[0].shape
        for p in parts[1:]:
            node, shape = ast.BinOp(node, op, p.node), _shape(Tr(node, shape), p)
        return Tr(node, shape, BOOL)

    def _IfExp(self, node: ast.IfExp) -> Tr:
        test = self.expr(node.test)
        if test.shape == CONST:
            raise Decline("a condition that is the same for every row")
        body, orelse = self.branch(test, node.body), self.branch(test, node.orelse, negate=True)
        return self.where(test, body, orelse)

    def where(self, test: Tr, body: Tr, orelse: Tr) -> Tr:
        if test.sort != BOOL:
            raise Decline("a condition that is not a comparison")
        if test.shape == CONST:
            raise Decline("a condition that is the same for every row")
        if _labels(body) is not None and _labels(orelse) is not None:
            return self._choose(test, body, orelse)
        sort = body.sort if body.sort == orelse.sort else ANY
        picked = [self._as_object(body), self._as_object(orelse)]
        if sort != TEXT and any(p is not b.node for p, b in zip(picked, (body, orelse))):
            sort = OBJECTS  # text and other values: a Series of them infers its dtype from the values picked
        types_ = {self.number_type(body), self.number_type(orelse)}
        if sort != OBJECTS and None not in types_ and len(types_) == 2:
            # an int in some rows, a float (or a bool) in others: each row keeps its value's type, as in a list
            picked = [call(f"{self.np}.asarray", p, dtype=const("object")) for p in picked]
            sort = OBJECTS
        return Tr(call(f"{self.np}.where", test.node, *picked), ARR, sort)

    def _choose(self, test: Tr, body: Tr, orelse: Tr) -> Tr:
        """A conditional between text constants: the number of the label each row gets (np.where of small ints),
        then the labels, as the very str objects, picked by it (an object array indexed by those numbers)."""
        first, second = _labels(body), _labels(orelse)
        assert first is not None and second is not None
        labels = [*first[0], *second[0]]
        pick = Pick(test.node, first[1], _shift(second[1], len(first[0])))
        node = ast.Subscript(call(f"{self.np}.array", ast.List([copy.deepcopy(c) for c in labels], ast.Load()),
                                  dtype=const("object")), pick.codes(self.np), ast.Load())
        return Labels(node, ARR, TEXT, labels=tuple(labels), pick=pick)

    def _as_object(self, branch: Tr) -> ast.expr:
        """A text constant as a 0-d object array: np.where then picks the very str objects, where a str would
        make a fixed-width unicode array (turning a number of the other branch into its text, too)."""
        if branch.shape == CONST and branch.sort == TEXT:
            return call(f"{self.np}.asarray", branch.node, dtype=const("object"))
        return branch.node

    def _JoinedStr(self, node: ast.JoinedStr) -> Tr:
        pieces: list[Tr] = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                pieces.append(Tr(copy.deepcopy(value), CONST, TEXT))
            elif isinstance(value, ast.FormattedValue) and value.conversion == -1 and value.format_spec is None:
                pieces.append(self.text_of(self.expr(value.value)))
            else:
                raise Decline("an f-string with a format spec or conversion")
        out = pieces[0]
        for p in pieces[1:]:
            out = Tr(ast.BinOp(out.node, ast.Add(), p.node), _shape(out, p), TEXT)
        return out

    def text_of(self, value: Tr) -> Tr:
        """str(value) per row: ``map(str)`` calls str on each Python value, so floats keep their digits."""
        if value.shape == CONST:
            return Tr(call("str", value.node), CONST, TEXT)
        if value.shape == ARR and self.index is None:
            raise Decline("str() of a computed value with no index to put it on")
        if self.narrow_floats(value.node) and not (self.python_scalars and _is_read(value.node)):
            raise Decline("str() of a float32 value (the loop's text of a numpy float32, or of a float computed from "
                          "one, is not what map(str) writes)")
        series = self.series(value, self.index) if value.shape == ARR and self.index is not None else value.node
        return Tr(call(ast.Attribute(series, "map", ast.Load()), name("str")), COL, TEXT)

    def _Call(self, node: ast.Call) -> Tr:
        if node.keywords:
            raise Decline("a call with keyword arguments")
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
                self.ctx.kind(func.value.id) is not None and self.ctx.kind(func.value.id).dtype == "math":  # type: ignore[union-attr]
            return self._math(func.attr, node.args)
        if isinstance(func, ast.Name) and func.id not in self.env and func.id not in self.varying:
            helper = self.ctx.globals.get(func.id)
            if isinstance(helper, types.FunctionType) and not self._all_constant(node.args):
                return self._helper(func.id, helper, node.args)
            return self._builtin(func.id, node.args, node)
        if isinstance(func, ast.Attribute):
            return self._method(func, node.args)
        raise Decline("a call the translator does not know")

    def _all_constant(self, args: list[ast.expr]) -> bool:
        try:
            return all(self.expr(a).shape == CONST for a in args)
        except Decline:  # a whole row, say: not a value, but a helper may read its fields
            return False

    def _helper(self, fname: str, helper: types.FunctionType, args: list[ast.expr]) -> Tr:
        """A helper of the user's called per row: its body inlined as one expression, then translated."""
        if fname in self.inlining or len(self.inlining) > 3:
            raise Decline(f"{fname} calls itself, or helpers nest too deep")
        self.inlining.append(fname)
        try:
            return self.expr(helper_expression(helper, args, self.ctx.globals))
        finally:
            self.inlining.pop()

    def _math(self, fname: str, args: list[ast.expr]) -> Tr:
        if fname not in MATH_UFUNCS or len(args) != 1:
            raise Decline(f"math.{fname} has no numpy form the translator uses")
        x = self.expr(args[0])
        if x.shape == CONST:
            raise Decline("a math call on a constant")
        if fname in MATH_BAD:
            self.guard_rows(MATH_BAD[fname].format(x=ast.unparse(x.node)))
        return Tr(call(f"{self.np}.{MATH_UFUNCS[fname]}", x.node), x.shape, FLOAT)

    def _builtin(self, fname: str, args: list[ast.expr], node: ast.Call) -> Tr:
        known = self.ctx.kind(fname)
        if known is not None and known.type not in ("builtin_function_or_method", "type"):
            raise Decline(f"{fname}() is a function of the user's: what it does per row is not known")
        xs = [self.expr(a) for a in args]
        if all(x.shape == CONST for x in xs):
            return Tr(copy.deepcopy(node), CONST)
        np = self.np
        if fname == "abs" and len(xs) == 1:
            self._no_overflow(ast.Add(), xs[0])  # abs(-2**63) wraps in int64
            return Tr(call(f"{np}.abs", xs[0].node), xs[0].shape, NUMBER)
        if fname in ("max", "min") and len(xs) == 2:
            return self._max_min(fname, xs[0], xs[1])
        if fname == "round" and len(xs) == 2:  # round(0.15, 1) is 0.1, np.round(0.15, 1) is 0.2
            raise Decline("round(x, n) rounds the float's exact value, np.round rounds x * 10**n: they differ "
                          "on about one value in 25")
        if fname == "str" and len(xs) == 1:
            return self.text_of(xs[0])
        if fname == "len" and len(xs) == 1:
            x = self._text_column(xs[0])
            return Tr(call(ast.Attribute(ast.Attribute(x.node, "str", ast.Load()), "len", ast.Load())), COL, NUMBER)
        if fname in ("int", "float") and len(xs) == 1:
            return self._number_of(fname, xs[0])
        raise Decline(f"{fname}() of a per-row value has no whole-column form here")

    def _max_min(self, fname: str, first: Tr, second: Tr) -> Tr:
        """max(a, b) is ``b if b > a else a``: with a NaN it depends on the order (max(nan, 1) is nan, max(1, nan)
        is 1), which np.maximum / np.fmax do not follow; so floats get that very np.where. Ints have no NaN:
        np.maximum. Each value keeps its type in the loop (max(0, 2.5) is 2.5, max(3, 2.5) the int 3): an int
        beside a float, a bool or a value of unknown type is declined."""
        types_ = {self.number_type(first), self.number_type(second)}
        if types_ == {"int"}:
            for x in (first, second):
                self._small_int(x)
            return Tr(call(f"{self.np}.{'maximum' if fname == 'max' else 'minimum'}", first.node, second.node),
                      _shape(first, second), NUMBER)
        if types_ != {"float"}:
            raise Decline(f"{fname}() of values that are not both ints or both floats (it keeps the type of the "
                          "one it picks)")
        op: ast.cmpop = ast.Gt() if fname == "max" else ast.Lt()
        test = ast.Compare(copy.deepcopy(second.node), [op], [copy.deepcopy(first.node)])
        return Tr(call(f"{self.np}.where", test, second.node, first.node), ARR, FLOAT)

    def _small_int(self, x: Tr) -> None:
        """An int constant that numpy can take beside an int64 column."""
        code = ast.unparse(x.node)
        if isinstance(x.node, ast.Constant) and isinstance(x.node.value, int) and abs(x.node.value) >= 2 ** 63:
            raise Decline("an integer constant past int64")
        if x.shape == CONST and not isinstance(x.node, ast.Constant):
            self.guard(f"abs({code}) < 2 ** 63")

    def number_type(self, x: Tr) -> str | None:
        """"int", "float" or "bool" when every value of *x* is one (as the loop sees it), else None."""
        if x.sort == BOOL:
            return "bool"
        found = self._node_type(x.node)
        return "float" if found is None and x.sort == FLOAT else found

    def _node_type(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant):
            value = node.value
            return "bool" if isinstance(value, bool) else "int" if isinstance(value, int) else \
                "float" if isinstance(value, float) else None
        if isinstance(node, ast.Name):
            types_ = {k.type for k in self.ctx.kinds_of(node.id)}
            if len(types_) == 1 and types_ <= {"int", "float", "bool"}:
                return types_.pop()
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return self._node_type(node.operand)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv)):
            sides = {self._node_type(node.left), self._node_type(node.right)}
            if None in sides or "bool" in sides:
                return None
            return "float" if "float" in sides or isinstance(node.op, ast.Div) else "int"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.keywords \
                and ast.unparse(node.func) in (f"{self.np}.where", f"{self.np}.maximum", f"{self.np}.minimum"):
            found = {self._node_type(a) for a in node.args[-2:]}
            return found.pop() if len(found) == 1 else None
        dtypes = column_dtypes(self.ctx, node)
        if dtypes and dtypes <= FLOATS:
            return "float"
        if dtypes and dtypes <= INTEGERS - {"uint64"}:
            return "int"
        return "bool" if dtypes == {"bool"} else None

    def _number_of(self, fname: str, x: Tr) -> Tr:
        """int(x) / float(x): from text under a guard that every string parses the plain way; from numbers directly."""
        if x.shape != COL:
            raise Decline(f"{fname}() of a computed value")
        code = ast.unparse(x.node)
        pd = self.pd
        pattern = INT_TEXT if fname == "int" else FLOAT_TEXT
        dtypes = column_dtypes(self.ctx, x.node)
        if not dtypes or "object" in dtypes:  # objects of one sort: all text, or all numbers (else the original)
            self.guard(f"(not {pd}.api.types.is_object_dtype({code}) or {pd}.api.types.infer_dtype({code}, "
                       f"skipna=False) in {OBJECT_NUMBERS!r})")
        if self._text_dtype(x):
            self.guard(f"({code}).str.match({pattern!r}).all()")
        else:
            self.guard(f"(not {pd}.api.types.is_string_dtype({code}) or ({code}).str.match({pattern!r}).all())")
        self.guard(f"({code}).notna().all()")
        if fname == "int" and not self._text_dtype(x):
            self.guard(f"({pd}.api.types.is_string_dtype({code}) or {pd}.api.types.is_integer_dtype({code}) "
                       f"or (({code}).abs() < 2 ** 62).all())")
        dtype = "int64" if fname == "int" else "float64"
        return Tr(call(ast.Attribute(x.node, "astype", ast.Load()), const(dtype)), COL, NUMBER if fname == "int" else FLOAT)

    def _method(self, func: ast.Attribute, args: list[ast.expr]) -> Tr:
        base = self.expr(func.value)
        xs = [self.expr(a) for a in args]
        if base.shape == CONST and all(x.shape == CONST for x in xs):
            return Tr(call(copy.deepcopy(func), *[x.node for x in xs]), CONST)
        if base.shape == CONST and func.attr == "get" and len(xs) in (1, 2):
            raise Decline("dict.get over a column (the lookup rule's)")
        if func.attr not in STR_METHODS or any(x.shape != CONST for x in xs):
            raise Decline(f".{func.attr}() of a per-row value")
        x = self._text_column(base)
        method = ast.Attribute(ast.Attribute(x.node, "str", ast.Load()), func.attr, ast.Load())
        sort = BOOL if func.attr in STR_PREDICATES else TEXT
        if func.attr in ("startswith", "endswith") and not (len(args) == 1 and isinstance(args[0], ast.Constant)
                                                            and isinstance(args[0].value, str)):
            raise Decline(f".{func.attr}() with a non-string prefix, or start and end (.str.{func.attr} takes na there)")
        return Tr(call(method, *[x.node for x in xs]), COL, sort)

    def narrow_floats(self, node: ast.expr) -> bool:
        """*node* reads a float16 or float32 column (whose values a loop may see as numpy scalars of that type)."""
        return any(column_dtypes(self.ctx, n) & NARROW_FLOATS for n in ast.walk(node)
                   if isinstance(n, (ast.Subscript, ast.Name, ast.Call)))

    def _text_column(self, x: Tr) -> Tr:
        """A column that holds only strings (string methods on anything else raise: then the original runs)."""
        if x.shape != COL:
            raise Decline("a string method of a computed value")
        code = ast.unparse(x.node)
        if not self._text_dtype(x):
            self.guard(f"{self.pd}.api.types.is_string_dtype({code})")
        self.guard(f"({code}).notna().all()")
        return x

    def _text_dtype(self, x: Tr) -> bool:
        """A column of a text dtype in every live call (the rewrite runs only on those dtypes, see `engine.schema`)."""
        dtypes = values_dtypes(self.ctx, x.node) if x.shape == COL else set()
        return bool(dtypes) and dtypes <= TEXT_DTYPES

    def _no_missing(self, x: Tr) -> None:
        """Missing values in a column read (NaN where the per-row code would raise or compare otherwise): fall back."""
        if x.shape == COL and isinstance(x.node, (ast.Subscript, ast.Name)):
            self.guard_rows(f"({ast.unparse(x.node)}).isna()")

    # -- results ------------------------------------------------------------

    def series(self, value: Tr, index: ast.expr, name_: ast.expr | None = None) -> ast.expr:
        """*value* as a Series on *index* (an array is wrapped; a column keeps its index)."""
        if value.shape == CONST:
            raise Decline("the value is the same for every row")
        if value.shape == ARR:
            kw = {"index": index} | ({"name": name_} if name_ is not None else {})
            data = call(ast.Attribute(value.node, "tolist", ast.Load())) if value.sort == OBJECTS else value.node
            if isinstance(value, Labels):
                data = self._labels_array(value)
            return call(f"{self.pd}.Series", data, **kw)
        if name_ is not None:
            return call(ast.Attribute(value.node, "rename", ast.Load()), name_)
        return value.node

    def _labels_array(self, value: Labels) -> ast.expr:
        """The labels picked per row as the array a Series of them holds: the few labels made a Series once (so
        they get the dtype pandas infers for text, as the loop's values do), then taken by each row's label
        number; a Series of the object array picked would infer that dtype again over every row."""
        table = call(f"{self.pd}.Series", ast.List([copy.deepcopy(c) for c in value.labels], ast.Load()))
        take = ast.Attribute(ast.Attribute(table, "array", ast.Load()), "take", ast.Load())
        return call(take, _code(value.pick, self.np))

    def as_list(self, value: Tr) -> ast.expr:
        """The per-row values as a Python list (what appending them one by one builds)."""
        if value.shape == CONST:
            raise Decline("the value is the same for every row")
        return call(ast.Attribute(value.node, "tolist", ast.Load()))

    def texts_to_join(self, value: Tr) -> ast.expr:
        """The per-row texts as a list for ``"".join``. A sum of pieces is added as object arrays (each row's
        pieces joined by Python's str +, in the loop's order and with its TypeError on a piece that is not
        text; adding pandas' str Series is several times slower); a column's str() is str of each of its
        values as ``tolist`` gives them, the values ``map(str)`` calls str on."""
        pieces: list[ast.expr] = []
        node = value.node
        while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            pieces.insert(0, node.right)
            node = node.left
        if not pieces:
            return self.as_list(value)
        joined: ast.expr = self._object_text(node)
        for piece in pieces:
            joined = ast.BinOp(joined, ast.Add(), self._object_text(piece))
        return call(ast.Attribute(joined, "tolist", ast.Load()))

    def _object_text(self, piece: ast.expr) -> ast.expr:
        if isinstance(piece, ast.Constant):
            return piece
        if isinstance(piece, ast.Call) and isinstance(piece.func, ast.Attribute) and piece.func.attr == "map" \
                and len(piece.args) == 1 and not piece.keywords and isinstance(piece.args[0], ast.Name) \
                and piece.args[0].id == "str":  # text_of's str() of a column
            texts = call("list", call("map", name("str"), call(ast.Attribute(piece.func.value, "tolist", ast.Load()))))
            return call(f"{self.np}.array", texts, dtype=const("object"))
        return call(f"{self.np}.asarray", piece, dtype=const("object"))

    def all_guards(self) -> ast.expr | None:
        if not self.guards:
            return None
        return self.guards[0] if len(self.guards) == 1 else ast.BoolOp(ast.And(), list(self.guards))


@dataclass(frozen=True)
class Pick:
    """Which label a row gets: *then*'s where *test* holds, else *orelse*'s (a label's number, or a Pick)."""

    test: ast.expr
    then: Pick | int
    orelse: Pick | int

    def shifted(self, by: int) -> Pick:
        return Pick(self.test, _shift(self.then, by), _shift(self.orelse, by))

    def codes(self, np: str) -> ast.expr:
        return call(f"{np}.where", self.test, _code(self.then, np), _code(self.orelse, np))


def _shift(pick: Pick | int, by: int) -> Pick | int:
    return pick + by if isinstance(pick, int) else pick.shifted(by)


def _code(pick: Pick | int, np: str) -> ast.expr:
    return const(pick) if isinstance(pick, int) else pick.codes(np)


@dataclass(frozen=True)
class Labels(Tr):
    """Text constants picked per row by conditions: the *labels*, and which one each row gets (*pick*)."""

    labels: tuple[ast.expr, ...] = ()
    pick: Pick | int = 0


def _labels(branch: Tr) -> tuple[tuple[ast.expr, ...], Pick | int] | None:
    """(labels, pick) of a branch that is a text constant or a choice among them, else None."""
    if isinstance(branch, Labels):
        return branch.labels, branch.pick
    if branch.shape == CONST and isinstance(branch.node, ast.Constant) and isinstance(branch.node.value, str):
        return (branch.node,), 0
    return None


def _is_read(node: ast.expr) -> bool:
    """A column read as it is (``df["c"]``, a Series name), not a value computed from it."""
    return isinstance(node, ast.Name) or isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) \
        and isinstance(node.slice, ast.Constant)


def _shape(*parts: Tr) -> str:
    shapes = {p.shape for p in parts}
    return ARR if ARR in shapes else COL if COL in shapes else CONST

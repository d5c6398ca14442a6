"""``apply`` and ``map`` with a lambda, and comprehensions over a column -> the vectorized expression.

``frame-apply``: ``df.apply(lambda r: e, axis=1)``, ``s.apply(lambda x: e)``
and ``s.map(lambda x: e)`` where e is arithmetic, comparisons,
conditionals, math functions, string methods or dict lookups over the row's
fields (see `engine.columns`) -> e over whole columns, as a Series with the
original's index and name (``apply(axis=1)`` gives an unnamed Series,
``s.apply`` keeps s's name).

``column-comprehension``: ``[e for x in s]`` (or over ``zip`` of a frame's
columns, ``itertuples``, ``iterrows``), optionally with an ``if`` -> the
values of the vectorized e as a list; ``[table[x] for x in s]`` looks each
distinct key up once (``pd.factorize``) and spreads the dict's values back.

Both keep the original under the translator's guards (a missing dict key, a
negative under ``math.sqrt``, a string method on a missing value: the
original runs and raises as it did) and on an empty frame, where pandas
gives ``apply`` a float64 result whatever the function returns.
"""
from __future__ import annotations

import ast
import types

from ..engine.build import call, const, name
from ..engine.columns import Columns, Tr
from ..engine.context import Context
from ..engine.loops import SCOPE_NODES
from ..engine.rewrite import Decline, Edit, Rewrite
from ..engine.rows import COL, column_of, frame_kind, guard_tests, guarded_value, kept_fallback_values, row_loop
from ..engine.schema import schema_guards, values_dtypes


def frame_apply(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """``df.apply(lambda r: ..., axis=1)`` / ``s.apply(lambda x: ...)`` / ``s.map(lambda x: ...)`` -> column expressions.

    Preconditions: the function given is a lambda of one argument whose body
    the column translator takes (see `engine.columns`); ``df.apply`` has
    axis=1 and nothing else, ``s.apply``/``s.map`` no other arguments. The
    original runs on an empty frame and wherever a guard fails.
    """
    edits: list[Edit] = []
    for node in _calls(fn):
        try:
            edits.append(_apply_edit(fn, node, ctx))
        except Decline as why:
            ctx.declined.append(str(why))
            continue
    return Rewrite(edits) if edits else None


def _calls(fn: ast.FunctionDef) -> list[ast.Call]:
    out: list[ast.Call] = []
    kept = _kept_originals(fn)

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute) \
                    and child.func.attr in ("apply", "map") and child.args \
                    and isinstance(child.args[0], (ast.Lambda, ast.Name)) and id(child) not in kept:
                out.append(child)
                continue  # the outermost call: a rewrite of it covers the rest
            if not isinstance(child, SCOPE_NODES) or child is fn:
                visit(child)

    visit(fn)
    return out


def _kept_originals(fn: ast.FunctionDef) -> set[int]:
    """Expressions a rewrite kept as the fallback (``(vectorized if guard else original)``): left alone."""
    return {id(n.orelse) for n in ast.walk(fn) if isinstance(n, ast.IfExp) and isinstance(n.orelse, (ast.Call, ast.ListComp))
            and isinstance(n.test, ast.BoolOp)} | kept_fallback_values(fn)


def _apply_edit(fn: ast.FunctionDef, node: ast.Call, ctx: Context) -> Edit:
    func = node.func
    assert isinstance(func, ast.Attribute)
    subject = func.value
    kind = frame_kind(ctx, subject) or ("Series" if column_of(ctx, subject) is subject else None)
    lam = node.args[0]
    if isinstance(lam, ast.Name):  # a helper of the user's: as the lambda that calls it
        if not isinstance(ctx.globals.get(lam.id), types.FunctionType):
            raise Decline(f"{lam.id} is not a function of the user's")
        row = ctx.fresh("row")
        lam = ast.Lambda(ast.arguments([], [ast.arg(row)], None, [], [], None, []), call(lam.id, name(row)))
    assert isinstance(lam, ast.Lambda)
    if len(node.args) != 1 or len(lam.args.args) != 1 or lam.args.vararg or lam.args.kwarg or lam.args.kwonlyargs:
        raise Decline("not a lambda of one argument")
    arg = lam.args.args[0].arg
    guards: list[ast.expr]
    if kind == "DataFrame" and func.attr == "apply":
        if [(k.arg, getattr(k.value, "value", None)) for k in node.keywords] not in ([("axis", 1)], [("axis", "columns")]):
            raise Decline("df.apply without axis=1")
        fake = ast.For(target=ast.Tuple([name("_"), name(arg)], ast.Store()),
                       iter=call(ast.Attribute(subject, "iterrows", ast.Load())), body=[], orelse=[])
        rows = row_loop(ctx, fake)
        cols, guards = rows.cols, list(rows.guards)
        result_name: ast.expr = const(None)
    elif kind == "Series" and not node.keywords:
        if any(d.startswith("category") for d in values_dtypes(ctx, subject)):  # pandas maps the categories:
            raise Decline("apply/map on a categorical Series (its result keeps a categorical dtype)")
        cols = Columns(ctx, lambda n: None)
        cols.index = ast.Attribute(subject, "index", ast.Load())
        cols.env[arg] = Tr(subject, COL)
        guards = []
        result_name = ast.Attribute(subject, "name", ast.Load())
    else:
        raise Decline("apply/map on something other than a frame or Series")
    cols.varying.add(arg)
    value = cols.expr(lam.body)
    vec = cols.series(value, ast.Attribute(subject, "index", ast.Load()), result_name)
    tests = guard_tests(ctx, [*guards, *cols.guards], [vec])
    tests.insert(len(schema_guards(ctx, [vec])), call("len", subject))  # after the dtypes' test
    return guarded_value(ctx, fn, node, vec, tests)


def column_comprehension(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """``[e for x in s]`` over a column (or a frame's rows) -> the vectorized e's values as a list.

    Preconditions: one generator over a column, ``zip`` of one frame's
    columns, ``itertuples`` or ``iterrows``; at most one ``if``; e and the
    test taken by the column translator. ``[table[x] for x in s]`` looks
    each distinct key up once, in the rows' order, so a missing key raises
    the KeyError the loop raises first. Under the translator's guards only.
    """
    edits: list[Edit] = []
    kept = _kept_originals(fn)
    for node in ast.walk(fn):
        if not isinstance(node, ast.ListComp) or len(node.generators) != 1 or id(node) in kept:
            continue
        gen = node.generators[0]
        if gen.is_async or len(gen.ifs) > 1:
            continue
        try:
            fake = ast.For(target=gen.target, iter=gen.iter, body=[], orelse=[])
            rows = row_loop(ctx, fake)
            cols = rows.cols
            cols.varying |= {n.id for n in ast.walk(gen.target) if isinstance(n, ast.Name)}
            value = cols.expr(node.elt)
            if value.shape == "constant":
                raise Decline("the same value for every row")
            if gen.ifs:
                test = cols.expr(gen.ifs[0])
                if test.sort != "bool" or test.shape != COL or value.shape != COL:
                    raise Decline("a filter the translator cannot index by")
                values: ast.expr = call(ast.Attribute(ast.Subscript(value.node, test.node, ast.Load()), "tolist",
                                                      ast.Load()))
            else:
                values = cols.as_list(value)
            tests = guard_tests(ctx, [*rows.guards, *cols.guards], [values])
            edits.append(guarded_value(ctx, fn, node, values, tests))
        except Decline as why:
            ctx.declined.append(str(why))
            continue
    return Rewrite(edits) if edits else None

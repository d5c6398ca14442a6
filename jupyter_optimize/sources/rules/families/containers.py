"""Rules for Python containers and strings built or searched in loops."""
from __future__ import annotations

import ast
import copy

from ..engine.build import assign, call, const, name
from ..engine.context import Context
from ..engine.edits import insert_after, insert_before, replace_expr, replace_stmts
from ..engine.kinds import HASHABLE, Kind, hashable
from ..engine.loops import Loop, body_of, empty_dict_before, loops_in, outermost_loops, previous_statement, read_outside
from ..engine.names import mutated_names, names_loaded, names_stored, walk_all
from ..engine.rewrite import Decline, Edit, Rewrite


def membership_set(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """``x in some_list`` inside a loop -> ``x in some_set``, with the set built once before the loop.

    Preconditions: the container is a name that always held a list or tuple
    of hashable values (str, int, float, bool, bytes, None, tuples of those);
    the loop neither rebinds nor changes it (no stores, no method calls on
    it, not passed to other functions); the value looked up is a constant or
    a name that always held a hashable value. Equality of such values is
    what hashing uses, so the answer is the same.
    """
    edits: list[Edit] = []
    facts: dict[str, Kind] = {}
    for loop in outermost_loops(fn):
        by_container: dict[str, list[ast.Name]] = {}
        for tested in _membership_tests(loop, ctx):
            by_container.setdefault(tested.id, []).append(tested)
        for container, found in by_container.items():
            as_set = ctx.fresh(f"{container}_set")
            try:
                edits.append(insert_before(ctx, _anchor(fn, loop), [assign(as_set, call("set", name(container)))]))
            except Decline as why:
                ctx.declined.append(str(why))
                continue
            edits += [replace_expr(ctx, c, as_set) for c in found]
            facts[as_set] = Kind("set")
    return Rewrite(edits, facts) if edits else None


def _anchor(fn: ast.FunctionDef, loop: ast.stmt) -> ast.stmt:
    """Where to build things before *loop*: above the empty containers that set it up (``out = []``)."""
    found = body_of(fn, loop)
    if found is None:
        return loop
    block, position = found
    while position > 0 and _is_empty_init(block[position - 1]):
        position -= 1
    return block[position]


def _is_empty_init(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and (
        isinstance(stmt.value, ast.List) and not stmt.value.elts
        or isinstance(stmt.value, ast.Dict) and not stmt.value.keys
        or isinstance(stmt.value, ast.Constant) and stmt.value.value in ("", 0))


def _membership_tests(loop: Loop, ctx: Context) -> list[ast.Name]:
    """The containers of ``x in container`` tests in *loop* that may be looked up in a set instead."""
    parts: list[ast.AST] = [*loop.body, *loop.orelse, *([loop.test] if isinstance(loop, ast.While) else [])]
    changed = names_stored(parts) | mutated_names(parts) | _passed_to_calls(parts)
    out = []
    for node in walk_all(parts):
        if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.In, ast.NotIn))):
            continue
        container = node.comparators[0]
        if not isinstance(container, ast.Name) or container.id in changed:
            continue
        if _hashable_list(ctx, container.id) and _hashable_needle(ctx, node.left):
            out.append(container)
    return out


def _passed_to_calls(nodes: list[ast.AST]) -> set[str]:
    return {a.id for n in walk_all(nodes) if isinstance(n, ast.Call) for a in n.args if isinstance(a, ast.Name)}


def _hashable_list(ctx: Context, var: str) -> bool:
    kinds = ctx.kinds_of(var)
    return bool(kinds) and all(k.type in ("list", "tuple") and k.elems <= HASHABLE | {"tuple"} for k in kinds)


def _hashable_needle(ctx: Context, node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        kinds = ctx.kinds_of(node.id)
        return bool(kinds) and all(hashable(k) for k in kinds)
    return False


def dict_count(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """Counting into a dict in a loop -> ``dict(collections.Counter(...))``.

    Matches ``counts = {}`` directly followed by ``for x in ITEMS:`` whose
    whole body counts one key: ``counts[k] = counts.get(k, 0) + 1``, or
    ``if k in counts: counts[k] += 1 else: counts[k] = 1`` (or the ``not in``
    form). The key k may only use the loop variables, and they must not be
    read after the loop. Counter counts the same keys in the same first-seen
    order; ``dict()`` keeps the result a plain dict.
    """
    edits: list[Edit] = []
    for loop in loops_in(fn):
        if not isinstance(loop, ast.For):
            continue
        try:
            init, counts, key = _counting_loop(fn, loop)
            counter = ctx.module("collections")
            items = loop.iter if _is_target(key, loop.target) else ast.GeneratorExp(
                key, [ast.comprehension(loop.target, loop.iter, [], 0)])
            new = assign(counts, call("dict", call(f"{counter}.Counter", items)))
            edits.append(replace_stmts(ctx, init, loop, [new]))
        except Decline as why:
            ctx.declined.append(str(why))
            continue
    return Rewrite(edits) if edits else None


def _counting_loop(fn: ast.FunctionDef, loop: ast.For) -> tuple[ast.stmt, str, ast.expr]:
    if loop.orelse or len(loop.body) != 1:
        raise Decline("not a for loop with a single counting statement")
    init, counts = empty_dict_before(fn, loop)
    key = _counted_key(loop.body[0], counts)
    loop_names = names_stored([loop.target])
    if names_loaded([key]) - loop_names or read_outside(fn, loop, loop_names):
        raise Decline("the key uses more than the loop variables, or they are read after the loop")
    return init, counts, key


def _counted_key(stmt: ast.stmt, counts: str) -> ast.expr:
    dump = ast.dump  # compare shapes of code
    target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
    if isinstance(stmt, ast.Assign) and isinstance(target, ast.Subscript) and _is_item(target, counts):
        key = target.slice
        expected = ast.parse(f"{counts}.get(K, 0) + 1", mode="eval").body
        if dump(_put_key(expected, key)) == dump(stmt.value):
            return key
    if isinstance(stmt, ast.If) and isinstance(stmt.test, ast.Compare) and len(stmt.test.ops) == 1 \
            and isinstance(stmt.test.comparators[0], ast.Name) and stmt.test.comparators[0].id == counts:
        key = stmt.test.left
        plus = ast.parse(f"{counts}[K] += 1", mode="exec").body[0]
        first = ast.parse(f"{counts}[K] = 1", mode="exec").body[0]
        branches = [stmt.body, stmt.orelse] if isinstance(stmt.test.ops[0], ast.In) else [stmt.orelse, stmt.body]
        if [dump(s) for s in branches[0]] == [dump(_put_key(plus, key))] and \
                [dump(s) for s in branches[1]] == [dump(_put_key(first, key))]:
            return key
    raise Decline("the loop body is not a dict count")


def _is_item(node: ast.expr, counts: str) -> bool:
    return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == counts


def _put_key(template: ast.AST, key: ast.expr) -> ast.AST:
    template = copy.deepcopy(template)
    for node in ast.walk(template):
        for field, value in ast.iter_fields(node):
            if isinstance(value, ast.Name) and value.id == "K":
                setattr(node, field, copy.deepcopy(key))
            elif isinstance(value, list):
                setattr(node, field, [copy.deepcopy(key) if isinstance(v, ast.Name) and v.id == "K" else v for v in value])
    return template


def _is_target(key: ast.expr, target: ast.expr) -> bool:
    return isinstance(key, ast.Name) and isinstance(target, ast.Name) and key.id == target.id


def string_join(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """A string built with ``s += piece`` or ``s = s + a + b`` in a loop -> pieces collected in a list and joined once.

    Preconditions: s always held a str; inside the loop s is only ever
    extended with ``s += ...`` or ``s = s + ...`` (it is not read, rebound or
    passed anywhere else), and the loop has no else clause. ``str(x)`` pieces
    stay as they are, so floats keep their exact digits. The pieces are joined right after
    the loop, so the string is the same (the same TypeError if a piece is not
    a str).
    """
    edits: list[Edit] = []
    for loop in outermost_loops(fn):
        for var in sorted(_extended_strings(loop, ctx)):
            try:
                edits += _join_edits(fn, loop, var, ctx)
            except Decline as why:
                ctx.declined.append(str(why))
                continue
    return Rewrite(edits) if edits else None


def _pieces(node: ast.AST, var: str) -> list[ast.expr] | None:
    """The pieces ``var`` is extended with: ``var += e`` -> [e]; ``var = var + a + b`` -> [a, b]; else None."""
    if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add) and isinstance(node.target, ast.Name) \
            and node.target.id == var:
        return [node.value]
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
            and node.targets[0].id == var:
        pieces: list[ast.expr] = []
        value = node.value
        while isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
            pieces.insert(0, value.right)
            value = value.left
        if isinstance(value, ast.Name) and value.id == var and pieces:
            return pieces
    return None


def _extended_strings(loop: Loop, ctx: Context) -> set[str]:
    if loop.orelse:
        return set()
    nodes = list(walk_all(loop.body))
    extended = {t.id for n in nodes if isinstance(n, (ast.AugAssign, ast.Assign))
                for t in ([n.target] if isinstance(n, ast.AugAssign) else n.targets) if isinstance(t, ast.Name)}
    out = set()
    for var in extended:
        kinds = ctx.kinds_of(var)
        if not kinds or any(k.type != "str" for k in kinds):
            continue
        uses = [n for n in nodes if isinstance(n, ast.Name) and n.id == var]
        stores = [n for n in nodes if isinstance(n, (ast.AugAssign, ast.Assign)) and var in names_stored([n])]
        if not stores or any(_pieces(n, var) is None for n in stores):
            continue
        chained = sum(1 for n in stores if isinstance(n, ast.Assign))  # var = var + ...: one read, one store
        if len(uses) != len(stores) + chained or any(var in names_loaded([p]) for n in stores for p in _pieces(n, var) or []):
            continue
        if isinstance(loop, ast.For) and var in names_stored([loop.target]):
            continue
        if isinstance(loop, ast.While) and var in names_loaded([loop.test]):
            continue
        out.add(var)
    return out


def _join_edits(fn: ast.FunctionDef, loop: Loop, var: str, ctx: Context) -> list[Edit]:
    parts = ctx.fresh(f"{var}_parts")
    edits = [insert_before(ctx, loop, [assign(parts, ast.List([name(var)], ast.Load()))])]
    for node in ast.walk(loop):
        pieces = _pieces(node, var) if isinstance(node, ast.stmt) else None
        if pieces is None:
            continue
        assert isinstance(node, ast.stmt)
        if len(pieces) == 1:
            add = ast.Expr(call(ast.Attribute(name(parts), "append"), pieces[0]))
        else:  # each piece its own part: no intermediate strings (a piece that is not a str: join's TypeError)
            add = ast.Expr(call(ast.Attribute(name(parts), "extend"), ast.Tuple(pieces, ast.Load())))
        edits.append(replace_stmts(ctx, node, node, [add]))
    join = assign(var, call(ast.Attribute(const(""), "join"), name(parts)))
    edits.append(insert_after(ctx, loop, [join]))
    return edits


def append_comprehension(fn: ast.FunctionDef, ctx: Context) -> Rewrite | None:
    """``out = []`` then a loop that only appends to it -> one list comprehension.

    Matches ``out = []`` directly followed by a ``for`` loop (possibly nested
    loops, each body a single statement) ending in ``out.append(e)``,
    optionally under ``if`` tests without else; nothing else in the loops,
    no else clause, ``out`` not used in e or the tests, and the loop
    variables not read after the loop (a comprehension keeps them to itself).
    """
    edits: list[Edit] = []
    for loop in outermost_loops(fn):
        try:
            init, out = _empty_list(previous_statement(fn, loop))
            element, generators = _append_structure(loop, out)
            bound = names_stored([g.target for g in generators])
            if read_outside(fn, loop, bound) or out in names_loaded([element, *generators]):
                raise Decline("loop variables read after the loop, or the list reads itself")
            new = assign(out, ast.ListComp(element, generators))
            edits.append(replace_stmts(ctx, init, loop, [new]))
        except Decline as why:
            ctx.declined.append(str(why))
            continue
    return Rewrite(edits) if edits else None


def _empty_list(init: ast.stmt | None) -> tuple[ast.Assign, str]:
    """``out = []``, and the name out."""
    if isinstance(init, ast.Assign) and len(init.targets) == 1 and isinstance(init.targets[0], ast.Name) \
            and isinstance(init.value, ast.List) and not init.value.elts:
        return init, init.targets[0].id
    raise Decline("the loop does not directly follow `out = []`")


def _append_structure(stmt: ast.stmt, out: str) -> tuple[ast.expr, list[ast.comprehension]]:
    generators: list[ast.comprehension] = []
    while True:
        if isinstance(stmt, ast.For) and not stmt.orelse and len(stmt.body) == 1:
            generators.append(ast.comprehension(stmt.target, stmt.iter, [], 0))
            stmt = stmt.body[0]
        elif isinstance(stmt, ast.If) and not stmt.orelse and len(stmt.body) == 1 and generators:
            generators[-1].ifs.append(stmt.test)
            stmt = stmt.body[0]
        else:
            break
    if not generators:
        raise Decline("not a loop")
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute)
            and stmt.value.func.attr == "append" and isinstance(stmt.value.func.value, ast.Name)
            and stmt.value.func.value.id == out and len(stmt.value.args) == 1 and not stmt.value.keywords):
        raise Decline(f"the innermost statement is not {out}.append(...)")
    if any(isinstance(n, (ast.NamedExpr, ast.Yield, ast.YieldFrom, ast.Await)) for n in ast.walk(stmt)):
        raise Decline("the loop uses := or yield")
    return stmt.value.args[0], generators

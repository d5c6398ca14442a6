"""Where statements sit: the function's loops, what encloses what, and reads outside a loop.

`rewrite_outer_loops` is the walk the loop rules share: it offers each
outermost loop to a rule and leaves the loops inside a rewritten one to it.
"""
from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from .context import Context
from .edits import replace_stmts
from .names import names_stored
from .rewrite import Decline, Edit, Rewrite

Loop = ast.For | ast.While
SCOPE_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def inside(inner: ast.AST, outer: ast.AST) -> bool:
    """True when *inner* is *outer* or one of the nodes under it."""
    return any(node is inner for node in ast.walk(outer))


def loops_in(fn: ast.FunctionDef) -> list[Loop]:
    """Every loop of the function (not of nested functions), outermost first."""
    out: list[Loop] = []

    def visit(body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.For, ast.While)):
                out.append(stmt)
            if isinstance(stmt, SCOPE_NODES):
                continue
            if is_fallback(stmt):  # the rewritten form may hold loops of its own; the original is left alone
                visit(stmt.body)  # type: ignore[attr-defined]
                continue
            for block in _blocks(stmt):
                visit(block)

    visit(fn.body)
    return out


def _blocks(stmt: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement lists directly under *stmt* (bodies, else and finally clauses, except handlers)."""
    for field_name in ("body", "orelse", "finalbody", "handlers"):
        child = getattr(stmt, field_name, None)
        if isinstance(child, list):
            yield [c for c in child if isinstance(c, ast.stmt)] + [
                s for h in child if isinstance(h, ast.ExceptHandler) for s in h.body]


def outermost_loops(fn: ast.FunctionDef) -> list[Loop]:
    loops = loops_in(fn)
    return [loop for loop in loops if not any(o is not loop and inside(loop, o) for o in loops)]


def is_fallback(stmt: ast.stmt) -> bool:
    """``if guard: <rewritten form> else: <the original loop>``, as `guarded_replace` writes it: leave the
    original alone. The rewritten form has no loop, or a rewritten copy of the original one (same target and
    iterable)."""
    if not (isinstance(stmt, ast.If) and len(stmt.orelse) == 1 and isinstance(stmt.orelse[0], (ast.For, ast.While))):
        return False
    original = stmt.orelse[0]
    loops = [n for s in stmt.body for n in ast.walk(s) if isinstance(n, (ast.For, ast.While))]
    return not loops or isinstance(original, ast.For) and any(
        isinstance(n, ast.For) and ast.dump(n.target) == ast.dump(original.target)
        and ast.dump(n.iter) == ast.dump(original.iter) for n in loops)


LoopEdit = Callable[[ast.FunctionDef, ast.For, Context], Edit]
LoopBuild = Callable[[ast.FunctionDef, ast.For, Context], list[ast.stmt]]


def replacing_loop(build: LoopBuild) -> LoopEdit:
    """The edit that replaces the loop by the statements *build* writes (it raises Decline where it cannot)."""
    def edit_for(fn: ast.FunctionDef, loop: ast.For, ctx: Context) -> Edit:
        return replace_stmts(ctx, loop, loop, build(fn, loop, ctx))

    return edit_for


def rewrite_outer_loops(fn: ast.FunctionDef, ctx: Context, edit_for: LoopEdit) -> Rewrite | None:
    """Edit each outermost `for` loop that *edit_for* can rewrite (it raises Decline
    for the others); loops inside a rewritten one are left to it."""
    edits: list[Edit] = []
    done: list[ast.For] = []
    for loop in loops_in(fn):
        if not isinstance(loop, ast.For) or any(inside(loop, d) for d in done):
            continue
        try:
            edits.append(edit_for(fn, loop, ctx))
        except Decline as why:
            ctx.declined.append(str(why))
            continue
        done.append(loop)
    return Rewrite(edits) if edits else None


def body_of(fn: ast.FunctionDef, stmt: ast.stmt) -> tuple[list[ast.stmt], int] | None:
    """The statement list that holds *stmt*, and its position there."""
    for node in ast.walk(fn):
        for field_name in ("body", "orelse", "finalbody"):
            block = getattr(node, field_name, None)
            if isinstance(block, list) and stmt in block:
                return block, block.index(stmt)
    return None


def previous_statement(fn: ast.FunctionDef, stmt: ast.stmt) -> ast.stmt | None:
    found = body_of(fn, stmt)
    if found is None or found[1] == 0:
        return None
    block, position = found
    return block[position - 1]


def empty_dict_before(fn: ast.FunctionDef, loop: ast.stmt) -> tuple[ast.Assign, str]:
    """``d = {}`` directly before *loop*, and the name d (else Decline)."""
    init = previous_statement(fn, loop)
    if isinstance(init, ast.Assign) and len(init.targets) == 1 and isinstance(init.targets[0], ast.Name) \
            and isinstance(init.value, ast.Dict) and not init.value.keys:
        return init, init.targets[0].id
    raise Decline("the loop does not directly follow `d = {}`")


def enclosing_loops(fn: ast.FunctionDef, stmt: ast.stmt) -> list[Loop]:
    """Loops that contain *stmt*, outermost first."""
    return [loop for loop in loops_in(fn) if loop is not stmt and inside(stmt, loop)]


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
        if node.lineno > _end_line(loop) or (scope is not None and inside(node, scope)):
            found.add(node.id)
    return found


def _end_line(stmt: ast.stmt) -> int:
    return stmt.end_lineno if stmt.end_lineno is not None else stmt.lineno


def _loads_outside(fn: ast.FunctionDef, loop: ast.stmt) -> Iterator[ast.Name]:
    within = {id(n) for n in ast.walk(loop)}
    for node in ast.walk(fn):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and id(node) not in within:
            yield node


def _rebound_by_for(fn: ast.FunctionDef, node: ast.Name, loop: ast.stmt) -> bool:
    for other in ast.walk(fn):
        if other is loop:
            continue
        if isinstance(other, ast.For) and node.id in names_stored([other.target]):
            if any(inside(node, s) for s in other.body):
                return True
        if isinstance(other, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            bound = names_stored([g.target for g in other.generators])
            if node.id in bound and inside(node, other):
                return True
    return False

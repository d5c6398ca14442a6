"""A loop body translated statement by statement into whole-array statements.

Assignments to temporaries and to arrays at the loop indices, augmented
assignments, if-statements (their branches merged with ``np.where``) and
``if c: continue`` guards; anything else raises `Decline`.
"""
from __future__ import annotations

import ast
import copy

from .build import assign
from .nest import is_inert
from .rewrite import Decline
from .translator import Translator
from .vec import Vec

Outputs = dict[str, tuple[Vec, Vec]]  # dump of the element written -> (where, what)


class Body:
    def __init__(self, tr: Translator):
        self.tr = tr
        self.stmts: list[ast.stmt] = []
        self.temps: set[str] = set()

    def run(self, stmts: list[ast.stmt], emit: bool = True) -> Outputs:
        outputs: Outputs = {}
        for i, stmt in enumerate(stmts):
            if is_inert(stmt):
                continue
            if isinstance(stmt, ast.If) and _is_continue_guard(stmt):  # `if c: continue` guards the rest of the body
                rest = ast.If(ast.UnaryOp(ast.Not(), stmt.test), stmts[i + 1:] or [ast.Pass()], [])
                self.statement(rest, emit, outputs)
                break
            self.statement(stmt, emit, outputs)
        return outputs

    def statement(self, stmt: ast.stmt, emit: bool, outputs: Outputs) -> None:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            self.assign(stmt.targets[0], self.tr.expr(stmt.value), emit, outputs)
        elif isinstance(stmt, ast.AugAssign):
            current = _as_load(stmt.target)
            value = self.tr.expr(ast.BinOp(current, stmt.op, stmt.value))
            self.assign(stmt.target, value, emit, outputs)
        elif isinstance(stmt, ast.If):
            self.if_statement(stmt, emit, outputs)
        else:
            raise Decline(f"a {type(stmt).__name__} statement in the loop")

    def assign(self, target: ast.expr, value: Vec, emit: bool, outputs: Outputs) -> None:
        if isinstance(target, ast.Name):
            self.temp(target.id, value, emit)
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            place = self.tr.index(target, ast.Store())
            self.write(place, value, emit, outputs)
        else:
            raise Decline("an assignment to something other than a name or an array element")

    def temp(self, var: str, value: Vec, emit: bool) -> None:
        self.temps.add(var)
        if emit:
            self.stmts.append(assign(var, value.node))
            value = Vec(ast.Name(var, ast.Load()), value.axes, value.elem, value.boolean)
        self.tr.env[var] = value

    def write(self, place: Vec, value: Vec, emit: bool, outputs: Outputs) -> None:
        if place.axes != frozenset(range(len(self.tr.axes))):
            raise Decline("an array element written on several rounds (that is a reduction)")
        if value.elem > place.elem:
            raise Decline("a whole row assigned to a single element")
        if value.elem < place.elem and (value.varying or value.elem):
            value = self.tr.expand(value, place.elem - value.elem)
        self.tr.done_writing.add(_array_written(place.node))
        if emit:
            self.stmts.append(assign(place.node, value.node))
        else:
            outputs[ast.dump(place.node)] = (place, value)

    def if_statement(self, stmt: ast.If, emit: bool, outputs: Outputs) -> None:
        cond = self.tr.expr(stmt.test)
        if cond.varying and not cond.boolean:
            raise Decline("an if whose test is not a comparison")
        before = dict(self.tr.env)
        then_out = self.run(stmt.body, emit=False)
        then_env, self.tr.env = self.tr.env, dict(before)
        else_out = self.run(stmt.orelse, emit=False)
        else_env, self.tr.env = self.tr.env, dict(before)
        self._merge_temps(cond, before, then_env, else_env, emit)
        self._merge_writes(cond, then_out, else_out, emit, outputs)

    def _merge_temps(self, cond: Vec, before: dict[str, Vec], then_env: dict[str, Vec], else_env: dict[str, Vec],
                     emit: bool) -> None:
        for var in sorted(set(then_env) | set(else_env)):
            yes, no = then_env.get(var), else_env.get(var)
            if yes is before.get(var) and no is before.get(var):
                continue
            if yes is None or no is None:
                raise Decline(f"{var} is set on one side of an if only")
            self.temp(var, self.tr.where(cond, yes, no), emit)

    def _merge_writes(self, cond: Vec, then_out: Outputs, else_out: Outputs, emit: bool, outputs: Outputs) -> None:
        for key in sorted(set(then_out) | set(else_out)):
            place = (then_out.get(key) or else_out[key])[0]
            current = Vec(_as_load(place.node), place.axes, place.elem)
            yes = then_out.get(key, (place, current))[1]
            no = else_out.get(key, (place, current))[1]
            self.write(place, self.tr.where(cond, yes, no), emit, outputs)


def _is_continue_guard(stmt: ast.If) -> bool:
    return not stmt.orelse and len(stmt.body) == 1 and isinstance(stmt.body[0], ast.Continue)


def _as_load(node: ast.expr) -> ast.expr:
    """A copy of an assignment target, to read it."""
    node = copy.deepcopy(node)
    if isinstance(node, (ast.Name, ast.Subscript, ast.Attribute, ast.Starred, ast.List, ast.Tuple)):
        node.ctx = ast.Load()
    return node


def _array_written(node: ast.expr) -> str:
    """The array a whole-array write goes to: through subscripts, attributes and window views."""
    while isinstance(node, (ast.Subscript, ast.Call, ast.Attribute)):
        node = node.value if not isinstance(node, ast.Call) else node.args[0]
    if not isinstance(node, ast.Name):
        raise Decline("a write to something other than a named array")
    return node.id

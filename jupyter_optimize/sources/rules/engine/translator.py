"""The loop translator: the body of a loop over array indices as whole-array numpy expressions.

Not a rule itself: the loop rules share it. Every expression of the body is
translated into a `Vec` (see `vec`); anything the translator does not
understand raises `Decline`, so a rule that uses it fires only on loops it
can translate whole.

Translations: ``i`` -> ``np.arange(A, B)``; indexing (see `indexing`); calls
(see `calls`); ``x if c else y`` and if-statements -> ``np.where``; ``and`` /
``or`` / ``not`` on conditions -> ``&`` / ``|`` / ``~``.
"""
from __future__ import annotations

import ast

from .build import call
from .calls import Calls
from .rewrite import Decline
from .vec import Vec


class Translator(Calls):
    def expr(self, node: ast.expr) -> Vec:
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.BinOp):
            return self._binop(node)
        if isinstance(node, ast.UnaryOp):
            return self._unaryop(node)
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.BoolOp):
            return self._boolop(node)
        if isinstance(node, ast.IfExp):
            return self.where(self.expr(node.test), self.expr(node.body), self.expr(node.orelse))
        if isinstance(node, ast.Attribute):
            return self._attribute(node)
        if isinstance(node, ast.Subscript):
            return self._subscript(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        raise Decline(f"cannot vectorize {type(node).__name__} expressions")

    def _constant(self, node: ast.Constant) -> Vec:
        if not isinstance(node.value, (int, float, complex, bool)) or node.value is None:
            raise Decline("a non-numeric constant in the loop")
        return Vec(node, boolean=isinstance(node.value, bool))

    def _name(self, node: ast.Name) -> Vec:
        if node.id in self.env:
            return self.env[node.id]
        if node.id in self.stored:
            raise Decline(f"{node.id} is carried from one iteration to the next")
        ndim = self.ctx.array_ndim(node.id)
        kind = self.ctx.kind(node.id)
        return Vec(node, elem=ndim or 0, boolean=bool(kind and kind.type == "bool"))

    def _binop(self, node: ast.BinOp) -> Vec:
        left, right = self.align(self.expr(node.left), self.expr(node.right))
        if left.python_bool and right.python_bool and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv,
                                                                           ast.Mod, ast.Pow)):
            # Python's True + True is 2; np.bool_ scalars and bool arrays add as logical or (as the loop's do)
            left, right = self._as_ints(left), self._as_ints(right)
        both_bool = left.boolean and right.boolean and isinstance(node.op, (ast.BitAnd, ast.BitOr, ast.BitXor))
        return self.combine(ast.BinOp(left.node, node.op, right.node), left, right, boolean=both_bool)

    def _as_ints(self, vec: Vec) -> Vec:
        """Bools that vary as the ints Python's arithmetic makes of them."""
        if not vec.varying:
            return vec
        node = call(ast.Attribute(vec.node, "astype", ast.Load()), ast.Attribute(ast.Name(self.np, ast.Load()), "int64",
                                                                                  ast.Load()))
        return Vec(node, vec.axes, vec.elem, False)

    def _unaryop(self, node: ast.UnaryOp) -> Vec:
        inner = self.expr(node.operand)
        if isinstance(node.op, ast.Not):
            if not inner.varying:
                return Vec(node, boolean=True)
            if not inner.boolean:
                raise Decline("`not` of a value that is not a condition")
            negated = self.combine(ast.UnaryOp(ast.Invert(), inner.node), inner, boolean=True)
            return Vec(negated.node, negated.axes, negated.elem, True, python_bool=True)
        if inner.python_bool and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self._as_ints(inner)  # -True is -1 (numpy refuses - on bools)
        return self.combine(ast.UnaryOp(node.op, inner.node), inner, boolean=inner.boolean and isinstance(node.op, ast.Invert))

    def _compare(self, node: ast.Compare) -> Vec:
        if any(isinstance(op, (ast.In, ast.NotIn, ast.Is, ast.IsNot)) for op in node.ops):
            raise Decline("`in` / `is` cannot be vectorized")
        operands = [self.expr(x) for x in [node.left, *node.comparators]]
        parts = []
        for (a, b), op in zip(zip(operands, operands[1:]), node.ops):
            a, b = self.align(a, b)
            parts.append(self.combine(ast.Compare(a.node, [op], [b.node]), a, b, boolean=True))
        return self._all_of(parts, ast.BitAnd())

    def _boolop(self, node: ast.BoolOp) -> Vec:
        values = [self.expr(v) for v in node.values]
        if not any(v.varying for v in values):
            return Vec(node, boolean=all(v.boolean for v in values))
        if not all(v.boolean for v in values):
            raise Decline("`and` / `or` of values that are not conditions")
        return self._all_of(values, ast.BitAnd() if isinstance(node.op, ast.And) else ast.BitOr())

    def _all_of(self, parts: list[Vec], op: ast.operator) -> Vec:
        result = parts[0]
        for part in parts[1:]:
            a, b = self.align(result, part)
            result = self.combine(ast.BinOp(a.node, op, b.node), a, b, boolean=True)
        return result

    def where(self, cond: Vec, yes: Vec, no: Vec) -> Vec:
        """``yes if cond else no``, element by element where any of them varies."""
        if not (cond.varying or yes.varying or no.varying):
            return Vec(ast.IfExp(cond.node, yes.node, no.node))
        cond, yes = self.align(cond, yes)
        cond, no = self.align(cond, no)
        yes, no = self.align(yes, no)
        node = call(f"{self.np}.where", cond.node, yes.node, no.node)
        return self.combine(node, cond, yes, no, boolean=yes.boolean and no.boolean)

    def _attribute(self, node: ast.Attribute) -> Vec:
        inner = self.expr(node.value) if not isinstance(node.value, ast.Name) else self._name(node.value)
        if inner.varying:
            raise Decline(f"attribute .{node.attr} of a value that changes in the loop")
        self._check_invariant(node)
        return Vec(node)

    def _subscript(self, node: ast.Subscript) -> Vec:
        if self._invariant(node):
            return Vec(node, elem=self._invariant_elem(node))
        if not isinstance(node.value, ast.Name):
            raise Decline("indexing something other than a named array")
        return self.index(node, ast.Load())

    def _call(self, node: ast.Call) -> Vec:
        if self._invariant(node):
            self._check_invariant(node)
            return Vec(node)
        if any(k.arg is None for k in node.keywords) or any(isinstance(a, ast.Starred) for a in node.args):
            raise Decline("*args / **kwargs in a call")
        func = node.func
        if isinstance(func, ast.Name):
            return self._builtin_call(func.id, node)
        if isinstance(func, ast.Attribute):
            target = self.resolve(func)
            if target is not None:
                return self._module_call(target, func, node)
            return self._method_call(func, node)
        raise Decline("a call this rule does not know")

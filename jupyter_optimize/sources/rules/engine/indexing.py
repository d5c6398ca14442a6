"""The loop translator's indexing: ``a[i, j+1]`` over the loop axes as a slice, window view or gather.

``a[i+k]`` -> ``a[A+k:B+k]``; ``a[i-1:i+2]`` -> a sliding window view (with a
guard that every window is whole); ``a[idx[i]]`` -> ``a[idx[A:B]]``.
"""
from __future__ import annotations

import ast
import copy
from dataclasses import dataclass

from .build import call, const
from .rewrite import Decline
from .scope import LoopScope
from .vec import Vec, plus


@dataclass(frozen=True)
class Part:
    """What one index of a subscript is, relative to the loop."""

    what: str  # "var" (i + offset), "window" (i+offset : i+offset+width), "slice" or "fixed" (invariant)
    axis: int = -1
    offset: int = 0
    width: ast.expr | None = None

    @property
    def follows_loop(self) -> bool:
        return self.what in ("var", "window")


def index_parts(node: ast.Subscript) -> list[ast.expr]:
    return list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]


class Indexing(LoopScope):
    def index(self, node: ast.Subscript, ctx: ast.expr_context) -> Vec:
        """``a[i, j+1]`` over the loop axes as a slice (or window view) of the whole array."""
        if not isinstance(node.value, ast.Name):
            raise Decline("indexing something other than a named array")
        base = node.value.id
        if base in self.env or base in self.stored:
            raise Decline(f"indexing {base}, which changes in the loop")
        self._check_written(base, node, ctx)
        ndim = self.ctx.array_ndim(base)
        if ndim is None:
            raise Decline(f"{base} is not always a numpy array")
        parts = index_parts(node)
        if len(parts) > ndim:
            raise Decline(f"too many indices for {base}")
        gathered = self._gather(node, parts, ndim)
        if gathered is not None:
            return gathered
        return self._slice_view(node, node.value, parts, ndim, ctx)

    def _gather(self, node: ast.Subscript, parts: list[ast.expr], ndim: int) -> Vec | None:
        if len(parts) != 1 or self._offset(parts[0]) is not None:
            return None
        if isinstance(parts[0], ast.Slice):
            return None
        index = self.expr(parts[0])
        if not index.varying or index.elem:
            return None
        self.features.add("gather")
        return Vec(ast.Subscript(node.value, index.node, ast.Load()), index.axes, ndim - 1)

    def _slice_view(self, node: ast.Subscript, array: ast.Name, parts: list[ast.expr], ndim: int,
                    ctx: ast.expr_context) -> Vec:
        kinds = [self._part(p) for p in parts]
        last_loop_pos = _check_order(kinds)
        windows = [(pos, k) for pos, k in enumerate(kinds) if k.what == "window"]
        remaining = ndim - len(parts)
        n_slices = sum(k.what == "slice" for k in kinds)
        if windows and (remaining or n_slices):
            raise Decline("a window together with other whole dimensions")
        items = self._view_items(kinds, parts, last_loop_pos)
        base: ast.expr = array
        if windows:
            self.guards += [self._window_fits(array, pos, part) for pos, part in windows]
            base = self._window_view(base, windows)
            self.features.add("window")
        elem = remaining + n_slices + len(windows)
        if elem and not windows:
            self.features.add("row")
        axes = frozenset(k.axis for k in kinds if k.follows_loop)
        if not windows and len(items) == 1 and _whole_length(items[0], array.id):  # a[:len(a)] is a
            return Vec(array if isinstance(ctx, ast.Load) else
                       ast.Subscript(array, ast.Slice(), ctx), axes, remaining)
        index = items[0] if len(items) == 1 else ast.Tuple(items, ast.Load())
        return Vec(ast.Subscript(base, index, ctx), axes, elem)

    def _view_items(self, kinds: list[Part], parts: list[ast.expr], last_loop_pos: int) -> list[ast.expr]:
        """The subscript of the whole-array view: loop indices become slices, new axes fill the gaps."""
        items: list[ast.expr] = []
        next_axis = 0
        for pos, part in enumerate(kinds):
            if part.follows_loop:
                items += [const(None)] * (part.axis - next_axis)
                items.append(self._axis_slice(part.axis, part.offset))
                next_axis = part.axis + 1
                if pos == last_loop_pos:
                    items += [const(None)] * (len(self.axes) - next_axis)
            else:
                items.append(parts[pos])
        return items

    def _part(self, part: ast.expr) -> Part:
        offset = self._offset(part)
        if offset is not None:
            return Part("var", *offset)
        if isinstance(part, ast.Slice):
            window = self._window(part)
            if window is not None:
                return window
            if self._invariant(part):
                return Part("slice")
            raise Decline("a slice whose bounds change in the loop but not as a fixed-size window")
        if self._invariant(part):
            self._check_invariant(part)
            return Part("fixed")
        raise Decline("an index computed from values that change in the loop")

    def _window(self, part: ast.Slice) -> Part | None:
        """A window ``a[i+c : i+c+w]`` of a fixed width w."""
        lower, upper = self._offset(part.lower), self._offset(part.upper)
        if lower is None or part.step is not None:
            return None
        if upper and upper[0] == lower[0] and upper[1] > lower[1]:
            return Part("window", lower[0], lower[1], const(upper[1] - lower[1]))
        up = part.upper
        if isinstance(up, ast.BinOp) and isinstance(up.op, ast.Add):
            for var, width in ((up.left, up.right), (up.right, up.left)):
                if isinstance(var, ast.Name) and self._axis_of(var.id) == lower[0] and self._invariant(width) \
                        and not isinstance(width, ast.Constant):
                    self._check_invariant(width)
                    size = width if lower[1] == 0 else ast.BinOp(width, ast.Sub(), const(lower[1]))
                    return Part("window", lower[0], lower[1], size)
        return None

    def _axis_slice(self, k: int, offset: int) -> ast.Slice:
        axis = self.axes[k]
        start = plus(axis.start, offset)
        if isinstance(start, ast.Constant) and isinstance(start.value, int) and start.value < 0:
            raise Decline("the loop reads before the start of the array (a negative index wraps around)")
        if not isinstance(start, ast.Constant) and offset < 0:
            raise Decline("the loop may read before the start of the array")
        lower = None if isinstance(start, ast.Constant) and start.value == 0 else start
        return ast.Slice(lower, plus(axis.stop, offset), None)

    def _window_fits(self, base: ast.expr, pos: int, part: Part) -> ast.expr:
        """Every window the loop takes is whole: ``1 <= w <= n`` and the last one ends by n (or no rounds)."""
        assert part.width is not None
        axis = self.axes[part.axis]
        length = ast.Subscript(ast.Attribute(copy.deepcopy(base), "shape", ast.Load()), const(pos), ast.Load())
        last_end = plus(ast.BinOp(copy.deepcopy(axis.stop), ast.Add(), copy.deepcopy(part.width)), part.offset - 1)
        fits = ast.Compare(const(1), [ast.LtE(), ast.LtE()], [copy.deepcopy(part.width), length])
        empty = ast.Compare(copy.deepcopy(axis.stop), [ast.LtE()], [copy.deepcopy(axis.start)])
        ends = ast.BoolOp(ast.Or(), [empty, ast.Compare(last_end, [ast.LtE()], [copy.deepcopy(length)])])
        return ast.BoolOp(ast.And(), [fits, ends])

    def _window_view(self, base: ast.expr, windows: list[tuple[int, Part]]) -> ast.expr:
        sizes = [w.width for _, w in windows if w.width is not None]
        positions: list[ast.expr] = [const(pos) for pos, _ in windows]
        shape = sizes[0] if len(sizes) == 1 else ast.Tuple(sizes, ast.Load())
        axis = positions[0] if len(positions) == 1 else ast.Tuple(positions, ast.Load())
        return call(f"{self.np}.lib.stride_tricks.sliding_window_view", base, shape, axis=axis)

    def _check_written(self, base: str, node: ast.Subscript, ctx: ast.expr_context) -> None:
        if base not in self.written:
            return
        if isinstance(ctx, ast.Load) and (base in self.done_writing or ast.dump(node.slice) != self.written[base]):
            raise Decline(f"{base} is read at another place than it is written, or after")

    def _invariant_elem(self, node: ast.Subscript) -> int:
        if not isinstance(node.value, ast.Name):
            return 0
        ndim = self.ctx.array_ndim(node.value.id)
        if ndim is None:
            return 0
        return max(0, ndim - sum(not isinstance(p, ast.Slice) for p in index_parts(node)))


def _check_order(kinds: list[Part]) -> int:
    """The position of the last loop index, once the indices follow the loops in order."""
    loop_parts = [(pos, k) for pos, k in enumerate(kinds) if k.follows_loop]
    if not loop_parts:
        raise Decline("an index that changes in the loop in a way this rule does not know")
    order = [k.axis for _, k in loop_parts]
    if order != sorted(set(order)):
        raise Decline("the array is indexed in another order than the loops run")
    last_loop_pos = loop_parts[-1][0]
    if any(k.what == "slice" and pos < last_loop_pos for pos, k in enumerate(kinds)):
        raise Decline("a slice before a loop index")
    return last_loop_pos


def _whole_length(item: ast.expr, base: str) -> bool:
    """``:len(a)``, ``:a.shape[0]`` or ``:a.size`` (1-D) on a itself."""
    if not isinstance(item, ast.Slice) or item.lower is not None or item.step is not None:
        return False
    stop = item.upper
    if isinstance(stop, ast.Call) and isinstance(stop.func, ast.Name) and stop.func.id == "len" and len(stop.args) == 1:
        return isinstance(stop.args[0], ast.Name) and stop.args[0].id == base
    if isinstance(stop, ast.Subscript) and isinstance(stop.value, ast.Attribute) and stop.value.attr == "shape":
        return isinstance(stop.value.value, ast.Name) and stop.value.value.id == base and \
            isinstance(stop.slice, ast.Constant) and stop.slice.value == 0
    return False

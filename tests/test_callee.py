"""`%optimize CALL`'s callee: which function it names, where that lives, and one line for each mistake.

Pure logic over a namespace dict (no IPython): the dicts here stand for a kernel's user namespace.
"""
from __future__ import annotations

import functools
import sys
import textwrap

import numpy as np
import pytest
from existing_code import CELL

from jupyter_optimize.errors import UsageProblem
from jupyter_optimize.sources.candidates import register_source
from jupyter_optimize.study.callee import closure_values, resolve_callee
from jupyter_optimize.study.livecalls import evaluate_line_calls


@pytest.fixture
def ns():
    """A kernel namespace after a cell defined total, Stats and make_scaler (their source in linecache)."""
    namespace = {"__name__": "__main__"}
    exec(compile(CELL, register_source(CELL, "cell"), "exec"), namespace)
    namespace.update(stats=namespace["Stats"]([1, 2, 3]), triple=namespace["make_scaler"](3), np=np,
                     xs=[1, 2], functools=functools, cached=functools.lru_cache(namespace["total"]))
    return namespace


@pytest.fixture
def geo(tmp_path, monkeypatch):
    (tmp_path / "geo_lm.py").write_text(textwrap.dedent('''
        """The user's module."""


        def area(w, h):
            """Width times height.

            A docstring of several lines.
            """
            return w * h
        '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    import geo_lm

    yield geo_lm
    sys.modules.pop("geo_lm", None)


def test_a_function_from_an_earlier_cell_lives_in_the_kernel(ns):
    resolved, calls = evaluate_line_calls(["total([3])", "total(xs=xs[:1])"], ns)
    assert resolved.func is ns["total"] and resolved.bound == ()
    assert resolved.home.kind == "kernel" and resolved.home.kernel_names == ("total",)
    assert [(c.args, c.kwargs) for c in calls] == [(([3],), {}), ((), {"xs": [1]})]


def test_a_module_function_names_its_module_file_and_lines(ns, geo):
    ns["geo_lm"] = geo
    resolved, calls = evaluate_line_calls(["geo_lm.area(2, h=3)"], ns)
    home = resolved.home
    assert resolved.func is geo.area
    assert (home.kind, home.module, home.attribute, home.owner_expression) == ("module", "geo_lm", "area", "geo_lm")
    assert home.file == geo.__file__ and home.lines == (5, 10)
    assert calls[0].args == (2,) and calls[0].kwargs == {"h": 3}


def test_a_bound_methods_object_becomes_the_first_argument(ns):
    resolved, calls = evaluate_line_calls(["stats.total()"], ns)
    assert resolved.func is ns["Stats"].total
    assert calls[0].args == (ns["stats"],)
    home = resolved.home
    assert (home.kind, home.owner, home.attribute, home.owner_expression) == ("class", "Stats", "total", "Stats")


def test_a_closure_keeps_its_free_variables_and_the_kernel_names_holding_it(ns):
    resolved, _ = evaluate_line_calls(["triple(xs)"], ns)
    assert resolved.home.kind == "closure" and resolved.home.kernel_names == ("triple",)
    assert resolved.home.rebindable
    assert closure_values(resolved.func) == {"k": 3}
    unheld = resolve_callee("triple", {"triple": ns["triple"]}).home
    assert not resolve_callee("h.f", {"h": type("Holder", (), {"f": staticmethod(ns["triple"])})}).home.rebindable
    assert unheld.rebindable  # held by a kernel name


@pytest.mark.parametrize("callee, message", [
    ("totl", "totl is not defined in the kernel; run the cell that defines it first. Did you mean: total?"),
    ("stats.totl", "stats (a Stats object) has no attribute 'totl'. Did you mean: total?"),
    ("Stats", "Stats is a class, not a function: optimize one of its methods on an instance"),
    ("len", "len is a built-in function (compiled code, with no Python source to rewrite)."),
    ("np.add", "np.add is a numpy ufunc (compiled code, with no Python source to rewrite)."),
    ("np", "np is a module, not a function"),
    ("xs", "xs is a list, not a function."),
    ("cached", "cached is a _lru_cache_wrapper object made by a decorator around a function; "
               "optimize the function itself: %optimize cached.__wrapped__(...)."),
])
def test_what_is_not_a_python_function_says_what_it_is(ns, callee, message):
    with pytest.raises(UsageProblem) as caught:
        resolve_callee(callee, ns)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_a_function_without_source_is_one_line(ns):
    exec("def hidden(x):\n    return x\n", ns)  # no file, nothing in linecache
    with pytest.raises(UsageProblem, match=r"^hidden has no source to read .*define it in a cell or a \.py file\.$"):
        resolve_callee("hidden", ns)


@pytest.mark.parametrize("calls, message", [
    (["total(y)"], "In total(y), the argument `y` raised NameError: name 'y' is not defined"),
    (["total(xs[9])"], "In total(xs[9]), the argument `xs[9]` raised IndexError: list index out of range"),
    (["total(xs)", "stats.total()"], "'stats.total()' calls stats.total, but the first call names total"),
    (["total"], "'total' is not a call"),
    (["functools.partial(total)(xs)"], "functools.partial(total): call a function by its name or a dotted name"),
])
def test_mistakes_in_the_calls_are_one_line_quoting_the_part(ns, calls, message):
    with pytest.raises(UsageProblem) as caught:
        evaluate_line_calls(calls, ns)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)

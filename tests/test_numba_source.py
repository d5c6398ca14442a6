"""The "numba" source: nopython compilation, compile time reported apart, failures in one line."""
from __future__ import annotations

import importlib
import re
import threading

import numpy as np
import pytest
from existing_code import SMOOTH

from jupyter_optimize import optimize
from jupyter_optimize.model import Call
from jupyter_optimize.options import Options
from jupyter_optimize.sources import numba as numba_source
from jupyter_optimize.sources.candidates import register_source
from jupyter_optimize.sources.protocol import SourceRequest

pytestmark = pytest.mark.slow  # full runs of the pipeline: forked children, timing

numba = pytest.importorskip("numba")

LOOPY = SMOOTH  # a loop numba compiles, annotated as a notebook would write it

UNTYPEABLE = '''
def describe(x):
    parts = {}
    for i in range(len(x)):
        parts[str(i)] = [x[i], "x"]
    return len(parts)
'''


def define(source: str):
    namespace = {"np": np}
    name = source.split("def ", 1)[1].split("(", 1)[0]
    exec(compile(source, register_source(source, name), "exec"), namespace)
    return namespace[name]


def request(func, calls, source=None) -> SourceRequest:
    return SourceRequest(func, source, tuple(Call.coerce(c) for c in calls), None, Options())


def test_a_loop_compiled_in_nopython_mode_is_verified_and_faster():
    smooth = define(LOOPY)
    x = np.random.default_rng(0).normal(size=20000)
    report = optimize(smooth, [((x,), {}), ((x[:100],), {"alpha": 0.1})], sources=["numba"], quick=True)
    (result,) = report.results
    assert result.origin == "numba" and result.verdict == "faster", result.reason
    assert "compiled by numba in nopython mode" in result.explanation
    assert any(note.startswith("numba: compiling smooth took") for note in report.notes)
    assert "numba" in report.stage_seconds  # its compile is a stage of its own in the report's Time taken


def test_compile_time_is_measured_once_and_kept_out_of_the_call():
    smooth = define(LOOPY)
    x = np.linspace(0, 1, 50)
    found = numba_source.source(request(smooth, [((x,), {}), ((x,), {"alpha": 0.2})], LOOPY))
    (candidate,) = found.candidates
    seconds = float(re.search(r"in ([0-9.]+) s;", candidate.explanation).group(1))
    assert seconds > 0 and "1 argument type(s)" in candidate.explanation
    assert candidate.func(x, alpha=0.2)[-1] == pytest.approx(smooth(x, alpha=0.2)[-1])
    compiled = candidate.func.__globals__["_compiled"]
    assert len(compiled.signatures) == 1  # nothing was compiled by calling it


def test_the_shown_source_is_code_a_user_can_run():
    smooth = define(LOOPY)
    x = np.linspace(0, 1, 30)
    (candidate,) = numba_source.source(request(smooth, [((x,), {})], LOOPY)).candidates
    namespace = {"np": np}
    exec(candidate.source, namespace)
    np.testing.assert_allclose(namespace["smooth"](x), smooth(x))


def test_code_numba_cannot_compile_fails_with_numbas_reason_in_one_line():
    describe = define(UNTYPEABLE)
    report = optimize(describe, [((np.arange(5.0),), {})], sources=["numba"], quick=True)
    (result,) = report.results
    assert result.verdict == "failed"
    assert result.reason.startswith("numba cannot compile describe in nopython mode:")
    assert "\n" not in result.reason and len(result.reason) < 400


def test_arguments_numba_cannot_type_are_a_one_line_note_and_no_candidate():
    def count(items):
        return len(items)

    found = numba_source.source(request(count, [((object(),), {})]))
    assert found.candidates == []
    assert found.notes == ["numba: not tried for count: argument 'items' is an object, which numba cannot type"]


def test_a_python_list_of_numbers_is_compiled_with_a_note_that_an_array_avoids_its_cost():
    def count_positive(xs, limit):
        c = 0
        for x in xs[:limit]:
            if x > 0:
                c += 1
        return c

    found = numba_source.source(request(count_positive, [(([1.5, -2.0, 3.0], 2), {}), ((np.ones(3), 3), {})]))
    (candidate,) = found.candidates
    assert candidate.func([1.5, -2.0, 3.0], 2) == 1
    assert found.notes[1:] == ["numba: xs is a Python list, which numba converts item by item on every call (and "
                               "cannot type when it is empty); passing a numpy array avoids both"]
    on_arrays = numba_source.source(request(count_positive, [((np.ones(3), 3), {})]))
    assert len(on_arrays.notes) == 1  # only the compile time


def test_without_numba_installed_the_source_says_how_to_get_it(monkeypatch):
    real = importlib.import_module

    def no_numba(name, *args):
        if name == "numba":
            raise ImportError("No module named 'numba'")
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", no_numba)
    found = numba_source.source(request(define(LOOPY), [((np.ones(3),), {})]))
    assert found.candidates == [] and "jupyter_optimize[jit]" in found.notes[0]


def test_one_line_strips_colours_and_tracebacks():
    error = numba.core.errors.TypingError("\x1b[1mFailed in nopython mode pipeline\n\x1b[1mUnknown attribute 'x'\n\nFile \"a.py\", line 7:\n>   y.x\n")
    assert numba_source.one_line(error) == "TypingError: Unknown attribute 'x' (line 7)"


def test_a_compile_past_its_limit_is_given_up_in_one_line():
    smooth = define(LOOPY.replace("def smooth", "def smooth_limited"))
    with pytest.raises(numba_source.NotTried, match=r"compiling took over 1e-06 s, so it was given up"):
        numba_source.compile_for_calls(numba, smooth, [Call((np.linspace(0, 1, 5),))], limit_s=1e-6)
    # the given-up compile is still running: a child forked now would inherit numba's locks held and
    # hang, so the fork backend waits for it to end first and the child runs
    from jupyter_optimize import sandbox
    from jupyter_optimize.options import Options
    from jupyter_optimize.sandbox import limits
    from jupyter_optimize.sandbox.child import FORK_UNSAFE_THREAD

    child = sandbox.run_within(lambda: smooth(np.linspace(0, 1, 5)).size, limits.for_probe(Options(timeout=60)))
    assert child.ok and child.value == 5, child.error
    assert not [t for t in threading.enumerate() if t.name.startswith(FORK_UNSAFE_THREAD) and t.is_alive()]

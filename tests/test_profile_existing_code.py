"""The line profile of code the notebook already has: a method's lines are timed, and a module function's
profile is its code, not its docstring."""
from __future__ import annotations

import sys
import textwrap

from existing_code import CELL

from jupyter_optimize.model import Call
from jupyter_optimize.sources.candidates import register_source
from jupyter_optimize.study.profile import line_profile


def cell_namespace() -> dict:
    namespace: dict = {"__name__": "__main__"}
    exec(compile(CELL, register_source(CELL, "cell"), "exec"), namespace)
    return namespace


def test_a_methods_lines_are_timed():
    ns = cell_namespace()
    profile = line_profile(ns["Stats"].total, [Call((ns["Stats"](list(range(50))),))])
    hits = {line.source.strip(): line.hits for line in profile.lines}
    assert hits["t = t + v"] == 50 * profile.rounds and profile.total_s > 0


def test_a_closures_lines_are_timed():
    profile = line_profile(cell_namespace()["make_scaler"](3), [Call(([1, 2, 3],))])
    assert {line.source.strip(): line.hits for line in profile.lines}["t = t + k * x"] == 3 * profile.rounds


def test_a_module_functions_profile_leaves_out_its_docstring(tmp_path, monkeypatch):
    (tmp_path / "docs_lm.py").write_text(textwrap.dedent('''
        def area(w, h):
            """Width times height.

            A docstring of several lines
            that is no part of the profile.
            """
            return w * h
        '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    import docs_lm

    try:
        profile = line_profile(docs_lm.area, [Call((2, 3))])
    finally:
        sys.modules.pop("docs_lm", None)
    assert [(line.lineno, line.source) for line in profile.lines] == [(2, "def area(w, h):"), (8, "    return w * h")]

"""Accept and `%optimize apply` for a function outside the cell: rebound where it lives.

The namespace is a plain dict standing for the kernel's; the module is a real file imported from tmp_path.
"""
from __future__ import annotations

import sys
import textwrap
from dataclasses import replace

import pytest
from existing_code import CELL

from jupyter_optimize.model import Candidate, CandidateResult, Report
from jupyter_optimize.notebook.apply import NotApplicable, bind_candidate, cell_text
from jupyter_optimize.sources.candidates import register_source
from jupyter_optimize.study.livecalls import evaluate_line_calls


@pytest.fixture
def ns(tmp_path, monkeypatch):
    (tmp_path / "shapes_lm.py").write_text(textwrap.dedent('''
        def area(w, h):
            """Width times height."""
            total = 0
            for _ in range(h):
                total = total + w
            return total
        '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    import shapes_lm

    namespace = {"__name__": "__main__", "shapes_lm": shapes_lm}
    exec(compile(CELL, register_source(CELL, "cell"), "exec"), namespace)
    namespace.update(stats=namespace["Stats"]([1, 2, 3]), triple=namespace["make_scaler"](3))
    yield namespace
    sys.modules.pop("shapes_lm", None)


def accepted_report(ns, call: str, code: str) -> Report:
    resolved, _ = evaluate_line_calls([call], ns)
    name = resolved.func.__name__
    result = CandidateResult("fast", "user", code, "faster", "3.00x faster (interval 2.90-3.10x)",
                             candidate=Candidate("fast", "user", source=code))
    report = Report(name, None, (call,), None, (result,), options=None, home=resolved.home)
    report.record_choice("fast", "accepted")
    return report


def test_accept_sets_the_module_attribute_so_callers_through_the_module_get_it(ns):
    report = accepted_report(ns, "shapes_lm.area(2, 3)", "def area(w, h):\n    return w * h\n")
    new = bind_candidate(report["fast"], report.function, ns, report.home)
    assert ns["shapes_lm"].area is new and new(4, 5) == 20
    assert "area" not in ns  # the kernel's names are left alone


def test_the_inserted_cell_for_a_module_function_names_the_file_and_lines_and_rebinds_it(ns):
    report = accepted_report(ns, "shapes_lm.area(2, 3)", "def area(w, h):\n    return w * h\n")
    text = cell_text(report, report["fast"])
    assert f"comes from {ns['shapes_lm'].__file__}, lines 2-7." in text and "never edits files" in text
    before = ns["shapes_lm"].area
    exec(text, ns)
    assert ns["shapes_lm"].area is not before and ns["shapes_lm"].area(4, 5) == 20


def test_the_inserted_cell_runs_a_module_functions_code_among_the_modules_globals(ns):
    """A candidate that reads a constant of its module works after %optimize apply, as after Accept,
    and no kernel name is overwritten by the cell."""
    ns["shapes_lm"].UNIT = 1  # a constant of the module's, which the kernel does not have
    ns["area"] = "a kernel variable named like the function"
    report = accepted_report(ns, "shapes_lm.area(2, 3)", "def area(w, h):\n    return w * h * UNIT\n")
    exec(cell_text(report, report["fast"]), ns)
    assert ns["shapes_lm"].area(4, 5) == 20
    assert ns["area"] == "a kernel variable named like the function" and "_optimized" not in ns


def test_accept_sets_the_class_attribute_for_a_method(ns):
    report = accepted_report(ns, "stats.total()", "def total(self):\n    return sum(self.values)\n")
    kernel_total = ns["total"]  # a kernel function named like the method
    bind_candidate(report["fast"], report.function, ns, report.home)
    assert ns["Stats"].total.__code__.co_filename.startswith("<jupyter_optimize candidate")
    assert ns["stats"].total() == 6 and ns["total"] is kernel_total
    text = cell_text(report, report["fast"])
    assert text.rstrip().endswith("Stats.total = total")


def test_accept_rebinds_the_kernel_name_holding_a_closure_with_its_free_variables(ns):
    report = accepted_report(ns, "triple([1, 2])", "def scaled_total(xs):\n    return k * sum(xs)\n")
    new = bind_candidate(report["fast"], report.function, ns, report.home)
    assert ns["triple"] is new and new([1, 2]) == 9  # k = 3 came from the closure
    assert "triple = scaled_total" in cell_text(report, report["fast"])


def test_a_closure_no_kernel_name_holds_is_not_rebound_and_says_why(ns):
    holder = type("Holder", (), {"scaled": staticmethod(ns["make_scaler"](2))})
    ns["holder"] = holder
    report = accepted_report(ns, "holder.scaled([1])", "def scaled_total(xs):\n    return k * sum(xs)\n")
    with pytest.raises(NotApplicable, match="is a closure made inside make_scaler: it cannot be rebound"):
        bind_candidate(report["fast"], report.function, ns, report.home)


def test_a_failing_candidate_leaves_the_module_as_it_was(ns):
    before = ns["shapes_lm"].area
    report = accepted_report(ns, "shapes_lm.area(2, 3)", "raise RuntimeError('no')\n")
    report = replace(report)
    with pytest.raises(NotApplicable, match="RuntimeError: no"):
        bind_candidate(report["fast"], report.function, ns, report.home)
    assert ns["shapes_lm"].area is before


def test_a_staticmethod_is_rebound_as_a_staticmethod_reached_through_the_class_or_an_object(ns):
    code = "class Units:\n    @staticmethod\n    def double(x):\n        return x + x\n"
    exec(compile(code, register_source(code, "units"), "exec"), ns)
    ns["units"] = ns["Units"]()
    for call in ("Units.double(2)", "units.double(2)"):
        report = accepted_report(ns, call, "def double(x):\n    return 2 * x\n")
        assert report.home.kind == "class" and report.home.wrapper == "staticmethod"
        bind_candidate(report["fast"], report.function, ns, report.home)
        assert ns["units"].double(4) == 8 and ns["Units"].double(5) == 10
        assert isinstance(vars(ns["Units"])["double"], staticmethod)
        assert cell_text(report, report["fast"]).rstrip().endswith("Units.double = staticmethod(double)")


def test_a_classmethod_gets_its_class_as_first_argument_and_is_rebound_as_a_classmethod(ns):
    code = ("class Shelf:\n    size = 3\n\n    @classmethod\n    def slots(cls, n):\n        out = []\n"
            "        for i in range(n):\n            out.append(i * cls.size)\n        return out\n")
    exec(compile(code, register_source(code, "shelf"), "exec"), ns)
    ns["shelf"] = ns["Shelf"]()
    for call in ("Shelf.slots(2)", "shelf.slots(2)"):
        resolved, calls = evaluate_line_calls([call], ns)
        assert resolved.func is vars(ns["Shelf"])["slots"].__func__ and calls[0].args == (ns["Shelf"], 2)
        report = accepted_report(ns, call, "def slots(cls, n):\n    return [i * cls.size for i in range(n)]\n")
        assert report.home.kind == "class" and report.home.wrapper == "classmethod"
        bind_candidate(report["fast"], report.function, ns, report.home)
        assert isinstance(vars(ns["Shelf"])["slots"], classmethod)
        assert ns["Shelf"].slots(3) == [0, 3, 6] and ns["shelf"].slots(2) == [0, 3]
        assert cell_text(report, report["fast"]).rstrip().endswith("Shelf.slots = classmethod(slots)")


def test_a_candidate_that_is_not_verified_cannot_be_accepted_nor_inserted(ns):
    report = accepted_report(ns, "shapes_lm.area(2, 3)", "def area(w, h):\n    return w + h\n")
    wrong = replace(report["fast"], verdict="incorrect", reason="on one of your own calls: 6 became 5")
    report = replace(report, results=(wrong,))
    with pytest.raises(ValueError, match="fast is incorrect: only a verified candidate"):
        report.record_choice("fast", "accepted")
    report.record_choice("fast", "rejected")  # rejecting is always allowed
    with pytest.raises(NotApplicable, match="fast is incorrect: only verified candidates can be inserted"):
        cell_text(report, wrong)  # choices set by hand still insert nothing unverified

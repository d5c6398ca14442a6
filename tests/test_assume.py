"""--assume / optimize(assume=...): parsing, name checks and the predicate over a call (no children here)."""
from __future__ import annotations

import numpy as np
import pytest

from jupyter_optimize.errors import UsageProblem
from jupyter_optimize.model import Call, Report
from jupyter_optimize.render import html, text
from jupyter_optimize.study.assume import domain_for
from jupyter_optimize.study.magicline import parse_magic_line
from jupyter_optimize.study.original import first_outside


def moving_average(x, w=3):
    return np.convolve(x, np.ones(w), "valid") / w


def test_an_expression_over_parameters_and_globals_decides_each_call():
    domain = domain_for(moving_average, "w >= 1 and len(x) >= w and np.isfinite(x).all()")
    assert domain.admits(moving_average, Call((np.ones(5), 2)))
    assert domain.admits(moving_average, Call((np.ones(5),)))  # the default w=3 is bound too
    assert not domain.admits(moving_average, Call((np.ones(5), 0)))
    assert not domain.admits(moving_average, Call((np.ones(2),), {"w": 3}))
    assert not domain.admits(moving_average, Call((np.array([1.0, np.nan, 2.0, 3.0]), 2)))


def test_comprehensions_see_the_parameters():
    domain = domain_for(moving_average, "all(v < w for v in x)")
    assert domain.admits(moving_average, Call(([1, 2], 3)))
    assert not domain.admits(moving_average, Call(([1, 5], 3)))


def test_an_assumption_that_raises_is_not_satisfied():
    domain = domain_for(moving_average, "len(w) > 0")
    unmet = domain.unmet(moving_average, Call((np.ones(3), 2)))
    assert unmet is not None and isinstance(unmet.error, TypeError)


def test_several_assumptions_and_callables():
    def window_fits(x, w=3):
        return len(x) >= w

    domain = domain_for(moving_average, ["w >= 1", window_fits, lambda x, w=3: w < 10])
    assert domain.texts == ("w >= 1", "window_fits", "lambda x, w=3: w < 10")
    assert domain.admits(moving_average, Call((np.ones(5), 2)))
    assert not domain.admits(moving_average, Call((np.ones(5), 6)))
    assert not domain.admits(moving_average, Call((np.ones(50), 12)))
    assert domain_for(moving_average, None).predicate(moving_average) is None


@pytest.mark.parametrize("given, message", [
    ("w >= ", r"The assumption 'w >=' is not a Python expression \(invalid syntax"),
    ("len(xs) >= w", r"names 'xs', which is neither a parameter of moving_average \(x, w\) .* Did you mean: x\?"),
    ("window > 0", r"names 'window'"),
    ("w = 3", r"is not a Python expression"),
    (3, r"assume= takes an expression \(a string\) or a callable returning a bool, got int 3"),
])
def test_mistakes_are_one_line_with_the_close_match(given, message):
    with pytest.raises(UsageProblem, match=message) as caught:
        domain_for(moving_average, given)
    assert "\n" not in str(caught.value)


def test_a_live_call_outside_quotes_the_call_and_the_expression():
    domain = domain_for(moving_average, "len(x) >= w")
    message = first_outside(moving_average, [Call((np.ones(5), 2)), Call(([1.0, 2.0], 5))], domain)
    assert message == ("The live call moving_average(x=[1.0, 2.0], w=5) is outside the assumption 'len(x) >= w': "
                       "drop that call or widen the assumption.")
    assert first_outside(moving_average, [Call((np.ones(5), 2))], domain) is None


def test_a_call_that_does_not_fit_the_signature_is_left_to_the_original():
    domain = domain_for(moving_average, "w > 0")
    assert domain.admits(moving_average, Call((1, 2, 3)))  # the original's TypeError will say more


def test_the_magic_line_takes_repeated_quoted_assumptions_before_the_calls():
    args = parse_magic_line("--assume \"w >= 1\" moving_average(x, 5) --assume 'len(x) >= w' -o r")
    assert args.assumptions == ("w >= 1", "len(x) >= w")
    assert args.calls == ("moving_average(x, 5)",) and args.output == "r"


def test_the_reports_say_which_assumptions_hold():
    report = Report("moving_average", None, ("moving_average(x=..., w=5)",), None, (), None,
                    assumptions=("w >= 1", "len(x) >= w"))
    assert "Assumed: w >= 1 and len(x) >= w; generated inputs outside this domain" in text.render(report)
    assert "<b>Assumed:</b> <code>w &gt;= 1</code> and <code>len(x) &gt;= w</code>" in html.render(report)
    assert "Assumed" not in text.render(Report("f", None, (), None, (), None))


def test_the_viewer_shows_the_assumptions_above_its_tabs():
    from jupyter_optimize.notebook.viewer import ReportViewer

    report = Report("moving_average", None, (), None, (), None, assumptions=("w >= 1",))
    header = ReportViewer(report, {}).view.children[0]
    assert "<b>Assumed:</b> <code>w &gt;= 1</code>" in header.value


def test_the_search_discards_inputs_outside_the_domain():
    from jupyter_optimize.verify.check import check_candidate
    from jupyter_optimize.verify.compare import Tolerance

    def clipped(xs, k):
        return [v for v in xs if v < k]

    def wrong_below_one(xs, k):  # differs only where k < 1
        return [] if k < 1 else [v for v in xs if v < k]

    calls = [Call(([1, 2, 3], 2))]
    domain = domain_for(clipped, "k >= 1")
    judged: list[Call] = []

    def admits(call: Call) -> bool:
        inside = domain.admits(clipped, call)
        if inside:
            judged.append(call)
        return inside

    check = check_candidate(clipped, wrong_below_one, calls, Tolerance(), None, examples=60, budget_s=20,
                            admits=admits)
    assert check.passed and check.generated_passed > 5
    assert judged and not any(c.args[1] < 1 for c in judged)
    bare = check_candidate(clipped, wrong_below_one, calls, Tolerance(), None, examples=60, budget_s=20)
    assert bare.counterexample is not None and bare.counterexample.inputs.args[1] < 1

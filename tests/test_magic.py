"""`%%optimize` driven through IPython's real InteractiveShell.

Each test runs cells the way a user types them and checks what the user sees:
the Report stored with -o, the kernel's namespace after the cell, and for
mistakes the one `UsageError:` line IPython prints (never a traceback).
"""
import numpy as np
import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

from jupyter_optimize import demo
from jupyter_optimize.model import Report
from jupyter_optimize.options import OPTION_SPECS
from jupyter_optimize.sources import HOW_TO_ADD_A_MODEL

pytestmark = pytest.mark.slow  # an IPython shell per test, and full runs

QUICK = "--time-budget 0.3"  # for tests that do not judge speed

TOTAL = """\
def total(values):
    return sum(values)
"""


@pytest.fixture(scope="module")
def shell():
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "jupyter_optimize")
    return ip


@pytest.fixture
def ip(shell):
    """The shared shell with an empty user namespace (the magic stays loaded)."""
    shell.reset(new_session=False)
    return shell


def run_ok(ip, cell):
    result = ip.run_cell(cell)
    assert result.success, f"{result.error_before_exec or result.error_in_exec!r}"
    return result


def usage_error(ip, capsys, cell):
    """Run *cell*; assert IPython reported exactly one UsageError line; return its message."""
    capsys.readouterr()
    result = ip.run_cell(cell)
    out, err = capsys.readouterr()
    assert isinstance(result.error_in_exec, UsageError), repr(result.error_in_exec)
    message = str(result.error_in_exec)
    assert "\n" not in message
    assert [line for line in err.splitlines() if line.strip()] == [f"UsageError: {message}"]
    assert "Traceback" not in out + err and "jupyter_optimize/" not in out + err
    return message


# -- the headline form ---------------------------------------------------------


def test_headline_form_on_the_demo(ip, capsys):
    img = demo.photograph()
    mask = demo.circle_mask(img.shape)
    ip.push({"img": img, "mask": mask, "empty": np.zeros_like(mask),
             "fast": demo.VECTORIZED, "wrong": demo.ARGMAX})
    run_ok(ip, "import numpy as np")
    run_ok(ip, "%%optimize equalize(img, mask); equalize(img, empty) --candidate fast --candidate wrong -o rep\n"
           + demo.ORIGINAL)
    out, err = capsys.readouterr()

    rep = ip.user_ns["rep"]
    assert isinstance(rep, Report)
    assert [(r.name, r.verdict) for r in rep.results] == [("fast", "faster"), ("wrong", "incorrect")], \
        [r.reason for r in rep.results]
    assert rep.best is rep.results[0]
    assert "0 True" in rep.results[1].counterexample.call  # caught on the empty mask
    assert len(rep.calls) == 2 and rep.profile is not None
    # the report was shown: verdict table in the cell's output, nothing on stderr
    assert "faster" in out and "incorrect" in out and "fast" in out and "wrong" in out
    assert err == ""
    # the cell ran as a normal cell: equalize is the user's function in the kernel
    assert ip.user_ns["equalize"](img, mask).dtype == np.uint8
    assert (img == demo.photograph()).all()


@pytest.mark.one_backend  # the magic's own logic, not the sandbox's
def test_options_before_and_after_the_call_expression(ip):
    ip.push({"a": [1, 2, 3], "b": [], "fast": "def total(values):\n    return sum(values)\n",
             "wrong": "def total(values):\n    return len(values)\n"})
    run_ok(ip, f"%%optimize --rtol 1e-3 -c fast total(a); total(b) --candidate wrong -o rep {QUICK}\n{TOTAL}")
    rep = ip.user_ns["rep"]
    assert [r.name for r in rep.results] == ["fast", "wrong"]
    assert rep.results[0].verdict in ("faster", "not_faster")
    assert rep.results[1].verdict == "incorrect"
    assert rep.calls == ("total(values=[1, 2, 3])", "total(values=[])")
    assert rep.options.rtol == 1e-3 and rep.options.time_budget == 0.3


# -- where the live calls come from -------------------------------------------


def test_calls_the_cell_makes_are_recorded_and_a_same_named_method_is_not(ip, capsys):
    cell = f"""%%optimize -o rep {QUICK}
class Basket:
    def total(self, values):
        return -1

{TOTAL}
Basket().total([7, 7, 7])
print("cell says", total([1, 2, 3]))
"""
    run_ok(ip, cell)
    assert "cell says 6" in capsys.readouterr().out
    assert ip.user_ns["rep"].calls == ("total(values=[1, 2, 3])",)


def test_only_a_same_named_method_called_gives_no_inputs(ip, capsys):
    cell = f"""%%optimize
class Basket:
    def total(self, values):
        return -1

{TOTAL}
Basket().total([7, 7, 7])
"""
    message = usage_error(ip, capsys, cell)
    assert "`%%optimize total(values)`" in message


def test_calls_the_cell_makes_win_over_kernel_variables(ip):
    run_ok(ip, "values = [4, 5, 6]")
    run_ok(ip, f"%%optimize -o rep {QUICK}\n{TOTAL}total([1, 2, 3])\n")
    assert ip.user_ns["rep"].calls == ("total(values=[1, 2, 3])",)


def test_kernel_variables_named_like_the_parameters(ip):
    run_ok(ip, "values = [4, 5, 6]\nstart = 10")
    cell = f"""%%optimize -o rep {QUICK}
def total(values, *, start, scale=1):
    return (sum(values) + start) * scale
"""
    run_ok(ip, cell)
    assert ip.user_ns["rep"].calls == ("total(values=[4, 5, 6], start=10)",)


def test_the_cell_runs_as_a_normal_cell(ip, capsys):
    cell = f"""%%optimize total(data) -o rep {QUICK}
import math
LIMIT = 10
data = [0.5, 1.5]
def total(values):
    return math.fsum(values[:LIMIT])
print("ran", total(data))
"""
    run_ok(ip, cell)
    assert "ran 2.0" in capsys.readouterr().out
    ns = ip.user_ns
    assert ns["LIMIT"] == 10 and ns["data"] == [0.5, 1.5] and ns["math"].__name__ == "math"
    assert ip.run_cell("total([1.0, 2.0, 3.0])").result == 6.0
    assert "def total(values):" in ns["rep"].original_source
    assert ns["rep"].calls == ("total(values=[0.5, 1.5])",)


# -- user mistakes: one UsageError line with the fix ---------------------------


def test_no_inputs_shows_the_one_line_fix(ip, capsys):
    message = usage_error(ip, capsys, "%%optimize\ndef scale(x, factor):\n    return x * factor\n")
    assert "`%%optimize scale(x, factor)`" in message
    assert callable(ip.user_ns["scale"])  # the cell itself still ran


def test_syntax_error(ip, capsys):
    message = usage_error(ip, capsys, "%%optimize f(1)\ndef f(x)\n    return x\n")
    assert "syntax error" in message and "line 1" in message
    assert "f" not in ip.user_ns


def test_cell_without_a_function(ip, capsys):
    message = usage_error(ip, capsys, "%%optimize\nx = 1\n")
    assert "defines no function" in message and "def" in message


def test_async_function(ip, capsys):
    message = usage_error(ip, capsys, "%%optimize f(1)\nasync def f(x):\n    return x\n")
    assert "async" in message and "plain functions" in message


def test_generator(ip, capsys):
    message = usage_error(ip, capsys, "%%optimize f(3)\ndef f(n):\n    yield from range(n)\n")
    assert "generator" in message and "returns a list" in message


def test_several_functions_without_f(ip, capsys):
    cell = "%%optimize\ndef helper(x):\n    return x\n\ndef total(values):\n    return sum(map(helper, values))\n"
    message = usage_error(ip, capsys, cell)
    assert "helper, total" in message and "-f NAME" in message


@pytest.mark.one_backend  # the magic's own logic, not the sandbox's
def test_several_functions_with_f_picks_one(ip):
    cell = f"%%optimize total([1, 2]) -f total -o rep {QUICK}\ndef helper(x):\n    return x\n\n{TOTAL}"
    run_ok(ip, cell)
    assert ip.user_ns["rep"].function == "total"


def test_unknown_f_name_suggests_a_close_match(ip, capsys):
    cell = "%%optimize -f totl\ndef helper(x):\n    return x\n\ndef total(values):\n    return sum(values)\n"
    message = usage_error(ip, capsys, cell)
    assert "-f totl" in message and "Did you mean: total?" in message


def test_unknown_candidate_suggests_a_close_match(ip, capsys):
    ip.push({"fast_total": "def total(values):\n    return sum(values)\n"})
    message = usage_error(ip, capsys, f"%%optimize total([1]) --candidate fast_totl\n{TOTAL}")
    assert "fast_totl" in message and "Did you mean: fast_total?" in message


def test_unknown_option_suggests_a_close_match(ip, capsys):
    message = usage_error(ip, capsys, f"%%optimize total([1]) --candiate fast\n{TOTAL}")
    assert "--candiate" in message and "Did you mean: --candidate" in message


def test_bad_output_name(ip, capsys):
    message = usage_error(ip, capsys, f"%%optimize total([1]) -o 2rep\n{TOTAL}")
    assert "-o 2rep" in message and "variable name" in message
    assert "2rep" not in ip.user_ns


def test_call_expression_calling_another_function(ip, capsys):
    message = usage_error(ip, capsys, f"%%optimize summe([1, 2])\n{TOTAL}")
    assert "summe" in message and "total(...)" in message


# -- isolation: candidates never touch the kernel ------------------------------


def test_candidates_that_mutate_or_rebind_leave_the_kernel_unchanged(ip, capfd):
    run_ok(ip, """\
counter = 0
data = [1, 2, 3]

def sneaky(values):
    global counter
    counter += 1
    result = sum(values)
    values[0] = 99
    print("sneaky was here")
    return result

as_code = '''
counter = 1000
data = None
def total(values):
    global counter
    counter += 1
    values.append(0)
    return sum(values)
'''
""")
    data = ip.user_ns["data"]
    capfd.readouterr()
    run_ok(ip, f"%%optimize total(data) --candidate sneaky --candidate as_code -o rep {QUICK}\n{TOTAL}")
    out, _ = capfd.readouterr()
    rep = ip.user_ns["rep"]
    assert [r.verdict in ("incorrect", "failed") for r in rep.results] == [True, True], \
        [r.reason for r in rep.results]
    assert ip.user_ns["counter"] == 0
    assert ip.user_ns["data"] is data and data == [1, 2, 3]
    assert "sneaky was here" not in out  # the candidate's prints stay in the child


def test_a_candidate_that_never_returns_fails_and_the_kernel_still_works(ip):
    run_ok(ip, "def spin(values):\n    while True:\n        pass\n")
    run_ok(ip, f"%%optimize total([1, 2, 3]) --candidate spin --timeout 2 -o rep\n{TOTAL}")
    (result,) = ip.user_ns["rep"].results
    assert result.verdict == "failed" and "timed out" in result.reason
    assert ip.run_cell("total([1, 2, 3]) + 1").result == 7
    run_ok(ip, f"%%optimize total([4]) -o again {QUICK}\n{TOTAL}")
    assert ip.user_ns["again"].calls == ("total(values=[4])",)


# -- options and default sources ---------------------------------------------------


def test_the_help_lists_every_option_with_its_default(ip, capsys):
    run_ok(ip, "%%optimize?")
    out = capsys.readouterr().out
    assert [spec.name for spec in OPTION_SPECS if spec.flags[-1] not in out] == []
    assert "--confidence P" in out and "(default: 0.95)" in out and "(default: adaptive)" in out


def test_without_candidates_or_a_model_the_offline_sources_run(ip, capsys, monkeypatch):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    ip.magics_manager.registry["OptimizeMagics"].hints_shown.clear()  # as in a new kernel
    result = ip.run_cell(f"%%optimize total(None) {QUICK}\n{TOTAL}")
    assert "raises TypeError" in str(result.error_in_exec)
    assert HOW_TO_ADD_A_MODEL not in capsys.readouterr().out  # no source ran: the hint waits for a run that does
    run_ok(ip, f"%%optimize total([1, 2, 3]) -o rep {QUICK}\n{TOTAL}")
    assert HOW_TO_ADD_A_MODEL in capsys.readouterr().out
    origins = {r.origin for r in ip.user_ns["rep"].results}
    assert "numba" in origins and origins <= {"rules", "numba"}
    run_ok(ip, f"%%optimize total([1, 2, 3]) -o rep {QUICK}\n{TOTAL}")
    assert HOW_TO_ADD_A_MODEL not in capsys.readouterr().out  # said once per kernel


def test_the_line_magic_names_itself_and_its_own_usage_in_a_mistake(ip, capsys):
    ip.user_ns["xs"] = [1, 2, 3]
    run_ok(ip, TOTAL)
    message = usage_error(ip, capsys, "%optimize total(xs) --candiate total")
    assert message.startswith("%optimize: unknown option --candiate. Did you mean: --candidate")
    assert message.endswith("Usage: %optimize CALL[; CALL ...] [--candidate NAME ...] [--assume EXPR ...] "
                            "[-o NAME] [options]")
    assert usage_error(ip, capsys, "%optimize total(xs) --jobs").startswith("%optimize: argument -j/--jobs: expected")


def test_a_bad_option_value_is_one_usage_error(ip, capsys):
    message = usage_error(ip, capsys, f"%%optimize total([1]) --confidence 1.5\n{TOTAL}")
    assert message == "confidence must be in [0.5, 1), got 1.5."

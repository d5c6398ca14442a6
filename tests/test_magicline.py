import pytest

from jupyter_optimize.errors import UsageProblem
from jupyter_optimize.study.magicline import parse_magic_line, split_magic_line


def test_headline_form():
    args = parse_magic_line("equalize(img, mask) --candidate eq_fast --candidate eq_argmax -o rep")
    assert args.calls == ("equalize(img, mask)",)
    assert args.candidates == ("eq_fast", "eq_argmax")
    assert args.output == "rep"


def test_options_before_and_after_calls_and_several_calls():
    args = parse_magic_line("-o rep equalize(img, m[:, -1]); equalize(img, mask=None) --rtol 1e-3 --exact")
    assert args.calls == ("equalize(img, m[:, -1])", "equalize(img, mask=None)")
    assert args.output == "rep"
    assert args.options == {"rtol": 1e-3, "exact": True}


def test_minus_signs_inside_calls_and_strings_are_not_options():
    words, calls = split_magic_line('f(x, -1, "a -b; c") --min-gain -0.5')
    assert calls == ['f(x, -1, "a -b; c")']
    assert words == ["--min-gain", "-0.5"]


def test_all_options_map_to_pipeline_options():
    args = parse_magic_line("--atol 1e-9 --timeout 5 --time-budget 2 --memory-limit 100 --seed 3 --no-profile -f g")
    assert args.function == "g"
    assert args.options == {"atol": 1e-9, "timeout": 5.0, "time_budget": 2.0,
                            "memory_limit_mb": 100, "seed": 3, "profile": False}


@pytest.mark.parametrize("line, message", [
    ("f(x) --candidat g", "Did you mean: --candidate"),
    ("f(x) -o", "expected one argument"),
    ("f(x) --rtol abc", "invalid float value: 'abc'"),
    ("f(x) --candidate 'g", "check the quotes"),
])
def test_bad_lines_give_one_clear_message(line, message):
    with pytest.raises(UsageProblem, match=message):
        parse_magic_line(line)

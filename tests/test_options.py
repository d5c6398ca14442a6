"""Each option is defined once (jupyter_optimize.options) and every place that lists options agrees with it:
the magic's parser, `%%optimize?`, `%config Optimize` and the README's table."""
import re
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell

from jupyter_optimize.errors import UsageProblem
from jupyter_optimize.notebook import config
from jupyter_optimize.notebook.magic import OptimizeMagics
from jupyter_optimize.options import OPTION_SPECS, Options
from jupyter_optimize.study.magicline import parse_magic_line

README = Path(__file__).resolve().parents[1] / "README.md"
SAMPLE_VALUES = {int: "3", float: "0.75", str: "some-name"}  # inside every option's bounds


def readme_table() -> list[tuple[str, str, str]]:
    """(flags, default, meaning) of each row of the table under `### Options`, without the code backticks."""
    lines = README.read_text().split("### Options", 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start + 2:]:  # after the header and the |---| line
        if not line.startswith("|"):
            break
        flags, default, meaning = (cell.strip() for cell in line.strip().strip("|").split("|"))
        rows.append((flags.strip("`"), default.strip("`"), meaning))
    return rows


def help_entries() -> list[tuple[str, str, str]]:
    """(flags, default, help) of each argument that `%%optimize?` lists."""
    entries: list[list[str]] = []
    continues = False  # the next indented line continues the last entry's help
    for line in OptimizeMagics.optimize.__doc__.splitlines():
        entry = re.match(r"  (-\S.*?)(?:\s{2,}(.*))?$", line)
        continuation = continues and line.startswith("   ") and not entry
        if entry:
            entries.append([entry[1], entry[2] or ""])
        elif continuation:
            entries[-1][1] = f"{entries[-1][1]} {line.strip()}".strip()
        continues = bool(entry or continuation)
    rows = []
    for flags, text in entries:
        described = re.fullmatch(r"(.*) \(default: (.*)\)", text)
        rows.append((flags, described[2], described[1]) if described else (flags, "", text))
    return rows


def test_the_readme_table_says_what_the_help_says():
    assert help_entries() == readme_table(), "regenerate the README table from study.magicline.help_rows()"


def test_the_help_lists_every_option_with_its_default():
    listed = {flags: default for flags, default, _ in help_entries()}
    for spec in OPTION_SPECS:
        flags = next(f for f in listed if spec.flags[-1] in f.split(", ")[-1].split())
        assert listed[flags] == spec.shown_default and listed[flags], spec.name
    assert listed["--rtol X"] == "1e-7" and listed["--timeout S"] == "adaptive" and listed["--no-profile"] == "off"


def test_the_readme_names_every_option_in_python():
    paragraph = README.read_text().split("Option names in Python:", 1)[1].split("\n\n", 1)[0]
    assert [spec.name for spec in OPTION_SPECS if f"`{spec.name}`" not in paragraph] == []


@pytest.mark.parametrize("spec", OPTION_SPECS, ids=lambda spec: spec.name)
def test_every_option_has_a_flag_on_the_magic_line(spec):
    for flag in spec.flags:
        sample = next((choice for choice in spec.choices if choice), SAMPLE_VALUES.get(spec.kind, ""))
        line = f"f(x) {flag}" if spec.is_switch else f"f(x) {flag} {sample}"
        given = parse_magic_line(line).options
        expected = (not spec.default) if spec.is_switch else spec.kind(sample)
        assert given == {spec.name: expected}
        assert getattr(Options.from_kwargs(**given), spec.name) == expected


def test_confidence_has_a_flag_and_is_checked():
    assert parse_magic_line("f(x) --confidence 0.99").options == {"confidence": 0.99}
    with pytest.raises(UsageProblem, match=r"confidence must be in \[0.5, 1\), got 1.5"):
        Options.from_kwargs(**parse_magic_line("f(x) --confidence 1.5").options)


@pytest.mark.parametrize("kwargs, message", [
    ({"rtol": -1}, r"rtol must be >= 0, got -1.0\."),
    ({"examples": -3}, r"examples must be >= 0, got -3\."),
    ({"timeout": 0}, r"timeout must be > 0, got 0.0\."),
    ({"n_candidates": 0}, r"n_candidates must be > 0, got 0\."),
    ({"temperature": 2.5}, r"temperature must be in \[0, 2\], got 2.5\."),
    ({"exact": "yes"}, r"exact must be True or False, got 'yes'\."),
    ({"model": 4}, r"model must be a string, got 4\."),
    ({"time_budget": "fast"}, r"time_budget must be a number, got 'fast'\."),
    ({"confidnce": 0.9}, r"Unknown option 'confidnce'\. Did you mean: confidence\?"),
])
def test_bad_values_are_refused_with_the_value(kwargs, message):
    with pytest.raises(UsageProblem, match=message):
        Options.from_kwargs(**kwargs)


def test_defaults_and_quick():
    assert Options.from_kwargs() == Options()
    assert Options().timeout is None and Options().child_timeout == 60.0
    quick = Options.from_kwargs(quick=True, time_budget=2)
    assert (quick.examples, quick.verify_budget, quick.time_budget) == (50, 0.5, 2.0)


def test_config_traits_are_the_configurable_options():
    traits = config.Optimize.class_traits(config=True)
    assert set(traits) == {"model", "base_url", "n_candidates", "temperature", "timeout", "start_method"}
    defaults = Options()
    for name, spec in config.CONFIGURABLE.items():
        assert traits[name].default() == getattr(defaults, spec.name)
        assert spec.help in traits[name].help
    assert config.CONFIGURABLE["timeout"].name == "llm_timeout"


def test_config_refuses_what_optimize_would_refuse():
    settings = config.install(InteractiveShell.instance())
    for name, bad in (("timeout", 0.0), ("temperature", 3.0), ("n_candidates", -1)):
        with pytest.raises(Exception, match=f"Optimize.{name}: .* must be"):
            setattr(settings, name, bad)
        assert getattr(settings, name) == settings.trait_defaults(name)

"""Every option of a run, each defined once, validated up front with messages that echo the bad value.

Each field of `Options` is declared with `option(...)`: its default, its
flag(s) on the ``%%optimize`` line, its help text, the values it accepts and
whether ``%config Optimize`` may set it. `OPTION_SPECS` reads those
declarations back as plain `OptionSpec` records, from which the magic's
parser, the ``%config Optimize`` traits and the ``%%optimize?`` help are
built (the README's options table says the same; a test keeps them equal).
"""
from __future__ import annotations

import os
from dataclasses import Field, dataclass, field, fields
from typing import Any, TypeVar

from .errors import UsageProblem, close_matches

T = TypeVar("T")

DEFAULT_TIMEOUT = 60.0  # seconds a child may run when the user sets no --timeout
# Without --timeout, verifying a candidate may take VERIFY_BASE_S + VERIFY_SLOWDOWN x the original's time
# (+ twice the input budget + shrinking), at most DEFAULT_TIMEOUT plus a few passes of the original: the policy, and how
# the other stages' limits scale with the original's time, is sandbox.limits.
VERIFY_BASE_S = 5.0  # start-up, imports and the live calls' deep copies
VERIFY_SLOWDOWN = 50  # a candidate may be this many times slower than the original
QUICK = {"examples": 50, "verify_budget": 0.5, "time_budget": 0.8}  # what --quick sets, unless set explicitly


@dataclass(frozen=True)
class Bound:
    """The numbers an option accepts: from *low* (excluded when low_open) up to *high* (None: no limit)."""

    low: float
    low_open: bool = False
    high: float | None = None
    high_open: bool = True

    def admits(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        if self.high is None:
            return above
        return above and (value < self.high if self.high_open else value <= self.high)

    def describe(self) -> str:
        """'>= 0', '> 0' or 'in [0.5, 1)', as in the error messages."""
        if self.high is None:
            return f"{'>' if self.low_open else '>='} {self.low:g}"
        return f"in {'(' if self.low_open else '['}{self.low:g}, {self.high:g}{')' if self.high_open else ']'}"


NOT_NEGATIVE = Bound(0)
POSITIVE = Bound(0, low_open=True)


@dataclass(frozen=True)
class _Declared:
    """What `option()` records about a field beyond its default (see `OptionSpec`)."""

    flags: tuple[str, ...]
    metavar: str
    help: str
    shown_default: str
    config_name: str
    bound: Bound | None
    choices: tuple[str, ...]


def option(default: T, *flags: str, help: str, metavar: str = "", shown: str = "", config: str = "",
           bound: Bound | None = None, choices: tuple[str, ...] = ()) -> T:
    """Declare a field of `Options` (the arguments are described in `OptionSpec`).

    Typed as returning the default, so a default of the wrong type is a mypy error.
    """
    declared = _Declared(flags, metavar, help, shown, config, bound, choices)
    return field(default=default, metadata={"option": declared})


@dataclass(frozen=True)
class OptionSpec:
    """One option as the magic, ``%config`` and the help see it."""

    name: str  # the field of Options and the keyword of optimize()
    kind: type  # float, int, bool or str
    optional: bool  # None is accepted too
    default: object
    flags: tuple[str, ...]  # on the %%optimize line; a bool's flag switches it away from its default
    metavar: str  # the placeholder of the value in the help ('' for a switch)
    help: str
    shown_default: str  # the default as the help and the README say it
    config_name: str  # the trait of %config Optimize that sets it; '' when %config cannot
    bound: Bound | None  # the numbers it accepts; None: any
    choices: tuple[str, ...] = ()  # the strings it accepts; (): any

    @property
    def is_switch(self) -> bool:
        return self.kind is bool

    def coerce(self, value: Any) -> Any:
        """*value* as this option's type, or a UsageProblem that echoes it."""
        if value is None and self.optional:
            return None
        if self.kind is str and not isinstance(value, str):
            raise UsageProblem(f"{self.name} must be a string, got {value!r}.")
        if self.kind is bool and not isinstance(value, bool):
            raise UsageProblem(f"{self.name} must be True or False, got {value!r}.")
        if self.kind in (str, bool):
            return value
        try:
            return self.kind(value)
        except (TypeError, ValueError):
            raise UsageProblem(f"{self.name} must be a number, got {value!r}.") from None

    def check(self, value: Any) -> None:
        """Raise a UsageProblem when *value* (already of the right type) is out of bounds."""
        if self.bound is not None and value is not None and not self.bound.admits(value):
            raise UsageProblem(f"{self.name} must be {self.bound.describe()}, got {value!r}.")
        if self.choices and value not in self.choices:
            shown = " or ".join(repr(choice) for choice in self.choices if choice)
            raise UsageProblem(f"{self.name} must be {shown}, got {value!r}.")


@dataclass(frozen=True)
class Options:
    """The knobs of a run; build it with `from_kwargs`, which validates."""

    rtol: float = option(1e-7, "--rtol", metavar="X", bound=NOT_NEGATIVE,
                         help="relative tolerance for floating-point values")
    atol: float = option(1e-10, "--atol", metavar="X", bound=NOT_NEGATIVE,
                         help="absolute tolerance for floating-point values")
    exact: bool = option(False, "--exact", help="floats must be exactly equal")
    ignore_output: bool = option(False, "--ignore-output",
                                 help="do not compare what the functions print (stdout, stderr)")
    timeout: float | None = option(
        None, "--timeout", metavar="S", shown="adaptive", bound=POSITIVE,
        help="seconds any one child process may run; by default a candidate's verification may take "
             f"{VERIFY_BASE_S:g} s + {VERIFY_SLOWDOWN}x the original's time + twice the input budget + a few "
             f"seconds to shrink a difference, at most {DEFAULT_TIMEOUT:g} s + 4 passes of the original (and, "
             "reading inputs while they are drawn, as long again as the draw may take)")
    memory_limit_mb: int = option(4096, "--memory-limit", metavar="MB", bound=POSITIVE,
                                  help="extra memory a child may allocate")
    time_budget: float = option(3.0, "--time-budget", metavar="S", bound=POSITIVE,
                                help="seconds of benchmarking in total")
    min_gain: float = option(0.05, "--min-gain", metavar="X", bound=NOT_NEGATIVE,
                             help="the speedup interval's lower bound must exceed `1 + X` "
                                  "(at least 0.15 for functions under 10 us per call)")
    confidence: float = option(0.95, "--confidence", metavar="P", bound=Bound(0.5, high=1),
                               help="confidence level of the speedup intervals")
    profile: bool = option(True, "--no-profile", help="skip the line profile")
    seed: int = option(0, "--seed", metavar="N",
                       help="seed of the input generator, and of `random`/numpy when the original needs seeding")
    examples: int = option(200, "--examples", metavar="N", bound=NOT_NEGATIVE,
                           help="inputs generated per candidate after the live calls")
    verify_budget: float = option(1.5, "--verify-budget", metavar="S", bound=POSITIVE,
                                  help="seconds of generated inputs per candidate")
    scaling: bool = option(False, "--scaling",
                           help="also time the original and the best candidates on inputs of growing size")
    quick: bool = option(False, "--quick",
                         help=f"a first look: {QUICK['examples']} examples, {QUICK['verify_budget']:g} s of inputs, "
                              f"{QUICK['time_budget']:g} s of timing")
    # the "llm" source (any OpenAI-compatible endpoint); %config Optimize may set these
    model: str = option("", "--model", metavar="NAME", shown="$OPENAI_MODEL", config="model",
                        help="the model the `llm` source asks (neither set: the source's default model)")
    base_url: str = option("", "--base-url", metavar="URL", shown="$OPENAI_BASE_URL", config="base_url",
                           help="the OpenAI-compatible server the `llm` source asks, e.g. `http://localhost:11434/v1` "
                                "(neither set: OpenAI)")
    n_candidates: int = option(6, "-n", "--n-candidates", metavar="N", bound=POSITIVE, config="n_candidates",
                               help="candidates asked of the model, one request each")
    temperature: float = option(0.7, "--temperature", metavar="T", bound=Bound(0, high=2, high_open=False),
                                config="temperature", help="sampling temperature of the model's answers")
    llm_timeout: float = option(60.0, "--llm-timeout", metavar="S", bound=POSITIVE, config="timeout",
                                help="seconds to wait for one answer of the model")
    repair: bool = option(False, "--repair", help="send a rejected model candidate back once with its counterexample")
    jobs: int | None = option(None, "-j", "--jobs", metavar="N", shown="the cores", bound=POSITIVE,
                              help="candidates verified at once, each in its own child; 1 verifies them one after "
                                   "another (benchmarking always runs alone)")
    start_method: str = option("", "--start-method", metavar="METHOD", config="start_method",
                               shown="$JUPYTER_OPTIMIZE_START_METHOD, else fork on Linux and spawn elsewhere",
                               choices=("", "fork", "spawn"),
                               help="how candidates are isolated, `fork` or `spawn`: `fork` copies the kernel (Linux); "
                                    "`spawn` sends them to a fresh interpreter (macOS, Windows)")

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> Options:
        known = {spec.name: spec for spec in OPTION_SPECS}
        for name in kwargs:
            if name not in known:
                raise UsageProblem(
                    f"Unknown option {name!r}.{close_matches(name, known)} "
                    f"Options are: {', '.join(known)}."
                )
        if kwargs.get("quick"):
            kwargs = {**QUICK, **kwargs}  # what the user set explicitly wins
        options = cls(**{name: known[name].coerce(value) for name, value in kwargs.items()})
        options.validate()
        return options

    @property
    def parallel(self) -> int:
        """How many candidates are verified at once: --jobs, else the cores."""
        return self.jobs if self.jobs is not None else max(1, os.cpu_count() or 1)

    @property
    def child_timeout(self) -> float:
        """The most any one child may run: the user's --timeout, or the default."""
        return self.timeout if self.timeout is not None else DEFAULT_TIMEOUT

    def validate(self) -> None:
        for spec in OPTION_SPECS:
            spec.check(getattr(self, spec.name))


_KINDS: dict[str, type] = {"float": float, "int": int, "bool": bool, "str": str}


def _spec(declared_field: Field[Any]) -> OptionSpec:
    """The `OptionSpec` of a field declared with `option()`."""
    declared: _Declared = declared_field.metadata["option"]
    annotation = str(declared_field.type)  # a string: this module postpones annotations
    optional = annotation.endswith("| None")
    kind = _KINDS[annotation.split("|")[0].strip()]
    default = declared_field.default
    shown = declared.shown_default or ("off" if kind is bool else _number_text(default))
    return OptionSpec(declared_field.name, kind, optional, default, declared.flags, declared.metavar,
                      declared.help, shown, declared.config_name, declared.bound, declared.choices)


def _number_text(value: object) -> str:
    """1e-07 -> '1e-7', 3.0 -> '3': a default as a person writes it."""
    return f"{value:g}".replace("e-0", "e-") if isinstance(value, float) else str(value)


OPTION_SPECS: tuple[OptionSpec, ...] = tuple(_spec(f) for f in fields(Options))

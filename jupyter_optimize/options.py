"""The knobs of a run, validated up front with messages that echo the bad value."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from .errors import UsageProblem, close_matches


@dataclass(frozen=True)
class Options:
    rtol: float = 1e-7  # relative tolerance for floats (numpy.isclose semantics)
    atol: float = 1e-10  # absolute tolerance for floats
    exact: bool = False  # floats must be equal, no tolerance
    timeout: float | None = None  # seconds a child may run; None: adaptive, at most DEFAULT_TIMEOUT
    memory_limit_mb: int = 4096  # extra address space a child may take
    time_budget: float = 3.0  # seconds of benchmarking in total
    min_gain: float = 0.05  # the interval's lower bound must clear 1 + min_gain
    confidence: float = 0.95
    profile: bool = True
    seed: int = 0
    examples: int = 200  # generated inputs per candidate, after the live calls
    verify_budget: float = 1.5  # seconds of generated inputs per candidate
    scaling: bool = False  # also time original and best candidates on growing inputs
    quick: bool = False  # a first look: see QUICK
    # the "llm" source (any OpenAI-compatible endpoint)
    model: str = ""  # empty: $OPENAI_MODEL or the source's default
    base_url: str = ""  # empty: $OPENAI_BASE_URL or OpenAI
    n_candidates: int = 6
    temperature: float = 0.7
    llm_timeout: float = 60.0
    repair: bool = False

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> Options:
        known = {f.name: f for f in fields(cls)}
        for name in kwargs:
            if name not in known:
                raise UsageProblem(
                    f"Unknown option {name!r}.{close_matches(name, known)} "
                    f"Options are: {', '.join(known)}."
                )
        if kwargs.get("quick"):
            kwargs = {**QUICK, **kwargs}  # what the user set explicitly wins
        options = replace(cls(), **{k: _coerce(k, v, known[k].type) for k, v in kwargs.items()})
        options.validate()
        return options

    @property
    def child_timeout(self) -> float:
        """The most any one child may run: the user's --timeout, or the default."""
        return self.timeout if self.timeout is not None else DEFAULT_TIMEOUT

    def validate(self) -> None:
        for name in ("rtol", "atol", "min_gain", "examples"):
            if getattr(self, name) < 0:
                raise UsageProblem(f"{name} must be >= 0, got {getattr(self, name)!r}.")
        if self.timeout is not None and self.timeout <= 0:
            raise UsageProblem(f"timeout must be > 0, got {self.timeout!r}.")
        for name in ("time_budget", "memory_limit_mb", "n_candidates", "llm_timeout", "verify_budget"):
            if getattr(self, name) <= 0:
                raise UsageProblem(f"{name} must be > 0, got {getattr(self, name)!r}.")
        if not 0.5 <= self.confidence < 1:
            raise UsageProblem(f"confidence must be in [0.5, 1), got {self.confidence!r}.")


DEFAULT_TIMEOUT = 60.0
QUICK = {"examples": 50, "verify_budget": 0.5, "time_budget": 0.8}


def _coerce(name: str, value: Any, annotation: str) -> Any:
    if annotation.endswith("| None"):
        if value is None:
            return None
        annotation = annotation.split("|")[0].strip()
    kind = {"float": float, "int": int, "bool": bool, "str": str}[annotation]
    if kind is str:
        if not isinstance(value, str):
            raise UsageProblem(f"{name} must be a string, got {value!r}.")
        return value
    if kind is bool:
        if not isinstance(value, bool):
            raise UsageProblem(f"{name} must be True or False, got {value!r}.")
        return value
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise UsageProblem(f"{name} must be a number, got {value!r}.") from None

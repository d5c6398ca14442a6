"""Plain data passed between the stages: frozen dataclasses, no behaviour beyond views.

One part changes after a run, on purpose: `Report.choices`, the user's
Accept/Reject of each candidate, which the notebook viewer records with
`Report.record_choice` (and ``%optimize apply`` reads as `Report.accepted`).
The Report's fields are never reassigned; that one dict is filled in.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Verdict = Literal["faster", "not_faster", "incorrect", "failed", "unverifiable"]
VERDICTS: tuple[str, ...] = ("faster", "not_faster", "incorrect", "failed", "unverifiable")
VERIFIED: tuple[str, ...] = ("faster", "not_faster")  # behaves like the original: the verdicts Accept takes
# how far a counterexample's input is from the live calls (Counterexample.likeness; verify/edges.py decides)
LIKE, EDGE, LIVE = "like your data", "an edge beyond your data", "one of your own calls"


@dataclass(frozen=True)
class Call:
    """One set of arguments the target is called with."""

    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    origin: str = "live"  # "live" or "generated"

    @classmethod
    def coerce(cls, item: Any) -> Call:
        if isinstance(item, Call):
            return item
        args, kwargs = item
        return cls(tuple(args), dict(kwargs))


@dataclass(frozen=True)
class LineStat:
    lineno: int
    source: str
    hits: int
    time_s: float
    share: float  # of the function's total time, 0..1


@dataclass(frozen=True)
class LineProfile:
    function: str
    filename: str
    lines: tuple[LineStat, ...]
    total_s: float
    rounds: int  # how many times the live calls were replayed under the profiler
    note: str = ""

    def hottest(self, n: int = 3, min_share: float = 0.0) -> tuple[LineStat, ...]:
        """The *n* lines that took the most time, among those that took at least *min_share* of it."""
        timed = [line for line in self.lines if line.hits and line.share >= min_share]
        return tuple(sorted(timed, key=lambda line: line.time_s, reverse=True)[:n])


@dataclass(frozen=True)
class Candidate:
    """A rewrite to try: either source text or a ready function."""

    name: str
    origin: str  # "user", "rules", "numba", "llm", ...
    source: str | None = None
    func: Callable[..., Any] | None = None
    explanation: str = ""


@dataclass(frozen=True)
class Counterexample:
    """An input on which the candidate behaves differently from the original."""

    call: str  # e.g. "equalize(img=<uint8 array (128, 128)>, mask=...)"
    original: str  # what the original did
    candidate: str  # what the candidate did
    difference: str  # one line: how they differ
    origin: str = "live"  # "live" or "generated"
    inputs: Call | None = None  # the raw input, when it could be carried back
    # how far the input is from the user's data (verify/edges.py): "like your data",
    # "an edge beyond your data", "one of your own calls", or "" when not classified
    likeness: str = ""
    edges: tuple[str, ...] = ()  # each edge in words: "mask selects nothing (all False) where yours select 31%"
    suggestion: str = ""  # an --assume expression that would exclude this input (edges only), or ""

    def __repr__(self) -> str:
        lines = [
            f"Counterexample ({self.origin} input)",
            f"  input:     {self.call}",
            *([f"  how far:   {self.likeness}" + (f": {'; '.join(self.edges)}" if self.edges else "")]
              if self.likeness else []),
            f"  original:  {self.original}",
            f"  candidate: {self.candidate}",
            f"  why:       {self.difference}",
        ]
        if self.suggestion:
            lines.append(f'  exclude:   --assume "{self.suggestion}" (if such inputs never occur)')
        return "\n".join(lines)

    __str__ = __repr__


@dataclass(frozen=True)
class Check:
    """Outcome of verification of one candidate."""

    passed: bool
    inputs_tried: int  # live calls plus generated examples run
    counterexample: Counterexample | None = None
    notes: tuple[str, ...] = ()
    live_passed: int = 0
    generated_passed: int = 0  # distinct generated inputs (not equal to a live one) passed
    lines_reached: tuple[int, ...] = ()  # lines of the original the inputs executed
    lines_executable: tuple[int, ...] = ()

    @property
    def coverage(self) -> float | None:
        if not self.lines_executable:
            return None
        return len(set(self.lines_reached) & set(self.lines_executable)) / len(self.lines_executable)

    @property
    def lines_missed(self) -> tuple[int, ...]:
        return tuple(sorted(set(self.lines_executable) - set(self.lines_reached)))


@dataclass(frozen=True)
class Timing:
    """Raw benchmark samples (seconds per round of all calls) and their summary."""

    original: tuple[float, ...]
    candidate: tuple[float, ...]
    loops: int  # calls per timed sample for the candidate
    original_loops: int
    speedup: float
    ci: tuple[float, float]
    min_gain: float
    warnings: tuple[str, ...] = ()
    outpaced: bool = False  # its timing stopped, not faster yet, wholly below a candidate faster beyond doubt


@dataclass(frozen=True)
class CandidateResult:
    name: str
    origin: str
    source: str | None
    verdict: Verdict
    reason: str
    check: Check | None = None
    timing: Timing | None = None
    explanation: str = ""
    candidate: Candidate | None = field(default=None, repr=False, compare=False)  # to apply it
    peak_memory: int | None = None  # bytes allocated at the peak of one pass over the live calls

    @property
    def speedup(self) -> float | None:
        return self.timing.speedup if self.timing else None

    @property
    def speedup_ci(self) -> tuple[float, float] | None:
        return self.timing.ci if self.timing else None

    @property
    def counterexample(self) -> Counterexample | None:
        return self.check.counterexample if self.check else None


@dataclass(frozen=True)
class Home:
    """Where the optimized function lives, so Accept can rebind it there (plain data, no live objects).

    kind: "kernel" (a name in the notebook's namespace), "module" (an attribute of an imported module),
    "class" (a method: an attribute of its class) or "closure" (made inside another function: only the
    kernel names bound to it can be rebound).
    """

    kind: str
    expression: str  # the callee as the user wrote it: "cube", "geo.cube", "stats.variance"
    module: str = ""  # the function's __module__
    owner: str = ""  # the module attribute path or class qualname it is set on: "cube", "Stats"
    attribute: str = ""  # the name it is bound under there
    owner_expression: str = ""  # how a notebook cell reaches the owner: "geo", "Stats", "type(stats)"
    kernel_names: tuple[str, ...] = ()  # names in the kernel bound to the same function
    file: str = ""  # the file its code came from (module functions), and its lines
    lines: tuple[int, int] | None = None
    wrapper: str = ""  # "staticmethod" or "classmethod": how its class holds it, and rebinds it
    original: Any = field(default=None, compare=False, repr=False)  # the function itself, to rebuild a closure

    @property
    def rebindable(self) -> bool:
        """False for a closure no kernel name holds: nothing outside its maker can be changed."""
        return self.kind != "closure" or bool(self.kernel_names)


@dataclass(frozen=True)
class Report:
    function: str
    original_source: str | None
    calls: tuple[str, ...]  # short descriptions of the live calls
    profile: LineProfile | None
    results: tuple[CandidateResult, ...]
    options: Any
    stage_seconds: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    choices: dict[str, str] = field(default_factory=dict, compare=False)  # name -> "accepted" | "rejected"; mutable
    original_peak_memory: int | None = None
    scaling: Any = None  # scaling.Scaling when asked for (--scaling)
    sources: tuple[str, ...] = ()  # names of the candidate sources that ran
    assumptions: tuple[str, ...] = ()  # the domain in force (--assume): each expression, or a callable's name/source
    isolation: str = ""  # the backend the children ran in (sandbox.methods.DESCRIBED)
    home: Home | None = None  # where the function lives (set by the line magic); None = a kernel name

    @property
    def accepted(self) -> str | None:
        """The name of the candidate the user accepted, or None."""
        return next((name for name, choice in self.choices.items() if choice == "accepted"), None)

    def record_choice(self, name: str, choice: str) -> None:
        """Note the user's Accept or Reject of candidate *name* (the one change a Report takes)."""
        if choice not in ("accepted", "rejected"):
            raise ValueError(f"choice must be 'accepted' or 'rejected', got {choice!r}")
        result = self[name]  # KeyError for an unknown candidate
        if choice == "accepted" and result.verdict not in VERIFIED:
            raise ValueError(f"{name} is {result.verdict}: only a verified candidate (faster or not_faster) can be "
                             "accepted.")
        self.choices[name] = choice

    @property
    def best(self) -> CandidateResult | None:
        faster = [r for r in self.results if r.verdict == "faster"]
        return max(faster, key=lambda r: r.speedup or 0.0, default=None)

    def __getitem__(self, name: str) -> CandidateResult:
        for result in self.results:
            if result.name == name:
                return result
        raise KeyError(name)

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        from .render import html, text

        return {"text/plain": text.render(self), "text/html": html.render(self)}

    def __repr__(self) -> str:
        from .render import text

        return text.render(self)

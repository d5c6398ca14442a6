"""The rewrite context: one function's text, what is known about its names, and the names a rule may take."""
from __future__ import annotations

import ast
import builtins
import dataclasses
import functools
import types
from dataclasses import dataclass, field

from .kinds import Kind, Kinds, kind_of

PREFERRED_ALIASES = {"numpy": "np"}
_BUILTINS = frozenset(dir(builtins))


@dataclass
class Context:
    text: str
    kinds: dict[str, Kinds]  # name -> kinds seen (probe) or declared (facts)
    globals: dict[str, object]
    imports: dict[str, str] = field(default_factory=dict)  # alias -> module, wanted by the rule
    taken: set[str] = field(default_factory=set)
    declined: list[str] = field(default_factory=list)  # why the rule left places alone (for golden tests and notes)

    def __post_init__(self) -> None:
        self.lines = self.text.splitlines(keepends=True)
        self.taken |= set(self.globals) | _BUILTINS | _names_in(self.text)

    # -- what a name is ---------------------------------------------------

    def kind(self, name: str) -> Kind | None:
        """The one kind *name* always had, or None (unknown, or it varied); frames and Series whose
        dtypes varied count as one kind (with no schema: `schemas` has those)."""
        seen = self.kinds_of(name)
        if len(seen) > 1:
            seen = frozenset(dataclasses.replace(k, schema=()) for k in seen)
        return next(iter(seen)) if len(seen) == 1 else None

    def schemas(self, name: str) -> list[tuple[tuple[str, str], ...]]:
        """The dtypes *name* was seen with (a frame's or Series', see `kinds.Kind.schema`), in a fixed order;
        [] when some sighting has none (not pandas, or a frame too wide or with labels no literal writes)."""
        seen = self.kinds_of(name)
        if not seen or any(not k.schema for k in seen):
            return []
        return sorted({k.schema for k in seen})

    def kinds_of(self, name: str) -> Kinds:
        seen = self.kinds.get(name)
        if seen is None and name in self.globals:
            return frozenset({kind_of(self.globals[name])})
        return seen or frozenset()

    def array_ndim(self, name: str) -> int | None:
        """ndim when *name* was always a numpy array of one ndim."""
        seen = self.kinds_of(name)
        dims = {k.ndim for k in seen if k.type == "ndarray"}
        return dims.pop() if seen and len(dims) == 1 and all(k.type == "ndarray" for k in seen) else None

    # -- what the rule may write -------------------------------------------

    def module(self, module: str) -> str:
        """The name to write for *module*: its alias in the globals, or one to import."""
        for alias, value in self.globals.items():
            if isinstance(value, types.ModuleType) and value.__name__ == module and alias not in self.kinds:
                return alias
        preferred = PREFERRED_ALIASES.get(module, module.split(".")[-1])
        for alias, wanted in self.imports.items():
            if wanted == module:
                return alias
        alias = preferred if preferred not in self.taken else self.fresh(preferred)
        self.taken.add(alias)
        self.imports[alias] = module
        return alias

    def fresh(self, base: str) -> str:
        """A name not used anywhere in the function or its globals."""
        base = "".join(c if c.isalnum() or c == "_" else "_" for c in base).strip("_") or "tmp"
        name, n = base, 2
        while name in self.taken:
            name, n = f"{base}{n}", n + 1
        self.taken.add(name)
        return name


@functools.lru_cache(maxsize=64)
def _names_in(text: str) -> frozenset[str]:
    """Every name the text uses or defines; each version of a function is parsed once however many rules
    try it (the combinations try each rule on each version: about half the rules' time went here)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return frozenset()
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            out.add(node.id)
        elif isinstance(node, ast.arg):
            out.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out.add(node.name)
    return frozenset(out)

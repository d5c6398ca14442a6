"""From a model's replies to candidates, counting what was dropped and why.

Code comes from fenced blocks (a reply that is nothing but code is taken
whole). It must parse and define the target's name with a compatible
signature, checked on a stub built from the parsed parameters: nothing a
model wrote is executed here. Duplicates (same AST, docstrings aside) and
copies of the original are dropped. Pure functions, no network.
"""
from __future__ import annotations

import ast
import copy
import re
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ...model import Candidate
from ..candidates import incompatibility

_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+.-]*)[^\n]*\n(?P<body>.*?)(?:^[ \t]*(?P=fence)[ \t]*$|\Z)",
                    re.MULTILINE | re.DOTALL)
_THINKING = re.compile(r"<(think|thinking|reasoning)>.*?(</\1>|\Z)", re.DOTALL | re.IGNORECASE)
_PYTHON = {"", "python", "py", "python3", "ipython"}
MAX_EXPLANATION = 400

# why a reply gave no candidate, in the words of the Report note
NO_CODE = "without code"
SYNTAX_ERROR = "with a syntax error"
DUPLICATE = "duplicate"
COPY = "copy of the original"
INCOMPATIBLE = "with a different signature"


def missing_function(name: str) -> str:
    return f"not defining {name}"


@dataclass(frozen=True)
class Extracted:
    """The code taken from one reply, or why there is none."""

    source: str = ""
    explanation: str = ""
    dropped: str = ""  # a reason above when there is no usable code


@dataclass
class Collected:
    candidates: list[Candidate] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)


# -- one reply ------------------------------------------------------------------

def extract(reply: str | None, original: Callable[..., Any]) -> Extracted:
    """The code in *reply* that could stand in for *original*."""
    text = _THINKING.sub("", reply or "")
    blocks = code_blocks(text)
    if not blocks:
        return Extracted(dropped=NO_CODE)
    parsed = [(body, _parse(body)) for body, _span in blocks]
    if all(tree is None for _, tree in parsed):
        return Extracted(dropped=SYNTAX_ERROR)
    name = original.__name__
    defining = [(i, body, tree, target) for i, (body, tree) in enumerate(parsed)
                if tree and (target := _target(tree, name))]
    if not defining:
        return Extracted(dropped=missing_function(name))
    index, body, tree, target = defining[-1]  # a reply may quote the original first
    problem = signature_problem(target, original)
    if problem:
        return Extracted(dropped=INCOMPATIBLE)
    return Extracted(without_calls(body, tree, name), explanation_of(text, blocks[index][1]))


def code_blocks(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Python fenced blocks of *text* (body, span); the whole text if it is just code."""
    found = [(textwrap.dedent(m.group("body")), m.span()) for m in _FENCE.finditer(text)
             if m.group("lang").lower() in _PYTHON]
    if found or "```" in text or "~~~" in text:
        return found
    bare = textwrap.dedent(text).strip()
    tree = _parse(bare) if bare else None
    if tree is not None and any(isinstance(node, ast.FunctionDef) for node in tree.body):
        return [(bare, (0, len(text)))]
    return []


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def _target(tree: ast.Module, name: str) -> ast.FunctionDef | None:
    found = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    return found[-1] if found else None


def signature_problem(definition: ast.FunctionDef, original: Callable[..., Any]) -> str | None:
    """`incompatibility` on a stub with the same parameters: defaults and annotations blanked, no body run."""
    stub = copy.deepcopy(definition)
    stub.body, stub.decorator_list, stub.returns = [ast.Pass()], [], None
    args = stub.args
    args.defaults = [ast.Constant(None) for _ in args.defaults]
    args.kw_defaults = [None if d is None else ast.Constant(None) for d in args.kw_defaults]
    for arg in args.posonlyargs + args.args + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]:
        arg.annotation = None
    namespace: dict[str, Any] = {}
    exec(compile(ast.fix_missing_locations(ast.Module([stub], [])), "<signature>", "exec"), namespace)
    return incompatibility(original, namespace[definition.name])


def without_calls(source: str, tree: ast.Module, name: str) -> str:
    """*source* without top-level demo code (calls of the target, bare expressions, `if __name__` blocks)."""
    drop = [node for node in tree.body if _is_demo(node, name)]
    if not drop:
        return source.strip("\n") + "\n"
    lines = source.splitlines(keepends=True)
    gone = {i for node in drop for i in range(node.lineno - 1, node.end_lineno or node.lineno)}
    return "".join(line for i, line in enumerate(lines) if i not in gone).strip("\n") + "\n"


def _is_demo(node: ast.stmt, name: str) -> bool:
    if isinstance(node, ast.If) and "__name__" in ast.unparse(node.test):
        return True
    if isinstance(node, ast.Expr):
        return not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str))
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name
                   for n in ast.walk(node))
    return False


def explanation_of(text: str, span: tuple[int, int]) -> str:
    """One or two sentences from the prose after the chosen block (or before it)."""
    after, before = text[span[1]:], text[: span[0]]
    prose = _prose(after) or _prose(before)
    sentences = re.split(r"(?<=[.!?])\s+", prose)
    short = " ".join(sentences[:2])
    return short if len(short) <= MAX_EXPLANATION else short[: MAX_EXPLANATION - 3].rstrip() + "..."


def _prose(text: str) -> str:
    text = _FENCE.sub(" ", text)
    text = re.sub(r"^\s*(#+|[-*]|\d+\.)\s+", "", text, flags=re.MULTILINE)  # headings, list marks
    text = re.sub(r"(\*\*|__|`)", "", text)
    text = re.sub(r"^\s*(explanation|why it is faster|changes?)\s*:\s*", "", text.strip(), flags=re.IGNORECASE)
    return " ".join(text.split())


# -- all replies of a run ---------------------------------------------------------

def normalized(source: str) -> str | None:
    """The AST without docstrings, as text: equal for code that differs only in layout and comments."""
    tree = _parse(textwrap.dedent(source))
    if tree is None:
        return None
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and body
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree)


def collect(replies: Iterable[str | None], original: Callable[..., Any], original_source: str | None,
            first_number: int = 1) -> Collected:
    """Candidates "llm-1", "llm-2", ... from *replies*, in order; the rest counted in `dropped`."""
    out, seen = Collected(), set[str | None]()
    original_key = _target_key(original_source or "", original.__name__)
    for reply in replies:
        found = extract(reply, original)
        reason = found.dropped or _repeat(found.source, original.__name__, original_key, seen)
        if reason:
            out.dropped[reason] += 1
            continue
        seen.add(normalized(found.source))
        number = first_number + len(out.candidates)
        out.candidates.append(Candidate(f"llm-{number}", "llm", found.source, None, found.explanation))
    return out


def _repeat(source: str, name: str, original_key: str | None, seen: set[str | None]) -> str:
    if original_key is not None and _target_key(source, name) == original_key and _defines_only(source, name):
        return COPY
    return DUPLICATE if normalized(source) in seen else ""


def _target_key(source: str, name: str) -> str | None:
    tree = _parse(textwrap.dedent(source))
    target = _target(tree, name) if tree else None
    return normalized(ast.unparse(target)) if target else None


def _defines_only(source: str, name: str) -> bool:
    """True when the only function or class the code defines is the target."""
    tree = _parse(source)
    if tree is None:
        return False
    defs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    return [d.name for d in defs] == [name]


def summary(responses: int, collected: Collected) -> str:
    """'6 responses: 4 candidates, 1 without code, 1 duplicate'."""
    parts = [_counted(len(collected.candidates), "candidate")]
    parts += [_counted(collected.dropped[reason], reason) for reason in sorted(collected.dropped, key=_rank)]
    return f"{_counted(responses, 'response')}: {', '.join(parts)}"


_PLURALS = {"candidate": "candidates", "response": "responses", "request": "requests",
            DUPLICATE: "duplicates", COPY: "copies of the original"}


def _rank(reason: str) -> int:
    """Reasons in the order a reply is checked (the note reads the same on every run)."""
    order = [NO_CODE, SYNTAX_ERROR, "not defining", INCOMPATIBLE, DUPLICATE, COPY]
    return next((i for i, known in enumerate(order) if reason.startswith(known)), len(order))


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun if count == 1 else _PLURALS.get(noun, noun)}"

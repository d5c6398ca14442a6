"""The package's shape stays true by itself: no two modules import each other.

The graph holds every import a module makes, at its top or inside a
function, resolved to the module it names (``from . import x`` counts as an
import of the submodule ``x`` when there is one). The one cycle allowed is
the Report's lazy render import (`Report._repr_mimebundle_` and
`Report.__repr__` format themselves with `render/`).
"""
from __future__ import annotations

import ast
import functools
from pathlib import Path

import jupyter_optimize

PACKAGE_DIR = Path(jupyter_optimize.__file__).parent
ALLOWED_LAZY = {("jupyter_optimize.model", "jupyter_optimize.render.text"),
                ("jupyter_optimize.model", "jupyter_optimize.render.html")}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE_DIR.rglob("*.py")}


def imports_of(name: str) -> set[str]:
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(package, node.level, node.module)
            for alias in node.names:  # a submodule when there is one, else a name in *base*
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
    return {m for m in found if m in MODULES and m != name}


def _runtime_nodes(tree: ast.Module) -> list[ast.AST]:
    """Every node but those under `if TYPE_CHECKING:` (imports for annotations only)."""
    skipped = {id(n) for block in ast.walk(tree) if _is_type_checking(block) for n in ast.walk(block)}
    return [n for n in ast.walk(tree) if id(n) not in skipped]


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _resolve(package: str, level: int, module: str | None) -> str:
    if level == 0:
        return module or ""
    parts = package.split(".")
    base = parts[: len(parts) - (level - 1)]
    return ".".join(base + ([module] if module else []))


@functools.cache
def _edges() -> dict[str, frozenset[str]]:
    return {name: frozenset(imports_of(name)) for name in MODULES}


def graph() -> dict[str, set[str]]:
    edges = {name: set(found) for name, found in _edges().items()}
    for importer, imported in ALLOWED_LAZY:
        edges[importer].discard(imported)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_two_modules_import_each_other():
    assert cycles(graph()) == []


def test_the_cycle_finder_sees_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_folders_read_as_the_flow():
    stages = {p.name for p in PACKAGE_DIR.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert {"study", "verify", "sandbox", "measure", "sources", "render", "notebook"} <= stages


def test_stages_never_import_the_notebook_adapter():
    """Only the package's face (`load_ipython_extension`) reaches into notebook/."""
    edges = graph()
    core = [name for name in MODULES if not name.startswith("jupyter_optimize.notebook") and name != "jupyter_optimize"]
    leaks = {name: sorted(m for m in edges[name] if m.startswith("jupyter_optimize.notebook")) for name in core}
    assert {name: found for name, found in leaks.items() if found} == {}

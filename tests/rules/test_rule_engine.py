"""The rules package's shape and the small engine pieces the families share."""
from __future__ import annotations

import ast
from pathlib import Path

from jupyter_optimize.sources.rules.engine.loops import inside, outermost_loops

RULES_DIR = Path(__file__).parents[2] / "jupyter_optimize" / "sources" / "rules"


def relative_imports(path: Path) -> set[str]:
    """The modules *path* imports relatively, as written (``..engine.build``, ``.kinds``)."""
    tree = ast.parse(path.read_text())
    return {"." * n.level + (n.module or "") for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level}


def test_the_engine_never_imports_a_family():
    for path in (RULES_DIR / "engine").glob("*.py"):
        assert not any("famil" in module for module in relative_imports(path)), path.name


def test_each_family_depends_on_the_engine_only():
    for path in (RULES_DIR / "families").glob("*.py"):
        assert all(module.startswith("..engine") for module in relative_imports(path)), path.name


def test_inside_follows_the_tree_not_the_line():
    fn = ast.parse("def f(a):\n    b = [x for x in a] + [x]\n").body[0]
    comprehension = next(n for n in ast.walk(fn) if isinstance(n, ast.ListComp))
    after = next(n for n in ast.walk(fn) if isinstance(n, ast.List)).elts[0]  # the x of `+ [x]`, on the same line
    assert inside(comprehension.elt, comprehension) and not inside(after, comprehension)


def test_outermost_loops_skip_the_nested_ones():
    fn = ast.parse("def f(n):\n    for i in range(n):\n        for j in range(n):\n            pass\n"
                   "    while n:\n        n -= 1\n").body[0]
    assert isinstance(fn, ast.FunctionDef)
    assert [type(loop).__name__ for loop in outermost_loops(fn)] == ["For", "While"]


def test_bind_repeats_names_what_runs_twice_and_leaves_lazy_code_alone():
    from jupyter_optimize.sources.rules.engine.bind import bind_repeats
    from jupyter_optimize.sources.rules.engine.context import Context

    code = ("out.extend(np.where(df['a'] * df['b'] > 1, df['a'] * df['b'], 0).tolist())\n"
            "y = f(df['c']) if ok else f(df['c'])\n"
            "total = seen[-1] + seen[-1]\n"
            "seen.append(1)\n")
    ctx = Context(code, {}, {})
    got = "\n".join(ast.unparse(s) for s in bind_repeats(ctx, ast.parse(code).body))
    assert got.splitlines() == [
        "values = df['a'] * df['b']",
        "out.extend(np.where(values > 1, values, 0).tolist())",
        "y = f(df['c']) if ok else f(df['c'])",  # only one branch runs: nothing is computed ahead
        "total = seen[-1] + seen[-1]",  # seen changes in these statements: not read ahead
        "seen.append(1)",
    ]

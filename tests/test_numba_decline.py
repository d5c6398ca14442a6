"""Where numba cannot help it is not tried (a one-line note), and its shown code runs as it was verified.

Only the numba source itself runs here (no children, no timing): each case compiles at most one small
function, so these stay in the fast suite.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from existing_code import SMOOTH

from jupyter_optimize.model import Call
from jupyter_optimize.options import Options
from jupyter_optimize.sources import numba as numba_source
from jupyter_optimize.sources.candidates import register_source
from jupyter_optimize.sources.protocol import SourceRequest

pytest.importorskip("numba")


SQUARES = '''
def squares(n):
    out = {}
    for i in range(n):
        out[i] = i * i
    return out
'''


def define(source: str, namespace: dict):
    name = source.split("def ", 1)[1].split("(", 1)[0]
    exec(compile(source, register_source(source, name), "exec"), namespace)
    return namespace[name]


def found_for(func, *args, source: str | None = None):
    return numba_source.source(SourceRequest(func, source, (Call(args),), None, Options()))


def count_words(words):
    counts = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    return counts


def nested_total(rows):
    total = 0
    for row in rows:
        for v in row:
            total += v
    return total


def total_of(records):
    return sum(r["a"] for r in records)


def column_sum(frame):
    return frame["a"].sum()


@pytest.mark.parametrize("func, argument, said", [
    (count_words, ["a", "b", "a"], "argument 'words' is a list of str: a Python container of unicode_type"),
    (nested_total, [[1, 2], [3]], "argument 'rows' is a list of list: a Python container of reflected list"),
    (total_of, [{"a": 1}, {"a": 2}], "argument 'records' is a list of dict, which numba cannot type"),
    (column_sum, pd.DataFrame({"a": [1, 2]}), "argument 'frame' is a DataFrame, which numba cannot type"),
])
def test_arguments_numba_cannot_help_with_are_a_note_and_no_candidate(func, argument, said):
    found = found_for(func, argument)
    assert found.candidates == []
    (note,) = found.notes
    assert note.startswith(f"numba: not tried for {func.__name__}: {said}") and "\n" not in note


def test_a_dict_result_is_not_tried():
    squares = define(SQUARES, {})
    found = found_for(squares, 10, source=SQUARES)
    assert found.candidates == []
    assert found.notes == ["numba: not tried for squares: it returns a dict, which numba would return as a typed "
                           "Dict that never equals the original's Python dict"]


@pytest.mark.slow  # compiles a typed Dict (seconds)
def test_a_typed_container_result_the_source_does_not_show_is_caught_after_compiling():
    code = "def pairs(n):\n    return make(n)\n"
    inner = define("def make(n):\n    out = {}\n    for i in range(n):\n        out[i] = i\n    return out\n", {})
    import numba

    pairs = define(code, {"make": numba.njit(inner)})
    found = found_for(pairs, 3, source=code)
    assert found.candidates == [] and "compiled, it returns a numba typed Dict" in found.notes[0]


def test_the_shown_code_runs_under_the_modules_own_import_names_and_checks_bounds():
    smooth = define(SMOOTH, {"np": np})
    x = np.linspace(0, 1, 20)
    (candidate,) = found_for(smooth, x, source=SMOOTH).candidates
    assert "@numba.njit(boundscheck=True)" in candidate.source  # what was verified
    assert "def smooth(x: np.ndarray, alpha: float=0.5) -> np.ndarray:" in candidate.source
    assert "numpy.ndarray" not in candidate.source
    namespace = {"np": np}  # a notebook that did `import numpy as np`, and no `numpy`
    exec(candidate.source, namespace)
    np.testing.assert_allclose(namespace["smooth"](x), smooth(x))
    with pytest.raises(IndexError):  # bounds checked, as in the verified dispatcher
        namespace["_smooth_nopython"](np.array([]))


def test_a_frame_argument_is_declined_before_numba_is_imported():
    import subprocess
    import sys

    script = ("import sys, pandas as pd\n"
              "from jupyter_optimize.model import Call\n"
              "from jupyter_optimize.options import Options\n"
              "from jupyter_optimize.sources import numba as numba_source\n"
              "from jupyter_optimize.sources.protocol import SourceRequest\n"
              "def column_sum(frame):\n    return frame['a'].sum()\n"
              "found = numba_source.source(SourceRequest(column_sum, None, (Call((pd.DataFrame({'a': [1]}),)),),"
              " None, Options()))\n"
              "print(found.notes, 'numba' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ("[\"numba: not tried for column_sum: argument 'frame' is a DataFrame, which numba "
                           "cannot type\"] False")

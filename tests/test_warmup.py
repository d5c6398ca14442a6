"""The first run in a kernel: what it would pay is prepared in the background at %load_ext (issue 18)."""
from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # a fresh interpreter

PROBE = """\
import sys
from IPython.testing.globalipapp import start_ipython
shell = start_ipython()
before = {"numba" in sys.modules, "jupyter_optimize.sources.rules.catalogue" in sys.modules}
shell.run_line_magic("load_ext", "jupyter_optimize")
from jupyter_optimize import warmup
warmup.wait()
print(before, "numba" in sys.modules, "jupyter_optimize.sources.rules.catalogue" in sys.modules)
"""


def test_load_ext_prepares_the_offline_sources_and_numba_in_the_background():
    pytest.importorskip("numba")
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["{False}", "True", "True"]


HELD = """\
import sys, time
from IPython.testing.globalipapp import start_ipython
shell = start_ipython()
shell.run_line_magic("load_ext", "jupyter_optimize")
from jupyter_optimize import warmup
warmup.hold()  # as a run does before its first child: the step under way ends, no other starts
time.sleep(3)  # the rest of the warm-up (numba's import and compile among it) takes about a second
held = "numba" in sys.modules
warmup.release()
warmup.wait()
print(held, "numba" in sys.modules)
"""


def test_a_run_holds_the_warm_up_between_two_steps_and_it_goes_on_after():
    pytest.importorskip("numba")
    out = subprocess.run([sys.executable, "-c", HELD], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]

"""The core stays free of IPython, ipywidgets and openai, and imports the data libraries
(pandas, scipy, polars, torch) only for a value that is one of their objects."""
import json
import subprocess
import sys

import pytest

MUST_NOT_LOAD = ("IPython", "ipywidgets", "openai", "pandas", "scipy", "polars", "torch")
PROBE = """
import json, sys
import jupyter_optimize
from jupyter_optimize import demo, optimize
report = optimize(demo.define(), demo.live_calls(32), candidates=[demo.VECTORIZED], time_budget=0.3)
report._repr_mimebundle_()
print(json.dumps({"verdict": report.results[0].verdict,
                  "loaded": sorted(m for m in sys.modules if "." not in m)}))
"""


@pytest.mark.slow
def test_core_and_renderers_import_no_ipython_widgets_openai_or_data_libraries():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["verdict"] in ("faster", "not_faster")
    assert sorted(set(MUST_NOT_LOAD) & set(result["loaded"])) == []

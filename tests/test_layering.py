"""The core stays free of IPython, ipywidgets and openai."""
import json
import subprocess
import sys

import pytest

PROBE = """
import json, sys
import jupyter_optimize
from jupyter_optimize import demo, optimize
report = optimize(demo.define(), demo.live_calls(32), candidates=[demo.VECTORIZED], time_budget=0.3)
report._repr_mimebundle_()
print(json.dumps({"verdict": report.results[0].verdict,
                  "loaded": sorted(m for m in ("IPython", "ipywidgets", "openai") if m in sys.modules)}))
"""


@pytest.mark.slow
def test_core_and_renderers_import_no_ipython_widgets_or_openai():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["verdict"] in ("faster", "not_faster")
    assert result["loaded"] == []

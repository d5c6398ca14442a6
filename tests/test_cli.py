import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # full runs of the pipeline: forked children, timing


def test_demo_prints_verdicts_and_writes_html(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "jupyter_optimize", "demo", "--size", "64", "--time-budget", "1",
         "--html", str(tmp_path / "r.html"), "--scaling"],
        capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    rows = {line.split()[0]: line.split()[2] for line in out.stdout.splitlines()
            if line.startswith(("vectorized ", "argmax ")) and " user " in line}
    assert rows == {"vectorized": "faster", "argmax": "incorrect"}
    assert str(tmp_path / "r.html") in out.stdout
    page = (tmp_path / "r.html").read_text()
    assert "argmax(hist &gt; 0)" in page  # the diff
    assert page.count("data:image/png;base64,") == 2  # the runtime plot and the scaling plot
    assert "Scaling with input size (n = elements of img, the largest argument): original ~n^" in out.stdout


def test_bad_command_line_is_one_line():
    out = subprocess.run([sys.executable, "-m", "jupyter_optimize", "demo", "--size", "x"],
                         capture_output=True, text=True)
    assert out.returncode == 2 and "invalid int value" in out.stderr and "Traceback" not in out.stderr

"""The spawn backend (issue 15): a fresh interpreter, reused, with every guarantee of fork.

These run on Linux by selecting spawn explicitly; `.ci/run` also runs the
sandbox, containment, pipeline and magic tests a second time with
JUPYTER_OPTIMIZE_START_METHOD=spawn.
"""
from __future__ import annotations

import os
import threading
import time

import numpy as np
import pytest

from jupyter_optimize import OptimizeError, optimize
from jupyter_optimize.errors import UsageProblem
from jupyter_optimize.sandbox import methods, run_isolated, spawn

SPAWN = dict(timeout=30, memory_limit_mb=512, start_method="spawn")
QUICK = dict(examples=5, verify_budget=0.3, time_budget=0.3)


def _pid(result):
    assert result.ok, result.error
    return result.value


def test_the_worker_is_started_once_and_reused_across_jobs():
    first = _pid(run_isolated(os.getpid, **SPAWN))
    assert first != os.getpid()
    assert _pid(run_isolated(os.getpid, **SPAWN)) == first == spawn.current_pid()


def test_a_notebook_function_and_a_closure_are_sent_by_value():
    offset = np.arange(3)

    def shifted(x):  # a closure over a local array, like a function defined in a cell
        return x + offset

    result = run_isolated(lambda: shifted(np.ones(3)).tolist(), **SPAWN)
    assert result.ok and result.value == [1.0, 2.0, 3.0]


NOTEBOOK_CLASS = """\
from dataclasses import dataclass

@dataclass
class Point:
    x: float
    y: float

def norms(points):
    out = []
    for p in points:
        out.append(Point(abs(p.x), abs(p.y)))
    return out
"""


def test_a_class_defined_in_the_notebook_travels_both_ways(monkeypatch):
    """Its instances go to the worker by value and come back (results, counterexamples) by name."""
    import sys

    cell = {"__name__": "__main__"}
    exec(compile(NOTEBOOK_CLASS, "<cell>", "exec"), cell)  # as a notebook cell defines it: in __main__
    monkeypatch.setattr(sys.modules["__main__"], "Point", cell["Point"], raising=False)
    wrong = "def norms(points):\n    return [Point(p.x, abs(p.y)) for p in points]\n"
    report = optimize(cell["norms"], [(([cell["Point"](1.0, -2.0)],), {})], candidates=[wrong],
                      start_method="spawn", **QUICK)
    cx = report.results[0].counterexample
    assert report.results[0].verdict == "incorrect"
    assert cx.inputs is not None and type(cx.inputs.args[0][0]) is cell["Point"]  # the kernel's own class
    assert cx.likeness  # classified against the live call, as under fork


def test_a_crash_replaces_the_worker_and_the_next_job_runs():
    before = _pid(run_isolated(os.getpid, **SPAWN))
    crashed = run_isolated(lambda: os._exit(3), **SPAWN)
    assert "exit code 3" in crashed.error
    after = _pid(run_isolated(os.getpid, **SPAWN))
    assert after != before


def test_a_timeout_kills_the_worker_and_says_so():
    before = _pid(run_isolated(os.getpid, **SPAWN))
    started = time.monotonic()
    result = run_isolated(lambda: time.sleep(60), timeout=1, memory_limit_mb=512, start_method="spawn")
    assert result.timed_out and result.error == "timed out after 1 s"
    assert time.monotonic() - started < 10
    with pytest.raises(ProcessLookupError):
        os.kill(before, 0)


def test_memory_past_the_cap_is_stopped():
    result = run_isolated(lambda: bytearray(2**33), **SPAWN)
    assert not result.ok and "out of memory (limit 512 MB)" in result.error


def test_where_the_os_has_no_address_limit_the_kernel_watches_resident_memory(monkeypatch):
    spawn.stop()
    monkeypatch.setattr(spawn, "ADDRESS_LIMIT", False)

    def grow():
        hoard = []
        while True:
            hoard.append(np.ones(2**24))  # 128 MB each, touched

    result = run_isolated(grow, timeout=60, memory_limit_mb=300, start_method="spawn")
    assert not result.ok and result.error == "ran out of memory (limit 300 MB; stopped past it)"
    spawn.stop()


def test_a_job_that_rebinds_a_library_function_does_not_reach_the_next_job():
    def patch():
        np.sum = lambda *a, **k: "patched"
        return np.sum([1, 2])

    assert run_isolated(patch, **SPAWN).value == "patched"
    assert run_isolated(lambda: int(np.sum([1, 2])), **SPAWN).value == 3


def test_a_thread_left_running_does_not_reach_the_next_job():
    pid = _pid(run_isolated(lambda: threading.Thread(target=time.sleep, args=(30,), daemon=True).start() or os.getpid(),
                            **SPAWN))
    assert _pid(run_isolated(os.getpid, **SPAWN)) != pid


def test_the_worker_ends_with_the_kernel(tmp_path):
    """A kernel killed outright (no atexit) leaves no worker: the worker sees its parent go."""
    import subprocess
    import sys

    script = ("import os, sys; from jupyter_optimize.sandbox import run_isolated\n"
              "print(run_isolated(os.getpid, timeout=30, memory_limit_mb=256, start_method='spawn').value, flush=True)\n"
              "import time; time.sleep(60)\n")
    kernel = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    worker = int(kernel.stdout.readline())
    os.kill(worker, 0)  # running
    kernel.kill()
    kernel.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the worker outlived its kernel")


@pytest.mark.parametrize("make, kind", [
    (lambda tmp: open(tmp / "log.txt", "w"), "an open file, _io.TextIOWrapper"),  # noqa: SIM115
    (lambda tmp: (line for line in ["a"]), "a generator"),
    (lambda tmp: threading.Lock(), "a lock, _thread.lock"),
    (lambda tmp: __import__("sqlite3").connect(str(tmp / "db.sqlite")), "a connection, sqlite3.Connection"),
])
def test_an_unsendable_argument_is_one_line_that_names_it_and_its_type(tmp_path, make, kind):
    def consume(f, lines):
        return len(lines)

    value = make(tmp_path)
    with pytest.raises(OptimizeError) as caught:
        optimize(consume, [((value, ["a"]), {})], candidates=[consume], start_method="spawn", sources=())
    message = str(caught.value)
    assert "\n" not in message and f"`f` of the live call ({kind}" in message


_LOG = None  # a module global the next test rebinds to a lock


def test_an_unsendable_global_of_the_original_is_named():
    def count(xs):
        return len(xs) + (_LOG is None)

    globals()["_LOG"] = threading.RLock()
    try:
        with pytest.raises(OptimizeError, match=r"the global `_LOG` \(a lock"):
            optimize(count, [(([1],), {})], candidates=[count], start_method="spawn", sources=())
        forked = optimize(count, [(([1],), {})], candidates=[count], start_method="fork", sources=(), **QUICK)
        assert forked.results[0].verdict in ("faster", "not_faster")  # under fork the same global works
    finally:
        globals()["_LOG"] = None


def test_an_unsendable_global_of_a_candidate_fails_that_candidate_only(tmp_path):
    def total(xs):
        return sum(xs)

    globals()["_LOCK_FOR_TEST"] = threading.Lock()
    try:
        uses_lock = "def total(xs):\n    with _LOCK_FOR_TEST:\n        return sum(xs)\n"
        report = optimize(total, [(([1, 2, 3],), {})], candidates=[uses_lock, "def total(xs):\n    return sum(xs)\n"],
                          start_method="spawn", examples=5, verify_budget=0.3, time_budget=0.3)
    finally:
        del globals()["_LOCK_FOR_TEST"]
    failed, fine = report.results
    assert failed.verdict == "failed" and "`_LOCK_FOR_TEST`" in failed.reason and "a lock" in failed.reason
    assert fine.verdict in ("faster", "not_faster")


def test_a_candidate_reads_a_global_the_original_does_not_use():
    def double(xs):
        return [2 * x for x in xs]

    report = optimize(double, [(([1, 2, 3],), {})], candidates=["def double(xs):\n    return list(np.multiply(xs, 2))\n"],
                      start_method="spawn", examples=5, verify_budget=0.3, time_budget=0.3)
    result = report.results[0]
    assert result.verdict != "failed", result.reason


def test_a_bad_start_method_is_one_line(monkeypatch):
    with pytest.raises(UsageProblem, match="start_method must be 'fork' or 'spawn', got 'vfork'"):
        optimize(lambda x: x, [((1,), {})], start_method="vfork")
    monkeypatch.setenv(methods.ENVIRONMENT, "thread")
    with pytest.raises(UsageProblem, match=r"\$JUPYTER_OPTIMIZE_START_METHOD must be 'fork' or 'spawn'"):
        methods.chosen()


def test_the_platform_decides_the_default(monkeypatch):
    monkeypatch.delenv(methods.ENVIRONMENT, raising=False)
    monkeypatch.setattr(methods.sys, "platform", "darwin")
    assert methods.chosen() == "spawn"
    monkeypatch.setattr(methods.sys, "platform", "win32")
    assert methods.chosen() == "spawn"
    monkeypatch.setattr(methods.sys, "platform", "linux")
    assert methods.chosen() == "fork"
    monkeypatch.setenv(methods.ENVIRONMENT, "spawn")
    assert methods.chosen() == "spawn" and methods.chosen("fork") == "fork"

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
from processes import children

from jupyter_optimize import OptimizeError, optimize
from jupyter_optimize.errors import UsageProblem
from jupyter_optimize.sandbox import methods, run_isolated, spawn

pytestmark = pytest.mark.slow  # each test starts fresh interpreters

SPAWN = dict(timeout=30, memory_limit_mb=512, start_method="spawn")
QUICK = dict(examples=5, verify_budget=0.3, time_budget=0.3)


def _pid(result):
    assert result.ok, result.error
    return result.value


def test_each_job_runs_in_a_fresh_worker_started_before_it_was_needed():
    first = _pid(run_isolated(os.getpid, **SPAWN))
    assert first != os.getpid()
    spares = spawn.worker_pids()
    assert len(spares) == spawn.SPARES  # started in advance, while the kernel went on
    second = _pid(run_isolated(os.getpid, **SPAWN))
    assert second != first and second in spares


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


def test_a_crash_is_reported_and_the_next_job_runs():
    crashed = run_isolated(lambda: os._exit(3), **SPAWN)
    assert "exit code 3" in crashed.error
    assert run_isolated(lambda: 6 * 7, **SPAWN).value == 42


def test_a_timeout_kills_the_worker_and_says_so():
    before = children()  # other tests' kernels and servers
    started = time.monotonic()
    result = run_isolated(lambda: time.sleep(60), timeout=1, memory_limit_mb=512, start_method="spawn")
    assert result.timed_out and result.error == "timed out after 1 s"
    assert time.monotonic() - started < 10
    assert children() - before <= spawn.worker_pids()  # only the spares, waiting for the next job


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


LEAVES_BEHIND = [  # what a candidate can leave in its interpreter, and how the next job would see it
    ("np.sum = lambda *a, **k: 'patched'", "int(np.sum([1, 2]))", 3),
    ("np.seterr(all='raise')", "float(np.float64(1.0) / np.float64(0.0))", float("inf")),
    ("__import__('warnings').simplefilter('error')", "__import__('warnings').warn('x') or 'warned'", "warned"),
    ("__import__('sys').setrecursionlimit(80)", "__import__('sys').getrecursionlimit() >= 1000", True),
    ("__import__('builtins').SNEAKY = 1", "hasattr(__import__('builtins'), 'SNEAKY')", False),
    ("__import__('math').pi = 3.0", "__import__('math').pi > 3.1", True),
    ("__import__('_thread').start_new_thread(__import__('time').sleep, (30,))",
     "__import__('threading').active_count() <= 2", True),
    ("__import__('signal').alarm(2)", "__import__('time').sleep(3) or 'alive'", "alive"),
    ("__import__('sys').meta_path.insert(0, None)", "None not in __import__('sys').meta_path", True),
]


@pytest.mark.parametrize("leave, look, expected", LEAVES_BEHIND, ids=[case[0][:40] for case in LEAVES_BEHIND])
def test_nothing_a_job_leaves_in_its_interpreter_reaches_the_next_job(leave, look, expected):
    leaves = compile(leave, "<candidate>", "exec")
    looks = compile(look, "<next job>", "eval")
    assert run_isolated(lambda: exec(leaves, {"np": np}) or "done", **SPAWN).value == "done"
    result = run_isolated(lambda: eval(looks, {"np": np}), **SPAWN)
    assert result.ok and result.value == expected, result.error


def test_a_job_cannot_answer_for_the_next_one():
    """A reply written into the pipe by the job itself is never taken for a later job's reply."""
    def forge():
        import pickle
        import struct

        forged = pickle.dumps(("ok", "forged", ""))
        for fd in range(3, 64):
            try:
                os.write(fd, struct.pack("!Q", len(forged)) + forged)
            except OSError:
                continue
        return "own"

    run_isolated(forge, **SPAWN)
    assert [run_isolated(lambda: "honest", **SPAWN).value for _ in range(3)] == ["honest"] * 3


def test_large_inputs_get_room_in_the_cap():
    big = np.ones(2**25)  # 256 MB, against a 300 MB cap: the inputs alone nearly fill it
    result = run_isolated(lambda: float(big.sum()), timeout=60, memory_limit_mb=300, start_method="spawn")
    assert result.ok and result.value == 2.0**25, result.error


def test_the_worker_ends_with_the_kernel(tmp_path):
    """A kernel killed outright (no atexit) leaves no worker: the worker sees its parent go."""
    import subprocess
    import sys

    script = ("import os, sys; from jupyter_optimize.sandbox import run_isolated, spawn\n"
              "run_isolated(os.getpid, timeout=30, memory_limit_mb=256, start_method='spawn')\n"
              "print(min(spawn.worker_pids()), flush=True)\n"
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


def test_a_module_function_runs_with_the_kernels_module_state(tmp_path, monkeypatch):
    """Sent by reference, it is imported from its file in the worker; the data it reads is the kernel's."""
    import importlib
    import sys

    (tmp_path / "scaled_mod.py").write_text("SCALE = 1\n\ndef scaled(xs):\n    return [x * SCALE for x in xs]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("scaled_mod")
    try:
        module.SCALE = 2  # the kernel changed it after importing
        report = optimize(module.scaled, [(([1, 2, 3],), {})], candidates=["def scaled(xs):\n    return [2 * x for x in xs]\n"],
                          start_method="spawn", **QUICK)
        assert report.results[0].verdict in ("faster", "not_faster"), report.results[0].reason
    finally:
        sys.modules.pop("scaled_mod", None)


LIMIT = 100  # a global only the assumption below names


def test_an_assumption_may_name_a_global_the_function_does_not_use():
    def below(n):
        return n * 2

    report = optimize(below, [((3,), {})], candidates=["def below(n):\n    return n + n\n"], assume="0 <= n < LIMIT",
                      start_method="spawn", **QUICK)
    assert report.results[0].verdict in ("faster", "not_faster"), report.results[0].reason


def test_without_sigalrm_a_slow_generated_input_is_still_cut_off(monkeypatch):
    """Windows has no SIGALRM: the per-input time limit falls back to a timer thread."""
    import signal

    from jupyter_optimize.verify import judge

    monkeypatch.delattr(signal, "setitimer")
    started = time.monotonic()
    with pytest.raises(judge.TooSlow):
        with judge.time_limit(0.2):
            while True:
                pass
    assert time.monotonic() - started < 5
    with judge.time_limit(5):  # a limit not reached interrupts nothing, later either
        total = sum(range(1000))
    time.sleep(0.1)
    assert total == 499500


def test_a_worker_that_cannot_start_says_why_in_one_line(tmp_path, monkeypatch):
    spawn.stop()
    not_a_folder = tmp_path / "not-a-folder"
    not_a_folder.write_text("")
    monkeypatch.setattr(spawn.scratch, "create_root", lambda: str(not_a_folder))
    result = run_isolated(lambda: 1, **SPAWN)
    assert not result.ok and result.error.startswith("the worker could not start: ")
    assert "\n" not in result.error and "scratch.py" in result.error
    monkeypatch.undo()
    spawn.stop()


def test_a_worker_sees_the_environment_as_the_kernel_has_it_now(monkeypatch):
    run_isolated(os.getpid, **SPAWN)  # spares are started with the environment of this moment
    monkeypatch.setenv("JUPYTER_OPTIMIZE_TEST_SETTING", "changed since")
    result = run_isolated(lambda: os.environ.get("JUPYTER_OPTIMIZE_TEST_SETTING"), **SPAWN)
    assert result.value == "changed since"

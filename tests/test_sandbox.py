import ctypes
import os
import time

import pytest

from jupyter_optimize.sandbox import ChildLimits, run_isolated, run_within

LIMITS = dict(timeout=5, memory_limit_mb=512)


def test_returns_the_value_and_captures_prints():
    result = run_isolated(lambda: print("hello from the child") or 42, **LIMITS)
    assert result.ok and result.value == 42
    assert result.output == "hello from the child\n"


def test_changes_in_the_child_do_not_reach_the_parent():
    data = {"x": [1, 2, 3]}

    def job():
        data["x"].append(4)
        data["y"] = 1
        return len(data["x"])

    assert run_isolated(job, **LIMITS).value == 4
    assert data == {"x": [1, 2, 3]}


@pytest.mark.slow
def test_timeout_kills_the_child():
    started = time.monotonic()
    result = run_isolated(lambda: time.sleep(60), timeout=1, memory_limit_mb=512)
    assert not result.ok and "timed out after 1 s" in result.error
    assert time.monotonic() - started < 10


def test_exit_segfault_memory_and_exceptions_are_reported():
    assert "exit code 3" in run_isolated(lambda: os._exit(3), **LIMITS).error
    assert "SIGSEGV" in run_isolated(lambda: ctypes.string_at(0), **LIMITS).error
    assert "out of memory" in run_isolated(lambda: bytearray(2**33), **LIMITS).error
    assert run_isolated(lambda: 1 / 0, **LIMITS).error == "ZeroDivisionError: division by zero"


def test_unpicklable_results_are_a_clear_failure():
    result = run_isolated(lambda: (lambda: 1), **LIMITS)
    assert not result.ok and "could not be sent back" in result.error


def test_large_results_come_back_whole():
    result = run_isolated(lambda: b"x" * (8 << 20), **LIMITS)
    assert result.ok and len(result.value) == 8 << 20


@pytest.mark.slow
def test_a_timeout_is_flagged_and_carries_the_limits_hint():
    result = run_within(lambda: time.sleep(60), ChildLimits(1, 512, "set --timeout to allow more"))
    assert result.timed_out and result.error == "timed out after 1 s (set --timeout to allow more)"
    assert not run_isolated(lambda: 1 / 0, **LIMITS).timed_out


def test_without_fork_the_job_is_spawned_in_a_fresh_interpreter(monkeypatch):
    from jupyter_optimize.sandbox import methods

    monkeypatch.setattr(methods, "CAN_FORK", False)
    monkeypatch.delenv(methods.ENVIRONMENT, raising=False)
    data = []
    result = run_isolated(lambda: data.append(1) or print("here") or os.getpid(), **LIMITS)
    assert result.ok and result.backend == "spawn" and result.output == "here\n" and data == []
    assert result.value != os.getpid()


def first_seen_counts(keys):
    seen, out = {}, []
    for key in keys:
        seen[key] = seen.get(key, 0) + 1
        out.append(seen[key])
    return out


def test_numpys_nan_crosses_to_and_from_a_child_as_itself():
    import numpy as np
    import pandas as pd

    regions = pd.Series(["north", np.nan, "south", np.nan], dtype="str")  # pandas keeps the one np.nan object
    assert first_seen_counts(regions) == [1, 1, 1, 2]
    there = run_isolated(lambda: first_seen_counts(regions), timeout=30, memory_limit_mb=1024)
    back = run_isolated(lambda: regions, timeout=30, memory_limit_mb=1024)
    assert there.value == [1, 1, 1, 2]  # under spawn the Series is pickled on its way to the worker
    assert first_seen_counts(back.value) == [1, 1, 1, 2]  # a copy of each NaN would count 1 each time


def test_a_fork_the_system_refuses_is_a_one_line_failure_that_leaves_nothing_open(monkeypatch):
    import errno

    from jupyter_optimize.sandbox import fork

    def refused():
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    import glob
    import tempfile

    monkeypatch.setattr(fork.os, "fork", refused)
    before, folders = set(os.listdir("/proc/self/fd")), set(glob.glob(os.path.join(tempfile.gettempdir(), "*")))
    result = fork.run_forked(lambda: 1, timeout=10, memory_limit_mb=512)
    assert not result.ok and result.error == "could not start a child process (Resource temporarily unavailable)"
    assert set(os.listdir("/proc/self/fd")) <= before  # the pipe was closed
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "*"))) <= folders  # and the scratch folder removed


def test_a_timeouts_seconds_read_as_a_person_would_write_them():
    from jupyter_optimize.sandbox.child import timed_out

    assert [timed_out(t) for t in (11.0073, 63.4, 1234.6, 1.5, 0.25, 1)] == [
        "timed out after 11 s", "timed out after 63 s", "timed out after 1235 s", "timed out after 1.5 s",
        "timed out after 0.25 s", "timed out after 1 s"]

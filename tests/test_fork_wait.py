"""The fork backend waits for a thread that is unsafe to fork over (a given-up numba compile), but
never longer than the child's own timeout, and a cancelled run stops waiting at once."""
from __future__ import annotations

import threading

import pytest

from jupyter_optimize.sandbox import fork
from jupyter_optimize.sandbox.child import FORK_UNSAFE_THREAD


@pytest.fixture
def stuck_thread():
    release = threading.Event()
    thread = threading.Thread(target=release.wait, name=f"{FORK_UNSAFE_THREAD}: a compile that never ends",
                              daemon=True)
    thread.start()
    yield thread
    release.set()
    thread.join()


def in_background(work):
    """Run *work* in a thread; what it returned, or None when it has not returned within 60 s."""
    out = []
    runner = threading.Thread(target=lambda: out.append(work()), daemon=True)
    runner.start()
    runner.join(60)
    return out[0] if out else None


def test_a_thread_that_never_ends_delays_the_child_by_its_timeout_only(stuck_thread):
    result = in_background(lambda: fork.run_forked(lambda: 42, timeout=1, memory_limit_mb=512))
    assert result is not None, "the child was never forked: the wait has no bound"
    assert result.ok and result.value == 42, result.error
    assert stuck_thread.is_alive()


def test_a_cancelled_run_stops_waiting_for_the_thread(stuck_thread):
    fork.cancel()
    try:
        result = in_background(lambda: fork.run_forked(lambda: 42, timeout=30, memory_limit_mb=512))
    finally:
        fork.resume()
    assert result is not None and not result.ok and result.error == "stopped"

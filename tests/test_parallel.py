"""Candidates verified in parallel (issue 18): the same verdicts as one after another,
each verdict reported as it arrives, the same code judged once, Ctrl-C stopping every child."""
from __future__ import annotations

import time

import pytest
from processes import children

from jupyter_optimize import optimize
from jupyter_optimize.sandbox import FORK, chosen, spawn

QUICK = dict(examples=60, verify_budget=0.5, time_budget=0.3, profile=False)


def clip_sum(values, limit):
    total = 0
    for v in values:
        total += min(v, limit)
    return total


CANDIDATES = [
    "def clip_sum(values, limit):\n    return sum(min(v, limit) for v in values)\n",  # right
    "def clip_sum(values, limit):\n    return min(sum(values), limit * len(values))\n",  # wrong on some inputs
    "def clip_sum(values, limit):\n    return sum(values)\n",  # wrong on the live call
    "def clip_sum(values, limit):\n    return sum(values) +\n",  # does not parse
    "def clip_sum(values, limit):\n    return sum([min(v, limit) for v in values])\n",
]
CALLS = [(([5, 1, 9, 3, 7], 6), {})]


def verdicts(report):
    return [(r.verdict, r.counterexample.call if r.counterexample else None) for r in report.results]


@pytest.mark.slow
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_the_verdicts_do_not_depend_on_the_number_of_jobs(method):
    one = optimize(clip_sum, CALLS, candidates=CANDIDATES, jobs=1, start_method=method, **QUICK)
    two = optimize(clip_sum, CALLS, candidates=CANDIDATES, jobs=2, start_method=method, **QUICK)
    assert verdicts(one) == verdicts(two)
    assert [v for v, _ in verdicts(two)][1:4] == ["incorrect", "incorrect", "failed"]


def test_each_verdict_is_reported_as_it_arrives():
    seen = []
    optimize(clip_sum, CALLS, candidates=CANDIDATES[:3], jobs=2, progress=lambda m, f: seen.append((m, f)), **QUICK)
    arrived = [m for m, _ in seen if m.startswith("Verified ")]
    assert len(arrived) == 3 and arrived[-1].startswith("Verified 3/3: ")
    assert sum(m.endswith(", verified") for m in arrived) == 1 and sum(", rejected: " in m for m in arrived) == 2
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions)


def test_the_same_code_is_judged_and_timed_once():
    twice = [CANDIDATES[0], "def clip_sum(values, limit):\n    # the same, written again\n"
                            "    return sum(min(v, limit)  for v in values)\n"]
    seen = []
    report = optimize(clip_sum, CALLS, candidates=twice, jobs=2, progress=lambda m, f: seen.append(m), **QUICK)
    assert "Verifying 1 candidate(s)" in seen
    first, second = report.results
    assert first.check is second.check and first.timing is second.timing and first.verdict == second.verdict


@pytest.mark.slow
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_ctrl_c_while_candidates_are_verified_in_parallel_stops_every_child(method):
    sleeper = "def clip_sum(values, limit):\n    import time\n    time.sleep(60)\n    return 0\n"
    before = children() - spawn.worker_pids()

    def interrupt(message, fraction):
        if message.startswith("Verified 1/2"):
            raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        optimize(clip_sum, CALLS, candidates=[CANDIDATES[2], sleeper], jobs=2, progress=interrupt,
                 start_method=method, timeout=120, **QUICK)
    assert time.monotonic() - started < 30
    deadline = time.monotonic() + 10
    while children() - before - spawn.worker_pids() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert children() - before - spawn.worker_pids() == set()


def test_code_that_does_not_parse_is_rejected_without_a_child(monkeypatch):
    from jupyter_optimize import sandbox

    real, children = sandbox.run_within, []
    monkeypatch.setattr(sandbox, "run_within", lambda job, limits: children.append(limits) or real(job, limits))
    report = optimize(clip_sum, CALLS, candidates=[CANDIDATES[3], "def other(values, limit):\n    return 0\n"], **QUICK)
    assert [r.verdict for r in report.results] == ["failed", "failed"]
    assert report.results[0].reason.startswith("syntax error on line 2")
    assert "does not define a function named clip_sum" in report.results[1].reason
    assert len(children) == 1  # the original's study alone


def slow_but_on_its_live_call(values, limit):
    if values != CALLS[0][0][0]:  # any generated input: past the time one may take, skipped, and the drawing goes on
        time.sleep(0.3)
    total = 0
    for v in values:
        total += min(v, limit)
    return total


def test_ctrl_c_while_the_inputs_are_drawn_early_stops_the_drawing_children():
    before = children() - spawn.worker_pids()
    seen = []

    def interrupt(message, fraction):
        seen.append(message)
        if message == "Collecting candidates":  # the drawing child was started right after the study
            seen.append(children() - before - spawn.worker_pids())
            seen.append(time.monotonic())
            raise KeyboardInterrupt

    right = [c.replace("clip_sum", "slow_but_on_its_live_call") for c in (CANDIDATES[0], CANDIDATES[4])]
    with pytest.raises(KeyboardInterrupt):
        optimize(slow_but_on_its_live_call, CALLS, candidates=right, jobs=2, progress=interrupt,
                 **{**QUICK, "verify_budget": 6.0})  # it would draw for several seconds
    interrupted = seen[-1]
    while children() - before - spawn.worker_pids() and time.monotonic() < interrupted + 10:
        time.sleep(0.05)
    assert time.monotonic() - interrupted < 3  # stopped, not left to finish their drawing
    assert children() - before - spawn.worker_pids() == set()
    if chosen("") == FORK:  # the drawing child was there to stop (under spawn, a worker draws)
        assert len(seen[-2]) == 1

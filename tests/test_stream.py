"""Drawn inputs read while they are drawn (issue 18): a candidate's child judges the very inputs, in the
very order, that the finished draw gives it; when the draw fails part-way, it searches by itself."""
from __future__ import annotations

import glob
import os
import tempfile
import threading
import time

import numpy as np
import pytest
from test_replay import EXAMPLES, TOL, _without_inputs, summed, total, wrong_on_long_lists

from jupyter_optimize import optimize, sandbox
from jupyter_optimize.model import Call
from jupyter_optimize.verify import stream
from jupyter_optimize.verify.check import check_candidate
from jupyter_optimize.verify.replay import Drawn, draw
from jupyter_optimize.verify.search import fingerprint


def _stream_file(tmp_path) -> str:
    path = str(tmp_path / "inputs")
    open(path, "wb").close()
    return path


def _read_all(path: str) -> tuple[list[tuple[Call, str]], list[float]]:
    waits: list[float] = []
    return list(stream.Stream(path).inputs(waits.append)), waits


def test_inputs_arrive_in_the_order_written_whole_records_only(tmp_path):
    path = _stream_file(tmp_path)
    calls = [Call(([k, float("nan"), np.nan],), origin="generated") for k in range(5)]
    writer = stream.Writer(path)

    def write_slowly() -> None:
        for call in calls:
            writer.add(call, fingerprint(call))
            time.sleep(0.01)
        with open(path, "ab") as out:  # half a record: the reader waits for the rest, never reads it torn
            out.write(stream.HEADER.pack(1000)[:5])
        time.sleep(0.02)
        with open(path, "r+b") as out:
            out.truncate(os.path.getsize(path) - 5)
        stream.finish(path, Drawn(tuple(calls), tuple(map(fingerprint, calls)), 2, 3, False, ("a stop",)))

    writing = threading.Thread(target=write_slowly)
    writing.start()
    got, waits = _read_all(path)
    writing.join()
    assert [c.args[0][0] for c, _ in got] == list(range(5))
    assert [p for _, p in got] == [fingerprint(c) for c in calls]
    assert got[0][0].args[0][2] is np.nan  # numpy's NaN crosses as itself, as it does from a child
    assert waits and all(w > 0 for w in waits)
    summary = stream.Stream(path).summary()
    assert (summary.too_slow, summary.outside, summary.stops, summary.calls) == (2, 3, ("a stop",), ())


@pytest.mark.parametrize("written", [0, 3])
def test_a_draw_that_ends_without_passing_every_input_on_is_a_failure(tmp_path, written):
    path = _stream_file(tmp_path)
    calls = [Call(([k],), origin="generated") for k in range(5)]
    writer = stream.Writer(path)
    for call in calls[:written]:
        writer.add(call, fingerprint(call))
    stream.finish(path, None if written == 0 else Drawn(tuple(calls), tuple(map(fingerprint, calls)), 0, 0, False, ()))
    with pytest.raises(stream.DrawFailed):
        _read_all(path)


def test_an_input_that_cannot_be_pickled_breaks_the_stream_and_readers_learn_it_at_once(tmp_path):
    path = _stream_file(tmp_path)
    writer = stream.Writer(path)
    good, bad = Call(([1],), origin="generated"), Call(([lambda: 1],), origin="generated")
    for call in (good, bad, good):
        writer.add(call, "p")
    got: list = []
    failed = threading.Event()

    def read() -> None:
        try:
            for record in stream.Stream(path).inputs(lambda seconds: None):
                got.append(record)
        except stream.DrawFailed:
            failed.set()

    reading = threading.Thread(target=read, daemon=True)
    reading.start()
    reading.join(timeout=5)  # no summary is ever written: a reader that waited for one would still be here
    assert failed.is_set() and [c.args for c, _ in got] == [([1],)]


@pytest.mark.parametrize("candidate", [summed, wrong_on_long_lists])
def test_a_candidate_replaying_a_stream_gets_the_check_it_gets_from_the_finished_draw(tmp_path, candidate):
    live = [Call(([1, 2],))]
    path = _stream_file(tmp_path)
    drawn = draw(total, live, TOL, None, EXAMPLES, 10.0, stream=path)
    stream.finish(path, drawn)
    from_stream = check_candidate(total, candidate, live, TOL, None, EXAMPLES, 10.0, drawn=stream.Stream(path))
    from_draw = check_candidate(total, candidate, live, TOL, None, EXAMPLES, 10.0, drawn=drawn)
    assert _without_inputs(from_stream) == _without_inputs(from_draw)
    assert from_stream.passed is (candidate is summed)


def test_a_candidate_whose_stream_fails_part_way_searches_by_itself(tmp_path):
    live = [Call(([1, 2],))]
    path = _stream_file(tmp_path)
    drawn = draw(total, live, TOL, None, EXAMPLES, 10.0)
    writer = stream.Writer(path)
    for call, printed in zip(drawn.calls[:5], drawn.prints[:5]):
        writer.add(call, printed)
    stream.finish(path, None)
    searched = check_candidate(total, wrong_on_long_lists, live, TOL, None, EXAMPLES, 10.0)
    after_failure = check_candidate(total, wrong_on_long_lists, live, TOL, None, EXAMPLES, 10.0,
                                    drawn=stream.Stream(path))
    assert not searched.passed and _without_inputs(after_failure) == _without_inputs(searched)


CANDIDATES = [
    "def total(xs):\n    return sum(xs)\n",
    "def total(xs):\n    return sum(xs) + (len(xs) > 3)\n",  # wrong on generated inputs only
    "def total(xs):\n    return sum(sorted(xs))\n",
]


def _checks(report):
    return [_without_inputs(r.check) for r in report.results]


def _draw_folders() -> set[str]:
    return set(glob.glob(os.path.join(tempfile.gettempdir(), "jupyter-optimize-draw-*")))


def test_the_pipeline_reads_the_draw_as_it_goes_and_leaves_no_file(monkeypatch):
    from jupyter_optimize import judging

    calls = [(([1, 2, 3],), {})]
    before = _draw_folders()
    one = optimize(total, calls, candidates=CANDIDATES, examples=EXAMPLES, time_budget=0.2, jobs=1)
    handed, real_draw_once = [], judging.draw_once
    monkeypatch.setattr(judging, "draw_once", lambda *a: handed.append(real_draw_once(*a)) or handed[-1])
    two = optimize(total, calls, candidates=CANDIDATES, examples=EXAMPLES, time_budget=0.2, jobs=2)
    assert [type(h) for h in handed] == [stream.Stream]  # read as they were drawn
    assert _checks(two) == _checks(one)
    assert [r.verdict for r in one.results][1] == "incorrect"
    timed = optimize(total, calls, candidates=CANDIDATES, examples=EXAMPLES, time_budget=0.2, jobs=2, timeout=30)
    assert type(handed[-1]) is Drawn and _checks(timed) == _checks(one)  # under --timeout none waits for another
    for _ in range(3):  # drawn early (sources were to run), then stopped: one candidate searches itself
        optimize(total, calls, candidates=CANDIDATES[:1], sources=["rules"], examples=100_000, verify_budget=0.5,
                 time_budget=0.2, jobs=2)
    assert _draw_folders() <= before


@pytest.mark.skipif(sandbox.chosen("") != sandbox.FORK, reason="the kernel's stand-in reaches the drawing child by fork")
def test_a_draw_that_leaves_inputs_out_gives_the_verdicts_of_one_job(monkeypatch):
    from jupyter_optimize import judging

    calls = [(([1, 2, 3],), {})]
    one = optimize(total, calls, candidates=CANDIDATES, examples=EXAMPLES, time_budget=0.2, jobs=1)
    handed, real_draw_once = [], judging.draw_once
    monkeypatch.setattr(judging, "draw_once", lambda *a: handed.append(real_draw_once(*a)) or handed[-1])
    real_add = stream.Writer.add

    def leaves_the_fourth_out(self, call, printed):
        self.seen = getattr(self, "seen", 0) + 1
        if self.seen != 4:
            real_add(self, call, printed)

    monkeypatch.setattr(stream.Writer, "add", leaves_the_fourth_out)  # in the drawing child too (forked)
    broken = optimize(total, calls, candidates=CANDIDATES, examples=EXAMPLES, time_budget=0.2, jobs=2)
    assert [type(h) for h in handed] == [stream.Stream]
    assert _checks(broken) == _checks(one)


def test_waiting_for_inputs_is_not_spent_from_the_replays_budget(tmp_path):
    from jupyter_optimize.verify.judge import Judge
    from jupyter_optimize.verify.replay import replay

    path = _stream_file(tmp_path)
    calls = [Call(([k, k + 1],), origin="generated") for k in range(20)]
    writer = stream.Writer(path)

    def write_slowly() -> None:  # 20 inputs over about 1.2 s: past a 0.1 s budget at wall slack, were waits counted
        for call in calls:
            writer.add(call, fingerprint(call))
            time.sleep(0.06)
        stream.finish(path, Drawn(tuple(calls), tuple(map(fingerprint, calls)), 0, 0, False, ()))

    writing = threading.Thread(target=write_slowly)
    writing.start()
    judge = Judge(total, summed, TOL, None)
    result = replay(judge, stream.Stream(path), [Call(([1, 2],))], EXAMPLES, 0.1)
    writing.join()
    assert result.tried == len(calls) and not result.out_of_budget

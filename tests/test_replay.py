"""Generated inputs drawn once and replayed for each candidate give the evidence the search alone gives."""
import dataclasses

import numpy as np

from jupyter_optimize import demo, optimize
from jupyter_optimize.model import Call
from jupyter_optimize.verify.check import check_candidate
from jupyter_optimize.verify.compare import Tolerance
from jupyter_optimize.verify.replay import draw

TOL = Tolerance()
EXAMPLES = 40


def _without_inputs(check):
    """A Check comparable with ==: the counterexample's inputs (arrays) left out, its description kept."""
    cx = check.counterexample
    return dataclasses.replace(check, counterexample=cx and dataclasses.replace(cx, inputs=None))


def _both_ways(original, candidate, calls, admits=None):
    searched = check_candidate(original, candidate, calls, TOL, None, EXAMPLES, 10.0, admits=admits)
    drawn = draw(original, calls, TOL, None, EXAMPLES, 10.0, admits=admits)
    replayed = check_candidate(original, candidate, calls, TOL, None, EXAMPLES, 10.0, admits=admits, drawn=drawn)
    return _without_inputs(searched), _without_inputs(replayed), drawn


def total(xs):
    out = 0
    for x in xs:
        out += x
    return out


def summed(xs):
    return sum(xs)


def wrong_on_long_lists(xs):
    return sum(xs) + (len(xs) > 3)


def test_a_candidate_that_passes_has_the_same_evidence_replayed():
    searched, replayed, drawn = _both_ways(total, summed, [Call(([1, 2, 3],))])
    assert searched.passed and replayed == searched
    assert len(drawn.calls) == EXAMPLES and searched.generated_passed > 0


def test_a_candidate_that_differs_gets_the_counterexample_the_search_gives():
    searched, replayed, _ = _both_ways(total, wrong_on_long_lists, [Call(([1, 2],))])
    assert not searched.passed and replayed == searched
    assert searched.counterexample.origin == "generated"


def test_inputs_outside_the_assumptions_are_counted_the_same():
    def positive(call):
        return all(x > 0 for x in call.args[0])

    searched, replayed, drawn = _both_ways(total, summed, [Call(([1, 2, 3],))], admits=positive)
    assert drawn.outside > 0 and replayed == searched


SEEN: list[int] = []


def remember(x):
    SEEN.append(x)
    return 2 * x


def remember_too(x):
    SEEN.append(x)
    return x + x


def remember_large_twice(x):
    SEEN.append(x)
    if x > 1:
        SEEN.append(x)
    return 2 * x


def test_globals_the_original_changes_replay_alike_and_a_difference_is_searched_from_the_same_state():
    for candidate in (remember_too, remember_large_twice):
        SEEN.clear()
        searched = check_candidate(remember, candidate, [Call((1,))], TOL, None, EXAMPLES, 10.0)
        SEEN.clear()
        drawn = draw(remember, [Call((1,))], TOL, None, EXAMPLES, 10.0)
        SEEN.clear()
        replayed = check_candidate(remember, candidate, [Call((1,))], TOL, None, EXAMPLES, 10.0, drawn=drawn)
        assert _without_inputs(replayed) == _without_inputs(searched)
    assert not searched.passed and "SEEN" in searched.counterexample.difference


def test_the_pipeline_gives_the_demo_the_same_evidence_with_and_without_parallel_jobs(equalize, photo):
    calls = [((photo, demo.circle_mask(photo.shape)), {}), ((photo, np.zeros(photo.shape, bool)), {})]
    odd = demo.VECTORIZED.replace("return lut[img]", "return lut[img] + (mask is None)")  # wrong on generated inputs only
    runs = [optimize(equalize, calls, candidates=[demo.VECTORIZED, odd, demo.ARGMAX], examples=EXAMPLES,
                     time_budget=0.2, jobs=jobs) for jobs in (1, 3)]
    checks = [[_without_inputs(r.check) for r in report.results] for report in runs]
    assert checks[0] == checks[1]
    assert [r.verdict for r in runs[0].results][1:] == ["incorrect", "incorrect"]


def doubled(x):
    return x * 2


FAR_OFF = 987_654_321_987  # no search near the live calls draws it


def wrong_far_off(x):
    return x * 2 + (x == FAR_OFF)


def test_a_difference_the_replay_finds_stands_when_the_search_stops_before_it():
    live = [Call((3,)), Call((1000,))]
    drawn = draw(doubled, live, TOL, None, EXAMPLES, 10.0)
    assert all(c.args != (FAR_OFF,) for c in drawn.calls)
    further = dataclasses.replace(drawn, calls=drawn.calls + (Call((FAR_OFF,), origin="generated"),),
                                  prints=drawn.prints + ("far off",))
    searched = check_candidate(doubled, wrong_far_off, live, TOL, None, EXAMPLES, 10.0)
    assert searched.passed  # its own search never gets there
    replayed = check_candidate(doubled, wrong_far_off, live, TOL, None, EXAMPLES, 10.0, drawn=further)
    assert not replayed.passed and str(FAR_OFF) in replayed.counterexample.call


FIRST_AFTER_SEEDING = __import__("random").Random(0).random()
READS_THE_GLOBAL_GENERATOR = f"""
import random
def doubled(x):
    return x * 2 + (random.random() == {FIRST_AFTER_SEEDING!r})  # wrong when the generator was just seeded with 0
"""


def test_inputs_replayed_see_the_global_random_generators_as_the_search_leaves_them():
    calls = [((3,), {}), ((10,), {})]
    alone, beside = [optimize(doubled, calls, candidates=cands, examples=EXAMPLES, time_budget=0.2, jobs=2)
                     for cands in ([READS_THE_GLOBAL_GENERATOR], [READS_THE_GLOBAL_GENERATOR, "def doubled(x):\n    return x + x\n"])]
    assert alone.results[0].verdict == beside.results[0].verdict == "incorrect"
    assert alone.results[0].counterexample.call == beside.results[0].counterexample.call


def spread(x):
    return float(x[-1] - x[0])


def test_a_counterexample_is_cut_down_only_as_far_as_the_assumptions_allow():
    wrong = "def spread(x):\n    return float(x[-1] - x[1])\n"  # wrong where x[0] != x[1]
    calls = [((np.array([2.0, 2.0, 3.0, 4.0, 5.0]),), {}), ((np.array([9.0, 9.0, 1.0, 2.0]),), {})]
    report = optimize(spread, calls, candidates=[wrong], assume="len(x) >= 4", examples=EXAMPLES, time_budget=0.2)
    cx = report.results[0].counterexample
    assert report.results[0].verdict == "incorrect" and len(cx.inputs.args[0]) >= 4


def test_a_lone_candidate_is_not_judged_on_inputs_drawn_early_it_searches_as_under_one_job(monkeypatch):
    from jupyter_optimize import judging, sandbox

    started, real = [], sandbox.start_within
    monkeypatch.setattr(sandbox, "start_within", lambda job, within: started.append(real(job, within)) or started[-1])
    taken, take = [], judging._drawn
    monkeypatch.setattr(judging, "_drawn", lambda run, result: taken.append(result) or take(run, result))
    same = "def total(xs):\n    return sum(xs)\n"
    runs = [optimize(total, [(([1, 2, 3],), {})], candidates=[same], sources=["rules"], examples=EXAMPLES,
                     time_budget=0.2, jobs=jobs) for jobs in (1, 2)]  # the rules have no rewrite of this loop
    assert [len(r.results) for r in runs] == [1, 1]
    assert _without_inputs(runs[0].results[0].check) == _without_inputs(runs[1].results[0].check)
    assert len(started) == 1 and taken == []  # drawn early (sources were to run), then stopped, not taken
    optimize(total, [(([1, 2, 3],), {})], candidates=[same, same + "\n"], examples=EXAMPLES, time_budget=0.2, jobs=2)
    assert len(started) == 1  # the same code given twice is one candidate: nothing is drawn early for it


def test_a_difference_replayed_on_an_input_the_search_judged_is_left_to_the_search():
    from jupyter_optimize.verify.judge import Judge
    from jupyter_optimize.verify.replay import Differed, kept
    from jupyter_optimize.verify.search import search_generated

    live = [Call(([1, 2, 3],))]
    judge = Judge(total, wrong_on_long_lists, TOL, None)
    judge.compare(live[0])
    judged = []
    search = search_generated(judge, live, EXAMPLES, 10.0, 0, None, judged)
    assert search.counterexample is not None
    passed = next(c for c in judged if len(c.args[0]) <= 3)  # one the search judged, and the candidate passed
    _, orig, cand = judge.compare(passed)
    unjudged = dataclasses.replace(search, counterexample=None)
    assert kept(judge, Differed(passed, "said to differ", orig, cand), unjudged, judged, 10.0).counterexample is None
    far = Call(([FAR_OFF] * 5,), origin="generated")  # never judged by the search
    _, orig, cand = judge.compare(far)
    assert kept(judge, Differed(far, "differs", orig, cand), unjudged, judged, 10.0).counterexample is not None


def test_without_hypothesis_internals_the_replay_seeds_random_and_numpy_as_hypothesis_does():
    import random

    from hypothesis.internal.entropy import deterministic_PRNG

    from jupyter_optimize.verify.replay import _seeded_zero

    with deterministic_PRNG():
        theirs = (random.random(), float(np.random.random()))
    state = random.getstate()
    with _seeded_zero():
        ours = (random.random(), float(np.random.random()))
    assert ours == theirs and random.getstate() == state  # the same numbers, and the generator put back

"""The verifier against a corpus of rewrites (tests/corpus): every wrong
candidate is rejected, no right one is.

The corpus itself is checked first, in this process and without the
verifier's search: each wrong candidate differs from its original on its
witness, each right one agrees on the live calls, and most wrong ones look
right on the live calls (so it is the generated inputs that must catch them).

The verifier runs once per original with the default input budget and the
entry's documented assumptions (tests/corpus/domains.py); the originals are
spread over two worker processes to stay within a few minutes. The entries
with assumptions run once more without them: their right candidates must
then be rejected, on an input outside the documented domain (so the
assumption is needed, and is all that is needed).
"""
from __future__ import annotations

import multiprocessing
import warnings
from concurrent.futures import ProcessPoolExecutor

import pytest
from corpus import ENTRIES, Entry, Outcome, define, domains, frames, verify_named

from jupyter_optimize.model import Call
from jupyter_optimize.sources.candidates import as_candidates, materialize
from jupyter_optimize.study.assume import domain_for
from jupyter_optimize.study.given import coerce_calls
from jupyter_optimize.verify.compare import Tolerance
from jupyter_optimize.verify.judge import Judge, outcome_difference, parameter_names, run_once

pytestmark = pytest.mark.slow  # a kernel, a browser or many candidates: see pyproject.toml

IDS = [e.name for e in ENTRIES]
ASSUMING = [e for e in ENTRIES if e.assume]
WORKERS = 2


def test_the_corpus_is_big_enough():
    assert len(ENTRIES) >= 25
    assert all(e.right and e.wrong for e in ENTRIES)
    assert len(frames.ENTRIES) >= 15  # issue 12: pandas originals in notebook style
    assert len(domains.ENTRIES) >= 6 and all(e.assume for e in domains.ENTRIES)  # issue 13: the domain cases


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_corpus_entry_is_sound(entry: Entry):
    func = define(entry)
    calls = coerce_calls(entry.calls())
    domain = domain_for(func, entry.assume)
    assert all(domain.admits(func, c) for c in calls), "the live calls lie inside the documented domain"
    params = parameter_names(func)
    candidates = [materialize(c, func) for c in as_candidates(entry.candidates())]
    looks_right = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for (kind, label), cand in zip(entry.expected(), candidates):
            on_live = [outcome_difference(run_once(func, c), run_once(cand, c), Tolerance(), params) for c in calls]
            if kind == "right":
                assert not any(on_live), f"{label} differs on a live call: {on_live}"
                continue
            looks_right.append(not any(on_live))
            witness = entry.wrong[len(looks_right) - 1].witness
            assert domain.admits(func, Call(witness, {})), f"{label}: the witness lies outside the documented domain"
            found, _, _ = Judge(func, cand, Tolerance(), None).compare(Call(witness, {}, origin="generated"))
            assert found, f"{label}: the witness {witness!r} does not tell it from the original"
    assert sum(looks_right) > len(looks_right) / 2, "most wrong candidates should look right on the live calls"


def _verify_all(entries: list[Entry], assumed: bool) -> dict[str, list[Outcome] | BaseException]:
    """Every entry through the verifier, two originals at a time."""
    context = multiprocessing.get_context("spawn")  # workers fork their own sandbox children
    with ProcessPoolExecutor(WORKERS, mp_context=context) as pool:
        # the number of generated inputs, not the clock, bounds the search here, so a
        # busy machine cannot change a verdict
        # the frame entries first: they take longest, and one submitted last would leave a worker idle
        first = sorted(entries, key=lambda e: e not in frames.ENTRIES)
        futures = {e.name: pool.submit(verify_named, e.name, assumed, verify_budget=60.0) for e in first}
        out = {}
        for name, future in futures.items():
            try:
                out[name] = future.result()
            except BaseException as exc:  # reported by that entry's test
                out[name] = exc
    return out


@pytest.fixture(scope="module")
def verdicts() -> dict[str, list[Outcome] | BaseException]:
    return _verify_all(list(ENTRIES), assumed=True)


@pytest.fixture(scope="module")
def verdicts_unassumed() -> dict[str, list[Outcome] | BaseException]:
    return _verify_all(ASSUMING, assumed=False)


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_verifier_rejects_every_wrong_candidate_and_no_right_one(entry: Entry, verdicts):
    outcomes = verdicts[entry.name]
    if isinstance(outcomes, BaseException):
        raise outcomes
    misses = [f"{o.label} -> {o.verdict}: {o.reason}" for o in outcomes if not o.as_expected]
    assert not misses, f"{entry.name}:\n  " + "\n  ".join(misses)


@pytest.mark.parametrize("entry", ASSUMING, ids=[e.name for e in ASSUMING])
def test_without_its_assumption_a_right_candidate_is_rejected_outside_the_domain(entry: Entry, verdicts_unassumed):
    outcomes = verdicts_unassumed[entry.name]
    if isinstance(outcomes, BaseException):
        raise outcomes
    for o in outcomes:
        if o.kind == "right":
            assert o.verdict == "incorrect" and o.outside_domain, f"{o.label} -> {o.verdict}: {o.counterexample}"

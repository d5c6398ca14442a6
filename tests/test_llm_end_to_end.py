"""optimize(..., sources=["llm"]) end to end: a scripted model on 127.0.0.1, real client, real verifier."""
import inspect
import re

import numpy as np
import pytest
from openai_server import ScriptedServer, chat, unused_port

from jupyter_optimize import demo, optimize
from jupyter_optimize.model import Call, Candidate
from jupyter_optimize.options import Options
from jupyter_optimize.sources.llm.source import repair_candidate
from jupyter_optimize.sources.protocol import SourceRequest

pytestmark = pytest.mark.slow  # a kernel, a browser or many candidates: see pyproject.toml

GOOD = f"```python\n{demo.VECTORIZED}```\nBoth loops became NumPy calls."
WRONG = f"```python\n{demo.ARGMAX}```\nargmax finds the first filled bin."
PATTERN = [17, 203, 91, 58, 149, 222]
QUICK = dict(time_budget=0.5, model="test-model")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("OPENAI_BASE_URL", "OPENAI_MODEL", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                 "http_proxy", "https_proxy", "all_proxy", "OPENAI_CUSTOM_HEADERS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")


@pytest.fixture(scope="module")
def live():
    img = demo.photograph(64)
    img[0, : len(PATTERN)] = PATTERN  # recognisable, and never to be sent
    mask = demo.circle_mask(img.shape)
    return demo.define(), [((img, mask), {}), ((img, np.zeros_like(mask)), {})]


def test_good_candidate_is_faster_and_subtly_wrong_one_incorrect(live):
    equalize, calls = live
    with ScriptedServer([chat(GOOD), chat(WRONG)]) as server:
        report = optimize(equalize, calls, sources=["llm"], base_url=server.url, n_candidates=2, **QUICK)
    verdicts = {r.source: r.verdict for r in report.results}
    assert verdicts == {demo.VECTORIZED: "faster", demo.ARGMAX: "incorrect"}
    assert {r.origin for r in report.results} == {"llm"} and {r.name for r in report.results} == {"llm-1", "llm-2"}
    wrong = next(r for r in report.results if r.verdict == "incorrect")
    assert wrong.explanation == "argmax finds the first filled bin." and "0 True" in wrong.counterexample.call
    assert report.best.source == demo.VECTORIZED
    assert any(note.endswith("2 responses: 2 candidates") for note in report.notes)
    sent = server.everything_sent()
    assert "lut[level] = min(255" in sent and ">>" in sent  # the source and the marked profile went out
    assert not re.search(r"17\D{1,6}203\D{1,6}91", sent)  # the pixels did not


def test_a_configuration_problem_leaves_the_rest_of_the_run_alone(live):
    equalize, calls = live
    url = f"http://127.0.0.1:{unused_port()}/v1"
    report = optimize(equalize, calls, candidates=[demo.VECTORIZED], sources=["llm"], base_url=url, **QUICK)
    assert [r.verdict for r in report.results] == ["faster"]
    (note,) = [n for n in report.notes if n.startswith("llm")]
    assert note.startswith(f"llm: cannot connect to {url}")


def test_repair_turns_the_incorrect_candidate_into_a_verified_one(live):
    equalize, calls = live
    with ScriptedServer([chat(WRONG)], default=chat(GOOD)) as server:
        report = optimize(equalize, calls, sources=["llm"], base_url=server.url, n_candidates=1, **QUICK)
        (wrong,) = report.results
        request = SourceRequest(equalize, inspect.getsource(equalize), tuple(Call.coerce(c) for c in calls),
                                report.profile, Options(base_url=server.url, model="test-model"))
        fixed = repair_candidate(request, Candidate(wrong.name, wrong.origin, wrong.source, None, wrong.explanation),
                                 wrong.counterexample)
    assert wrong.verdict == "incorrect" and fixed.name == "llm-1-repaired"
    again = optimize(equalize, calls, candidates=[fixed], **QUICK)
    assert [(r.name, r.verdict) for r in again.results] == [("llm-1-repaired", "faster")]
    assert not re.search(r"17\D{1,6}203\D{1,6}91", server.everything_sent())


def test_repair_option_sends_the_rejected_candidate_back_once_and_verifies_the_fix(live):
    equalize, calls = live
    with ScriptedServer([chat(WRONG)], default=chat(GOOD)) as server:
        report = optimize(equalize, calls, sources=["llm"], base_url=server.url, n_candidates=1, repair=True, **QUICK)
    assert [(r.name, r.verdict) for r in report.results] == [("llm-1", "incorrect"), ("llm-1-repaired", "faster")]
    assert "repair" in report.stage_seconds
    assert not re.search(r"17\D{1,6}203\D{1,6}91", server.everything_sent())

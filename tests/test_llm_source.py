"""The "llm" source against a real HTTP server on 127.0.0.1, through the real openai client."""
import inspect
import re

import numpy as np
import pytest
from openai_server import ScriptedServer, chat, error, unused_port

from jupyter_optimize import demo
from jupyter_optimize.model import Call
from jupyter_optimize.options import Options
from jupyter_optimize.sources.llm.source import MAX_ATTEMPTS, llm_source, repair_candidate
from jupyter_optimize.sources.protocol import SourceRequest
from jupyter_optimize.study.profile import line_profile

pytestmark = pytest.mark.slow  # a real HTTP server, retries that wait

GOOD = f"Here it is:\n```python\n{demo.VECTORIZED}```\nBoth loops became NumPy calls. Much less Python work."
WRONG = f"```python\n{demo.ARGMAX}```\nargmax finds the first filled bin."
NO_CODE = "I would replace the loops with cumsum, but I cannot write the code right now."
SYNTAX = "```python\ndef equalize(img, mask=None)\n    return img\n```"
ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID",
       "OPENAI_CUSTOM_HEADERS", "OPENAI_ADMIN_KEY", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
       "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture(scope="module")
def study():
    func = demo.define()
    calls = tuple(Call.coerce(c) for c in demo.live_calls(32))
    return func, calls, line_profile(func, calls)


def request_for(study, server=None, progress=None, **options):
    func, calls, profile = study
    settings = {"model": "test-model", "base_url": server.url if server else ""} | options
    return SourceRequest(func, inspect.getsource(func), calls, profile, Options(**settings),
                         progress or (lambda message: None))


def run(study, server=None, **options):
    messages = []
    request = request_for(study, server, messages.append, **options)
    return llm_source(request), messages, request


def test_six_answers_give_candidates_and_one_note_that_counts_the_rest(study):
    script = [chat(GOOD), chat(WRONG), chat(NO_CODE), chat(SYNTAX), chat(GOOD), chat(demo.ORIGINAL)]
    with ScriptedServer(script) as server:
        result, progress, _ = run(study, server, n_candidates=6)
    assert sorted(c.source for c in result.candidates) == sorted([demo.VECTORIZED, demo.ARGMAX])
    assert sorted(c.name for c in result.candidates) == ["llm-1", "llm-2"]
    assert {c.origin for c in result.candidates} == {"llm"}
    assert {c.explanation for c in result.candidates} == {
        "Both loops became NumPy calls. Much less Python work.", "argmax finds the first filled bin."}
    port = server.url.split(":")[-1].split("/")[0]
    assert result.notes == [f"llm (test-model at 127.0.0.1:{port}): 6 responses: 2 candidates, 1 without code, "
                            "1 with a syntax error, 1 duplicate, 1 copy of the original"]
    assert progress[0] == f"llm: asking test-model at 127.0.0.1:{port} for 6 candidate(s)"
    assert progress[1:] == [f"llm: {i} of 6 answers from test-model" for i in range(1, 7)]
    assert len(server.chat_requests) == 6


def test_requests_carry_source_profile_and_approach_but_not_the_data(study):
    func, calls, profile = study
    img = calls[0].args[0].copy()
    img[0, :6] = [17, 203, 91, 58, 149, 222]  # a pattern no summary produces
    x = np.full(40, 0.5)
    x[7] = 123456789.0

    def spread(values, factor):
        out = np.empty_like(values)
        for i in range(len(values)):
            out[i] = values[i] * factor
        return out

    with ScriptedServer() as server:
        run((func, (Call((img, calls[0].args[1])), calls[1]), profile), server, n_candidates=2)
        other = SourceRequest(spread, inspect.getsource(spread), (Call((x, 987654321)),), None,
                              Options(base_url=server.url, model="test-model", n_candidates=1))
        llm_source(other)
    bodies = [r.body for r in server.chat_requests]
    assert {b["model"] for b in bodies} == {"test-model"} and all(b["temperature"] == 0.7 for b in bodies)
    first, second = (b["messages"][1]["content"] for b in bodies[:2])
    for user in (first, second):
        assert demo.ORIGINAL.strip() in user
        assert re.search(r"^>> +17 +256 .*lut\[level\]", user, re.MULTILINE)
        assert "dtype uint8, shape (32, 32)" in user
    assert first.split("Approach to take")[1] != second.split("Approach to take")[1]
    sent = server.everything_sent()
    assert "def spread(values, factor):" in sent and "float64, shape (40,)" in sent
    assert not re.search(r"17\D{1,6}203\D{1,6}91", sent)
    for secret in ("123456789", "1.23456789e", "1.2345678e", "987654321", "9.87654321e"):
        assert secret not in sent


def test_429_is_retried_after_the_time_the_server_asks(study):
    with ScriptedServer([error(429, "slow down", headers={"Retry-After": "1"}), chat(GOOD)]) as server:
        result, _, _ = run(study, server, n_candidates=1)
    assert [c.source for c in result.candidates] == [demo.VECTORIZED]
    first, second = server.chat_requests
    assert second.at - first.at >= 0.9
    assert result.notes[0].endswith("1 response: 1 candidate")


def test_500_is_retried_with_backoff(study):
    with ScriptedServer([error(500, "overloaded"), error(503, "busy", headers={"retry-after-ms": "50"}),
                         chat(GOOD)]) as server:
        result, _, _ = run(study, server, n_candidates=1)
    assert len(result.candidates) == 1 and len(server.chat_requests) == 3


def test_a_server_that_keeps_failing_is_one_note(study):
    failing = error(500, "down", headers={"Retry-After": "0"})
    with ScriptedServer(default=failing) as server:
        result, _, _ = run(study, server, n_candidates=2)
    assert result.candidates == []
    assert result.notes == [f"llm (test-model at {server.url[7:-3]}): no answer: all 2 requests failed with "
                            f"HTTP 500 on all {MAX_ATTEMPTS} attempts"]
    assert len(server.chat_requests) == 2 * MAX_ATTEMPTS


def test_a_slow_reply_times_out_and_the_others_count(study):
    with ScriptedServer([chat(GOOD, delay=30)], default=chat(WRONG)) as server:
        result, _, _ = run(study, server, n_candidates=2, llm_timeout=1.5)
    assert [c.source for c in result.candidates] == [demo.ARGMAX]
    assert result.notes[0].endswith("2 requests, 1 response: 1 candidate; 1 timed out after 1.5 s")
    assert len(server.chat_requests) == 2  # a timeout is not retried


def test_when_every_request_times_out_the_note_says_what_to_do(study):
    with ScriptedServer(default=chat(GOOD, delay=30)) as server:
        result, _, _ = run(study, server, n_candidates=2, llm_timeout=0.3)
    (note,) = result.notes
    assert note.endswith("no answer: all 2 requests timed out after 0.3 s. Raise the timeout "
                         "(%config Optimize.timeout, or llm_timeout=...) or choose a faster model.")


def test_wrong_key_is_one_line_without_the_key(study, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong-secret")
    with ScriptedServer(api_key="sk-right") as server:
        result, _, _ = run(study, server, n_candidates=3)
    assert result.candidates == []
    assert result.notes == [f"llm: {server.url[7:-3]} rejected the API key (HTTP 401): "
                            "set OPENAI_API_KEY to a valid key for this server."]
    assert len(server.chat_requests) <= 3  # no retries


def test_a_server_that_wants_a_key_when_none_is_set(study, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY")
    with ScriptedServer(api_key="sk-right") as server:
        result, _, _ = run(study, server, n_candidates=1)
    assert result.notes == [f"llm: {server.url[7:-3]} wants an API key (HTTP 401): set OPENAI_API_KEY."]


def test_unknown_model_lists_what_the_server_offers(study):
    with ScriptedServer(models=("test-model", "qwen2.5-coder:7b")) as server:
        result, _, _ = run(study, server, model="test-modle", n_candidates=2)
    assert result.candidates == []
    assert result.notes == [f"llm: model 'test-modle' is not available at {server.url[7:-3]} (HTTP 404). "
                            "Did you mean: test-model? Choose one with --model, %config Optimize.model, or "
                            "OPENAI_MODEL; the server offers: qwen2.5-coder:7b, test-model."]


def test_base_url_without_v1_is_a_404_about_the_url(study):
    with ScriptedServer() as server:
        result, _, _ = run(study, server, base_url=server.url[:-3], n_candidates=1)
    (note,) = result.notes
    assert note.startswith(f"llm: {server.url[:-3]}/chat/completions answered 404 for model 'test-model'")
    assert note.endswith("the base URL (it usually ends in /v1).")


def test_unreachable_server_is_one_line(study):
    url = f"http://127.0.0.1:{unused_port()}/v1"
    result, _, _ = run(study, None, base_url=url, n_candidates=3)
    assert result.candidates == []
    (note,) = result.notes
    assert note.startswith(f"llm: cannot connect to {url} (") and "Connection refused" in note
    assert note.endswith("Is the server running? Check the base URL (OPENAI_BASE_URL, base_url=..., "
                         "or %config Optimize.base_url).")


def test_no_key_and_no_base_url(study, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY")
    result, _, _ = run(study, None)
    assert result.candidates == [] and result.notes == [
        "llm: no language model configured, so no candidates from one. Set OPENAI_API_KEY for OpenAI, or the "
        "base URL of another server (OPENAI_BASE_URL, base_url=..., or %config Optimize.base_url)."]


def test_base_url_without_scheme(study):
    result, _, _ = run(study, None, base_url="localhost:11434/v1")
    assert result.notes == ["llm: the base URL 'localhost:11434/v1' needs http:// or https://, "
                            "e.g. http://localhost:11434/v1."]


def test_local_server_without_key_from_environment(study, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY")
    with ScriptedServer([chat(GOOD)], api_key=None, models=("qwen2.5-coder:7b",)) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("OPENAI_MODEL", "qwen2.5-coder:7b")
        result, _, _ = run(study, None, model="", base_url="", n_candidates=1)
    assert len(result.candidates) == 1
    assert result.notes[0].startswith("llm (qwen2.5-coder:7b at 127.0.0.1:")


def test_a_model_that_refuses_temperature_is_asked_again_without(study):
    with ScriptedServer(default=chat(GOOD), refuse_temperature=True) as server:
        result, _, _ = run(study, server, n_candidates=3)
    assert result.notes[0].endswith("3 responses: 1 candidate, 2 duplicates")
    bodies = [r.body for r in server.chat_requests]
    assert sum("temperature" not in b for b in bodies) == 3  # the answered ones
    assert 1 <= sum("temperature" in b for b in bodies) <= 3  # refused: at least the first, none lost


def test_no_quota_is_not_retried(study):
    with ScriptedServer(default=error(429, "You exceeded your current quota.", "insufficient_quota")) as server:
        result, _, _ = run(study, server, n_candidates=2)
    assert result.notes == [f"llm: the account of this API key has no quota left at {server.url[7:-3]} "
                            "(HTTP 429 insufficient_quota): check its plan and billing."]
    assert len(server.chat_requests) == 2


def test_repair_sends_the_candidate_back_with_its_counterexample(study):
    from jupyter_optimize.model import Candidate, Counterexample

    func, calls, profile = study
    wrong = Candidate("llm-2", "llm", demo.ARGMAX, None, "argmax finds the first filled bin.")
    cx = Counterexample("equalize(img=<uint8 array (32, 32), 90..166>, mask=<bool array (32, 32), 0 True>)",
                        "returned <uint8 array (32, 32), all 255>", "returned <uint8 array (32, 32), all 0>",
                        "return value: 1024 of 1024 elements differ, e.g. [0, 0]: 255 -> 0", "live", calls[1])
    with ScriptedServer([chat(GOOD)]) as server:
        request = request_for(study, server)
        fixed = repair_candidate(request, wrong, cx)
    assert fixed.name == "llm-2-repaired" and fixed.origin == "llm" and fixed.source == demo.VECTORIZED
    (sent,) = server.chat_requests
    messages = sent.body["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert demo.ARGMAX.strip() in messages[2]["content"]
    assert "mask: numpy.ndarray, dtype bool, shape (32, 32), all False" in messages[3]["content"]
    assert "1024 of 1024 elements differ" in messages[3]["content"] and "255 -> 0" not in messages[3]["content"]


def test_repair_gives_none_when_the_answer_is_no_better(study):
    from jupyter_optimize.model import Candidate

    wrong = Candidate("llm-1", "llm", demo.ARGMAX, None, "")
    with ScriptedServer([chat(WRONG), chat(NO_CODE)]) as server:
        request = request_for(study, server)
        assert repair_candidate(request, wrong, "it differs when the mask is empty") is None  # same code
        assert repair_candidate(request, wrong, "it differs when the mask is empty") is None  # no code
    url = f"http://127.0.0.1:{unused_port()}/v1"
    request = request_for(study, None, base_url=url)
    assert repair_candidate(request, wrong, "it differs") is None

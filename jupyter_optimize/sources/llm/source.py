"""The "llm" source: faster versions from a language model behind any
OpenAI-compatible Chat Completions endpoint (OpenAI, Azure OpenAI, vLLM,
Ollama, LM Studio, llama.cpp's server), through the `openai` client.

Configuration: the key only from ``OPENAI_API_KEY``; the endpoint from
``options.base_url`` or ``OPENAI_BASE_URL`` (OpenAI when neither); the model
from ``options.model`` or ``OPENAI_MODEL`` or `DEFAULT_MODEL`.

``n_candidates`` requests (one completion each: several local servers ignore
``n``) go out concurrently on threads (a kernel already runs an event loop, so
no asyncio), each with a different approach to try. Retries are ours, not the
client's (``max_retries=0``): the client would also retry timeouts and refused
connections, so an unreachable server or a slow model would cost several
times the timeout, and it retries silently. Here 429 and 5xx are retried
with exponential backoff or the server's ``Retry-After``, at most
`MAX_ATTEMPTS` times; a timeout is final. A configuration problem (no key,
wrong key, unreachable server, unknown model) never raises: the result has
no candidates and one note line that says what to do.

`openai` is imported inside functions only: the core never loads it.
"""
from __future__ import annotations

import email.utils
import os
import random
import threading
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ...errors import close_matches
from ...model import Candidate, Counterexample
from ...options import Options
from ..protocol import SourceRequest, SourceResult
from . import parse, prompt

DEFAULT_MODEL = "gpt-4.1-mini"
OPENAI_URL = "https://api.openai.com/v1"
MAX_ATTEMPTS = 4  # per request: the first try and up to three retries on 429 / 5xx
MAX_RETRY_WAIT = 60.0  # a Retry-After longer than this is not waited for
BACKOFF_START, BACKOFF_CAP = 0.5, 8.0
CONNECT_TIMEOUT = 5.0
MAX_THREADS = 8
WHERE_TO_SET_URL = "OPENAI_BASE_URL, base_url=..., or %config Optimize.base_url"
WHERE_TO_SET_MODEL = "--model, %config Optimize.model, or OPENAI_MODEL"


@dataclass(frozen=True)
class Endpoint:
    base_url: str  # "" for OpenAI
    api_key: str = field(repr=False)  # "" when none is set (local servers need none); never shown
    model: str

    @property
    def url(self) -> str:
        return (self.base_url or OPENAI_URL).rstrip("/")

    @property
    def where(self) -> str:
        return urlsplit(self.url).netloc or self.url

    @property
    def label(self) -> str:
        return f"llm ({self.model} at {self.where})"


@dataclass(frozen=True)
class Answer:
    """What one request came back with: the reply's text, or why there is none."""

    text: str | None = None
    failure: str = ""  # phrased to follow a count: "timed out after 60 s"
    fatal: str = ""  # a configuration problem, the same for every request: "connect", "key", "quota", "not found"
    status: int | None = None  # HTTP status of the failure, when there was one
    note: str = ""  # the note line, when it could be written where the problem was seen


@dataclass(frozen=True)
class _Retry:
    delay: float
    failure: str  # the Answer's failure if no attempt is left
    status: int | None = None


class _Shared:
    """What one request learns that the others should know."""

    def __init__(self) -> None:
        self.send_temperature = True  # False once the model refused a temperature


# -- the source ---------------------------------------------------------------------

def llm_source(request: SourceRequest) -> SourceResult:
    endpoint = resolve_endpoint(request.options)
    problem = configuration_problem(endpoint, request)
    if problem or endpoint is None:
        return SourceResult([], [problem])
    try:
        client = make_client(endpoint, request.options)
    except Exception as exc:  # the client validates its arguments: say so, never a traceback
        return SourceResult([], [f"llm: the openai client could not be set up: {exc}"])
    try:
        answers = ask_all(client, endpoint, request)
        texts = [a.text for a in answers if a.text is not None]
        fatal = next((a for a in answers if a.fatal), None)
        if fatal is not None and not texts:
            return SourceResult([], [fatal_note(client, endpoint, fatal)])
    finally:
        client.close()
    collected = parse.collect(texts, request.function, request.source)
    return SourceResult(collected.candidates, [summary_note(endpoint, answers, collected)])


def resolve_endpoint(options: Options) -> Endpoint | None:
    """Where to send requests, or None when neither a key nor a base URL is set."""
    key = os.environ.get("OPENAI_API_KEY", "").strip()
    base_url = (options.base_url or os.environ.get("OPENAI_BASE_URL", "")).strip()
    if not key and not base_url:
        return None
    model = (options.model or os.environ.get("OPENAI_MODEL", "")).strip() or DEFAULT_MODEL
    return Endpoint(base_url, key, model)


def configuration_problem(endpoint: Endpoint | None, request: SourceRequest) -> str:
    """The note line for a setup that cannot work, before anything is sent; '' if none."""
    if endpoint is None:
        return ("llm: no language model configured, so no candidates from one. Set OPENAI_API_KEY for "
                f"OpenAI, or the base URL of another server ({WHERE_TO_SET_URL}).")
    if endpoint.base_url and urlsplit(endpoint.base_url).scheme not in ("http", "https"):
        return (f"llm: the base URL {endpoint.base_url!r} needs http:// or https://, "
                f"e.g. http://localhost:11434/v1.")
    if request.source is None:
        return f"llm: the source of {request.function.__name__} is not available, so there is nothing to send."
    return ""


def make_client(endpoint: Endpoint, options: Options) -> Any:
    import openai

    timeout = openai.Timeout(options.llm_timeout, connect=min(CONNECT_TIMEOUT, options.llm_timeout))
    # Local servers ignore the key, but the client insists on one.
    return openai.OpenAI(api_key=endpoint.api_key or "unused", base_url=endpoint.url,
                         max_retries=0, timeout=timeout)


# -- requests --------------------------------------------------------------------

def ask_all(client: Any, endpoint: Endpoint, request: SourceRequest) -> list[Answer]:
    """`n_candidates` requests at once; progress as answers arrive; answers in request order."""
    n = request.options.n_candidates
    shared, stop, state = prompt.shared_part(request), threading.Event(), _Shared()
    request.progress(f"llm: asking {endpoint.model} at {endpoint.where} for {n} candidate(s)")
    pool = ThreadPoolExecutor(max_workers=min(n, MAX_THREADS), thread_name_prefix="jupyter-optimize-llm")
    try:
        futures = {pool.submit(ask, client, endpoint.model, prompt.build_messages(request, i, shared),
                               request.options, stop, state): i for i in range(n)}
        answers: dict[int, Answer] = {}
        for future in as_completed(futures):
            answers[futures[future]] = answer = _result(future)
            if answer.fatal:
                stop.set()  # the others would fail the same way: no retries
            request.progress(f"llm: {len(answers)} of {n} answers from {endpoint.model}")
    except BaseException:  # Ctrl-C: stop retrying and do not wait for the stragglers
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)  # no idle threads left behind when the sandbox forks
    return [answers[i] for i in sorted(answers)]


def _result(future: Future[Answer]) -> Answer:
    try:
        return future.result()
    except Exception as exc:  # a bug of ours must not take the run down
        return Answer(failure=_one_line(f"failed ({type(exc).__name__}: {exc})"))


def ask(client: Any, model: str, messages: list[dict[str, str]], options: Options,
        stop: threading.Event | None = None, state: _Shared | None = None) -> Answer:
    """One completion, retried on 429 and 5xx; never raises."""
    stop, state = stop or threading.Event(), state or _Shared()
    for attempt in range(MAX_ATTEMPTS):
        temperature = options.temperature if state.send_temperature else None
        try:
            return Answer(text=complete(client, model, messages, temperature))
        except Exception as exc:  # every failure becomes an Answer or a retry
            outcome = classify(exc, options, state, attempt, temperature is not None)
        if isinstance(outcome, Answer):
            return outcome
        if attempt + 1 == MAX_ATTEMPTS or stop.is_set():
            return Answer(failure=outcome.failure, status=outcome.status)
        if outcome.delay > MAX_RETRY_WAIT:
            return Answer(failure=f"rate limited: the server asked to wait {outcome.delay:.0f} s", status=outcome.status)
        if stop.wait(outcome.delay):
            return Answer(failure=outcome.failure, status=outcome.status)
    raise AssertionError("unreachable")


def complete(client: Any, model: str, messages: list[dict[str, str]], temperature: float | None) -> str:
    extra = {} if temperature is None else {"temperature": temperature}
    response = client.chat.completions.create(model=model, messages=messages, **extra)
    choices = getattr(response, "choices", None) or []
    return (choices[0].message.content or "") if choices else ""


def classify(exc: Exception, options: Options, state: _Shared, attempt: int, sent_temperature: bool) -> Answer | _Retry:
    """A final Answer for *exc*, or how long to wait before the next attempt."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return Answer(failure=f"timed out after {options.llm_timeout:g} s")
    if isinstance(exc, openai.APIConnectionError):
        return Answer(fatal="connect", failure="could not connect", note=_cannot_connect(exc))
    if not isinstance(exc, openai.APIStatusError):
        return Answer(failure=_one_line(f"failed ({type(exc).__name__}: {exc})"))
    return _classify_status(exc, state, attempt, sent_temperature)


def _classify_status(exc: Any, state: _Shared, attempt: int, sent_temperature: bool) -> Answer | _Retry:
    status, code = exc.status_code, getattr(exc, "code", None)
    if status in (401, 403):
        return Answer(fatal="key", status=status, failure=f"refused (HTTP {status})")
    if status == 404:
        return Answer(fatal="not found", status=404, failure="not found (HTTP 404)")
    if status == 429 and code == "insufficient_quota":
        return Answer(fatal="quota", status=429, failure="refused: no quota left (HTTP 429)")
    if status == 400 and "temperature" in str(exc).lower() and sent_temperature:
        state.send_temperature = False  # e.g. reasoning models accept only their default
        return _Retry(0.0, _one_line(f"refused (HTTP 400: {_message(exc)})"), 400)
    if status in (408, 409, 429) or status >= 500:
        delay = retry_after(exc.response.headers)
        why = "rate limited (HTTP 429)" if status == 429 else f"failed with HTTP {status}"
        return _Retry(backoff(attempt) if delay is None else delay, f"{why} on all {MAX_ATTEMPTS} attempts", status)
    return Answer(failure=_one_line(f"refused (HTTP {status}: {_message(exc)})"), status=status)


def retry_after(headers: Any) -> float | None:
    """Seconds the server asks to wait: retry-after-ms, Retry-After in seconds or as an HTTP date."""
    for name, scale in (("retry-after-ms", 1e-3), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value) * scale)
        except ValueError:
            pass
        try:
            return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    return None


def backoff(attempt: int) -> float:
    """0.5 s, 1 s, 2 s, ... up to 8 s, less up to a quarter at random (spreads concurrent retries)."""
    return min(BACKOFF_START * 2.0 ** attempt, BACKOFF_CAP) * (1 - 0.25 * random.random())


# -- notes -------------------------------------------------------------------------

def summary_note(endpoint: Endpoint, answers: list[Answer], collected: parse.Collected) -> str:
    """One line: '6 responses: 4 candidates, 1 without code, 1 duplicate' (+ what failed)."""
    responses = sum(a.text is not None for a in answers)
    failed = Counter(a.failure for a in answers if a.text is None)
    if responses == 0:
        return f"{endpoint.label}: no answer: {_failures(failed, everything=True)}{_hint(failed)}"
    line = parse.summary(responses, collected)
    if failed:
        line = f"{len(answers)} requests, {line}; {_failures(failed)}"
    return f"{endpoint.label}: {line}"


def _failures(failed: Counter[str], everything: bool = False) -> str:
    if everything and len(failed) == 1:
        (reason, count), = failed.items()
        return f"{'all ' + str(count) + ' requests' if count > 1 else 'the request'} {reason}"
    return ", ".join(f"{failed[reason]} {reason}" for reason in sorted(failed))


def _hint(failed: Counter[str]) -> str:
    if any(reason.startswith("timed out") for reason in failed):
        return ". Raise the timeout (%config Optimize.timeout, or llm_timeout=...) or choose a faster model."
    return ""


def fatal_note(client: Any, endpoint: Endpoint, answer: Answer) -> str:
    if answer.note:
        return answer.note
    if answer.fatal == "key":
        if not endpoint.api_key:
            return f"llm: {endpoint.where} wants an API key (HTTP {answer.status}): set OPENAI_API_KEY."
        return (f"llm: {endpoint.where} rejected the API key (HTTP {answer.status}): "
                f"set OPENAI_API_KEY to a valid key for this server.")
    if answer.fatal == "quota":
        return (f"llm: the account of this API key has no quota left at {endpoint.where} "
                f"(HTTP 429 insufficient_quota): check its plan and billing.")
    return _not_found_note(client, endpoint)


def _not_found_note(client: Any, endpoint: Endpoint) -> str:
    models = available_models(client)
    if models and endpoint.model not in models:
        hint = close_matches(endpoint.model, models)
        listed = ", ".join(models[:12]) + (", ..." if len(models) > 12 else "")
        return (f"llm: model {endpoint.model!r} is not available at {endpoint.where} (HTTP 404).{hint} "
                f"Choose one with {WHERE_TO_SET_MODEL}; the server offers: {listed}.")
    return (f"llm: {endpoint.url}/chat/completions answered 404 for model {endpoint.model!r}: check the model "
            f"name ({WHERE_TO_SET_MODEL}) and the base URL (it usually ends in /v1).")


def available_models(client: Any) -> list[str]:
    """The model names the server lists, or [] when it lists none."""
    try:
        return sorted(model.id for model in client.models.list(timeout=CONNECT_TIMEOUT))
    except Exception:  # listing is only a hint
        return []


def _cannot_connect(exc: Exception) -> str:
    request = getattr(exc, "request", None)
    url = str(getattr(request, "url", "")) or "the server"
    cause = f" ({_one_line(str(exc.__cause__))})" if exc.__cause__ else ""
    return (f"llm: cannot connect to {url.rsplit('/chat/completions', 1)[0]}{cause}. Is the server running? "
            f"Check the base URL ({WHERE_TO_SET_URL}).")


def _message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    text = body.get("message") if isinstance(body, dict) else None
    return _one_line(str(text or getattr(exc, "message", exc)), 120)


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# -- repair ------------------------------------------------------------------------

def repair_candidate(request: SourceRequest, candidate: Candidate,
                     counterexample_text: str | Counterexample) -> Candidate | None:
    """Send a rejected candidate back once with why it was rejected; the fix, or None.

    Pass the `Counterexample` itself where possible: its live inputs then go
    out only as types, shapes and rough ranges. A string is sent as given.
    """
    endpoint = resolve_endpoint(request.options)
    if endpoint is None or configuration_problem(endpoint, request) or not candidate.source:
        return None
    failure = counterexample_text if isinstance(counterexample_text, str) \
        else prompt.counterexample_text(request.function, counterexample_text)
    messages = prompt.repair_messages(request, _number(candidate) - 1, candidate.source, candidate.explanation, failure)
    request.progress(f"llm: asking {endpoint.model} to repair {candidate.name}")
    try:
        client = make_client(endpoint, request.options)
    except Exception:
        return None
    try:
        answer = ask(client, endpoint.model, messages, request.options)
    finally:
        client.close()
    return _repaired(request, candidate, answer)


def _repaired(request: SourceRequest, candidate: Candidate, answer: Answer) -> Candidate | None:
    if answer.text is None:
        return None
    found = parse.collect([answer.text], request.function, request.source).candidates
    if not found or parse.normalized(found[0].source or "") == parse.normalized(candidate.source or ""):
        return None
    return Candidate(f"{candidate.name}-repaired", "llm", found[0].source, None, found[0].explanation)


def _number(candidate: Candidate) -> int:
    tail = candidate.name.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 1

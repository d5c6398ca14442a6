"""A scripted OpenAI-compatible Chat Completions server on 127.0.0.1.

Real HTTP (http.server in a thread), so the real `openai` client is what the
tests drive. Every request is recorded (path, headers, raw body). Replies to
``POST /v1/chat/completions`` come from a script consumed in arrival order;
when it runs out, `default` answers. ``GET /v1/models`` lists `models`.
The server checks the bearer key (401) and the model name (404) the way
OpenAI does, before it looks at the script.
"""
from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    status: int = 200
    content: str | None = None  # the assistant's message, for a 200
    error: dict | None = None  # OpenAI-style {"message", "type", "code"} for an error status
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering


def chat(content: str | None, delay: float = 0.0) -> Reply:
    return Reply(200, content, delay=delay)


def error(status: int, message: str = "error", code: str | None = None, headers: dict | None = None) -> Reply:
    kind = "rate_limit_error" if status == 429 else "server_error" if status >= 500 else "invalid_request_error"
    return Reply(status, error={"message": message, "type": kind, "code": code}, headers=headers or {})


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict
    raw: str  # the body exactly as it arrived
    at: float  # time.monotonic()

    @property
    def body(self) -> Any:
        return json.loads(self.raw) if self.raw else None


class ScriptedServer:
    def __init__(self, script: list[Reply] = (), default: Reply | None = None,
                 api_key: str | None = "sk-test", models: tuple[str, ...] = ("test-model",),
                 refuse_temperature: bool = False):
        self.script = list(script)
        self.refuse_temperature = refuse_temperature  # like reasoning models: only the default temperature
        self.default = default or chat("I have nothing to add.")
        self.api_key, self.models = api_key, models
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.httpd = _HTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    @property
    def chat_requests(self) -> list[Received]:
        return [r for r in self.received if r.path.endswith("/chat/completions")]

    def everything_sent(self) -> str:
        """All the bytes the client sent: bodies and headers, as text."""
        return "\n".join(f"{r.path}\n{json.dumps(r.headers)}\n{r.raw}" for r in self.received)

    def next_reply(self) -> Reply:
        with self.lock:
            return self.script.pop(0) if self.script else self.default

    def __enter__(self) -> ScriptedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()  # releases slow replies
        self.httpd.shutdown()
        self.httpd.server_close()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # a slow reply never holds up the end of a test
    request_queue_size = 64  # many requests arrive at once


def _handler_for(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            self._record("")
            if self.path.rstrip("/") == "/v1/models":
                data = [{"id": m, "object": "model", "created": 0, "owned_by": "test"} for m in server.models]
                return self._send(200, {"object": "list", "data": data})
            self._send(404, {"error": {"message": f"no route {self.path}", "type": "not_found", "code": None}})

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            self._record(raw)
            if self.path.rstrip("/") != "/v1/chat/completions":
                return self._send(404, {"error": {"message": f"no route {self.path}", "type": "not_found", "code": None}})
            if server.api_key is not None and self.headers.get("Authorization") != f"Bearer {server.api_key}":
                return self._reply(error(401, "Incorrect API key provided.", "invalid_api_key"))
            body = json.loads(raw)
            model = body.get("model")
            if model not in server.models:
                return self._reply(error(404, f"The model `{model}` does not exist.", "model_not_found"))
            if server.refuse_temperature and body.get("temperature", 1) != 1:
                return self._reply(error(400, f"Unsupported value: 'temperature' does not support "
                                              f"{body['temperature']} with this model.", "unsupported_value"))
            self._reply(server.next_reply(), model)

        def _record(self, raw: str) -> None:
            with server.lock:
                server.received.append(Received(self.command, self.path, dict(self.headers), raw, time.monotonic()))

        def _reply(self, reply: Reply, model: str = "") -> None:
            if reply.delay and server.stopping.wait(reply.delay):
                return
            if reply.status != 200:
                return self._send(reply.status, {"error": reply.error}, reply.headers)
            self._send(200, _completion(model, reply.content))

        def _send(self, status: int, payload: dict, headers: dict | None = None) -> None:
            body = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, str(value))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                pass

    return Handler


def _completion(model: str, content: str | None) -> dict:
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def unused_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

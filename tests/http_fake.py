"""The HTTP side of the fake platform APIs: a JSON server on a free loopback port, in a thread."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Answer:
    status: int
    body: Any = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


# handle(method, path with query, headers with lower-case names, body) -> Answer
Handle = Callable[[str, str, dict[str, str], bytes], Answer]


class FakeServer:
    """Serves every request with `handle` until closed."""

    def __init__(self, handle: Handle) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.handle_request_with = handle
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class _Handler(BaseHTTPRequestHandler):
    """Hands each HTTP request to the fake and writes its JSON answer."""

    # Connections kept open from one request to the next, as LINE's and Slack's are: with
    # HTTP/1.0 every call opened a new one (and a new thread here), which a client's pool never
    # pays in production, and bench.city's workers and fake paid on every message.
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # the body's write not held back until the headers' is acknowledged

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        answer = self.server.handle_request_with(self.command, self.path, headers, body)
        binary = isinstance(answer.body, bytes)  # a blob, such as an image's content
        payload = answer.body if binary else json.dumps(answer.body).encode()
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        if not binary:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args) -> None:  # keep test output quiet
        pass

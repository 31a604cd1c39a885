"""A real HTTP receiver of webhooks on a loopback port, in a thread: it checks each request's
signature as a partner would (``standardwebhooks.Webhook(secret).verify``), answers 503 while
``down`` says so, and keeps what it accepted."""

from __future__ import annotations

import json
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    payload: dict[str, Any]


@dataclass
class Receiver:
    secret: str = ""
    # Answer 503 to this many requests first (an outage), then 204.
    down_for: int = 0
    # Answer every request with this instead (a redirect: 302).
    answer: int | None = None
    # Seconds to wait before answering (a slow receiver).
    delay: float = 0.0
    accepted: list[Received] = field(default_factory=list)
    requests: int = 0
    refused_signatures: int = 0
    hosts: list[str] = field(default_factory=list)
    sni: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    def url(self, path: str = "/hooks", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def start(self, *, tls: ssl.SSLContext | None = None) -> Receiver:
        """Serve on a free loopback port; over TLS with ``tls`` (its names seen in ``sni``)."""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                time.sleep(receiver.delay)
                headers = {key.lower(): value for key, value in self.headers.items()}
                with receiver._lock:
                    receiver.requests += 1
                    receiver.hosts.append(headers.get("host", ""))
                    if receiver.answer is not None:
                        self._reply(receiver.answer, {"Location": "http://127.0.0.1:9/"})
                        return
                    if receiver.down_for > 0:
                        receiver.down_for -= 1
                        self._reply(503)
                        return
                    try:
                        payload = Webhook(receiver.secret).verify(body, headers)
                    except WebhookVerificationError:
                        receiver.refused_signatures += 1
                        self._reply(400)
                        return
                    receiver.accepted.append(Received(headers, body, payload))
                self._reply(204)

            def _reply(self, status: int, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:

            def seen(_socket: ssl.SSLObject, name: str | None, _context: ssl.SSLContext) -> None:
                self.sni.append(name or "")

            tls.sni_callback = seen
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def event_ids(self) -> list[str]:
        with self._lock:
            return [received.payload["id"] for received in self.accepted]

    def wait_for(self, count: int, *, timeout: float = 20) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.accepted) >= count:
                    return list(self.accepted)
            time.sleep(0.05)
        with self._lock:
            seen = json.dumps([received.payload for received in self.accepted])[:500]
            raise AssertionError(
                f"{len(self.accepted)} of {count} events received "
                f"({self.requests} requests): {seen}"
            )

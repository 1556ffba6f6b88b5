"""Real HTTP receivers on 127.0.0.1, in threads: webhook endpoints for the tests.

A receiver records every request (headers and raw body) and answers with the statuses it is
scripted to give, in turn (the last one from then on); it can also redirect, or hang.
"""

import contextlib
import http.server
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from leads_domain.webhooks.signature import HEADER


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def signature(self) -> str | None:
        return self.headers.get(HEADER.lower())


@dataclass
class Receiver:
    port: int
    statuses: list[int] = field(default_factory=lambda: [200])
    redirect_to: str | None = None
    hang_seconds: float = 0.0
    requests: list[Received] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def localhost_url(self, path: str = "/hook") -> str:
        return f"http://localhost:{self.port}{path}"

    def answer(self) -> int:
        with self._lock:
            return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]

    def record(self, received: Received) -> None:
        with self._lock:
            self.requests.append(received)

    def wait_for(self, count: int, seconds: float = 30.0) -> list[Received]:
        """The first ``count`` requests, once they came (generous: the machine is shared)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.05)
        with self._lock:
            raise AssertionError(f"{len(self.requests)} requests came, not {count}")


def _handler(receiver: Receiver) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            receiver.record(
                Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            if receiver.hang_seconds:
                time.sleep(receiver.hang_seconds)
            if receiver.redirect_to:
                self.send_response(302)
                self.send_header("Location", receiver.redirect_to)
            else:
                self.send_response(receiver.answer())
            self.send_header("Content-Length", "2")
            self.send_header("Connection", "close")
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextlib.contextmanager
def running_receiver(**options: Any) -> Iterator[Receiver]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    receiver = Receiver(server.server_address[1], **options)
    server.RequestHandlerClass = _handler(receiver)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()

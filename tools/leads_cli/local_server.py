"""The HTTP server in front of the local API Gateway: request line, headers, size limits, one
log line per request."""

import contextlib
import time
import uuid
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from leads_cli.gateway import MAX_BODY_BYTES, Gateway
from leads_cli.http_message import Answer

# API Gateway's limit on the request line and headers together.
MAX_HEADER_BYTES = 10 * 1024


class _Handler(BaseHTTPRequestHandler):
    """A connection's requests, refused as API Gateway refuses them or handed to the gateway."""

    server: "LocalApiServer"
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without this, Nagle's algorithm holds the
    # body until the client's delayed ACK, ~40 ms per request on a kept-alive connection.
    disable_nagle_algorithm = True

    def _serve(self) -> None:
        started = time.perf_counter()
        answer = self._too_large_or_malformed()
        if answer is None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            answer = self.server.gateway.handle(
                self.command, self.path, list(self.headers.items()), body
            )
        else:
            # The body was not read: this connection cannot carry another request.
            self.close_connection = True
        self._send(answer)
        elapsed = (time.perf_counter() - started) * 1000
        path = urlsplit(self.path).path
        self.server.gateway.log(
            f"{self.command} {path} {answer.status} {elapsed:.1f}ms {answer.function}"
        )

    def _too_large_or_malformed(self) -> Answer | None:
        """What API Gateway answers before any route is looked at, if anything."""
        responses = self.server.gateway.responses
        header_bytes = len(self.requestline) + sum(
            len(name) + len(value) for name, value in self.headers.items()
        )
        if header_bytes > MAX_HEADER_BYTES:
            return responses.answer("REQUEST_TOO_LARGE", str(uuid.uuid4()), "Request Too Long")
        if self.headers.get("Transfer-Encoding"):
            # Bodies must say their length up front; chunked uploads are not taken.
            return responses.answer("DEFAULT_4XX", str(uuid.uuid4()), "Length Required", status=411)
        lengths = self.headers.get_all("Content-Length") or ["0"]
        length = lengths[0]
        if len(set(lengths)) > 1 or not length.isdigit():
            return responses.answer(
                "DEFAULT_4XX", str(uuid.uuid4()), "Invalid Content-Length", status=400
            )
        if int(length) > MAX_BODY_BYTES:
            return responses.answer("REQUEST_TOO_LARGE", str(uuid.uuid4()), "Request Too Long")
        return None

    def _send(self, answer: Answer) -> None:
        self.send_response(answer.status)
        for name, value in answer.headers:
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (a request line or header too long, too many headers,
        a malformed request) in the API's error shape, as API Gateway would answer them. A
        method no route has (TRACE, a lower-case verb) is a route API Gateway does not know."""
        responses = self.server.gateway.responses
        if code == HTTPStatus.NOT_IMPLEMENTED:
            answer = responses.answer(
                "MISSING_AUTHENTICATION_TOKEN", str(uuid.uuid4()), "Missing Authentication Token"
            )
        else:
            answer = responses.answer(
                "DEFAULT_4XX" if code < 500 else "DEFAULT_5XX",
                str(uuid.uuid4()),
                message or "Bad Request",
                status=code,
            )
        self.close_connection = True
        with contextlib.suppress(OSError):  # the client may already have gone
            self._send(answer)

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = do_OPTIONS = do_HEAD = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per request comes from _serve


class LocalApiServer(ThreadingHTTPServer):
    """The local API on a TCP port, each connection in a thread of its own."""

    daemon_threads = True
    allow_reuse_address = True
    # Python's default backlog of 5 resets connections when many clients arrive at once.
    request_queue_size = 128

    def __init__(self, gateway: Gateway, host: str = "127.0.0.1", port: int = 3000) -> None:
        self.gateway = gateway
        super().__init__((host, port), _Handler)

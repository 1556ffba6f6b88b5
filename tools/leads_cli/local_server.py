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
from leads_cli.gateway_responses import refusal
from leads_cli.http_message import Answer

# API Gateway's limit on the request line and headers together.
MAX_HEADER_BYTES = 10 * 1024
URI_TOO_LONG = (
    HTTPStatus.REQUEST_URI_TOO_LONG,
    "uri_too_long",
    f"The request URI is too long: the request line and headers may hold {MAX_HEADER_BYTES:,} "
    "bytes together.",
)
HEADERS_TOO_LARGE = (
    HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
    "headers_too_large",
    f"The request headers are too large: the request line and headers may hold "
    f"{MAX_HEADER_BYTES:,} bytes together.",
)


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
        self._log(answer, urlsplit(self.path).path, started)

    def _log(self, answer: Answer, path: str, started: float) -> None:
        # The path only: a query string may carry what a client should not have put there.
        elapsed = (time.perf_counter() - started) * 1000
        self.server.gateway.log(
            f"{self.command or '-'} {path} {answer.status} {elapsed:.1f}ms {answer.function}"
        )

    def _too_large_or_malformed(self) -> Answer | None:
        """What API Gateway answers before any route is looked at, if anything."""
        responses = self.server.gateway.responses
        line_bytes = len(self.requestline)
        header_bytes = sum(len(name) + len(value) for name, value in self.headers.items())
        if line_bytes + header_bytes > MAX_HEADER_BYTES:
            # Say which part is too long: the larger one made the request too long.
            status, code, message = URI_TOO_LONG if line_bytes > header_bytes else HEADERS_TOO_LARGE
            return refusal(status, code, message, str(uuid.uuid4()))
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
        method no route has (TRACE, a lower-case verb) is a route API Gateway does not know.
        http.server's ``message`` quotes the raw request line, which may carry a key sent in a
        query string: only a fixed message for the status goes out."""
        started = time.perf_counter()
        responses = self.server.gateway.responses
        request_id = str(uuid.uuid4())
        if code == HTTPStatus.NOT_IMPLEMENTED:
            answer = responses.answer(
                "MISSING_AUTHENTICATION_TOKEN", request_id, "Missing Authentication Token"
            )
        elif code == HTTPStatus.REQUEST_URI_TOO_LONG:
            answer = refusal(*URI_TOO_LONG, request_id)
        elif code == HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE:
            answer = refusal(*HEADERS_TOO_LARGE, request_id)
        else:
            answer = responses.answer(
                "DEFAULT_4XX" if code < 500 else "DEFAULT_5XX",
                request_id,
                _fixed_message(code),
                status=code,
            )
        self.close_connection = True
        # A request line whose version could not be read leaves http.server answering as
        # HTTP/0.9 (a body without status or headers); API Gateway answers HTTP/1.1.
        if self.request_version not in ("HTTP/1.0", "HTTP/1.1"):
            self.request_version = self.protocol_version
        with contextlib.suppress(OSError):  # the client may already have gone
            self._send(answer)
        # The request line could not be read as one: nothing of it is logged.
        self._log(answer, "-", started)

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = do_OPTIONS = do_HEAD = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per request comes from _serve


def _fixed_message(code: int) -> str:
    """The status's own reason phrase: never anything of the request."""
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Bad Request"


class LocalApiServer(ThreadingHTTPServer):
    """The local API on a TCP port, each connection in a thread of its own."""

    daemon_threads = True
    allow_reuse_address = True
    # Python's default backlog of 5 resets connections when many clients arrive at once.
    request_queue_size = 128

    def __init__(self, gateway: Gateway, host: str = "127.0.0.1", port: int = 3000) -> None:
        self.gateway = gateway
        super().__init__((host, port), _Handler)

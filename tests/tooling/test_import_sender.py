"""`leads import`'s sending of one batch, against a scripted HTTP server: 409, 429 and 5xx are
retried with backoff and never sooner than Retry-After, with the same Idempotency-Key and body
every time; other refusals are not retried; a refused key stops the import."""

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from leads_cli import import_sender
from leads_cli.import_rows import Row
from leads_cli.import_sender import ATTEMPTS, Batch, ImportAborted, Sender, idempotency_key

Reply = tuple[int, dict[str, str], Any]  # status, headers, JSON body (None: drop the connection)


class Scripted:
    """An HTTP server answering POSTs with the replies given, in turn; it keeps what it got."""

    def __init__(self, replies: list[Reply]) -> None:
        self.replies = replies
        self.requests: list[tuple[dict[str, str], Any]] = []
        script = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                script.requests.append((dict(self.headers), json.loads(self.rfile.read(length))))
                status, headers, body = script.replies.pop(0)
                if body is None:
                    self.close_connection = True
                    return
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in {**headers, "Content-Type": "application/json"}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits between attempts, recorded instead of slept."""
    waited: list[float] = []
    monkeypatch.setattr(import_sender.time, "sleep", waited.append)
    return waited


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[Scripted] = []

    def start(*replies: Reply) -> Scripted:
        servers.append(Scripted(list(replies)))
        return servers[-1]

    yield start
    for server in servers:
        server.server.shutdown()


ROWS = [Row(2, {}, {"city": "Oslo"}), Row(3, {}, {"city": "Rome"})]
BATCH = Batch(7, ROWS)


def error(status: int, code: str) -> Reply:
    message = {"error": {"type": "api_error", "code": code, "message": "No.", "param": None}}
    return status, {}, message


def created(*entries: Any, replayed: bool = False) -> Reply:
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    body = {"data": list(entries), "created": 0, "failed": 0}
    return 200, headers, body


LEAD = {"id": "lead_1"}


def test_409_429_503_and_a_lost_connection_are_retried_never_before_retry_after(serve, sleeps):
    in_five_seconds = format_datetime(datetime.now(UTC) + timedelta(seconds=5), usegmt=True)
    server = serve(
        error(409, "idempotency_in_progress"),
        (429, {"Retry-After": "3"}, {"error": {"code": "rate_limited", "message": "Slow."}}),
        (503, {"Retry-After": in_five_seconds}, {"error": {"code": "x", "message": "Down."}}),
        (0, {}, None),
        created(LEAD, LEAD),
    )

    outcome = Sender(server.url, "sk_test_k", "ab" * 32).send(BATCH)

    assert (outcome.created, outcome.failure, outcome.requests) == (2, None, 5)
    assert len(sleeps) == 4 and sleeps[1] >= 3 and sleeps[2] >= 3.5
    assert all(wait <= import_sender.MAX_BACKOFF_SECONDS for wait in (sleeps[0], sleeps[3]))
    # Every attempt is the same request: one key, one body
    keys = {headers["Idempotency-Key"] for headers, _ in server.requests}
    assert keys == {idempotency_key("ab" * 32, 7)}
    assert all(
        body == {"leads": [{"city": "Oslo"}, {"city": "Rome"}]} for _, body in server.requests
    )
    assert all(h["Authorization"] == "Bearer sk_test_k" for h, _ in server.requests)


def test_a_refusal_other_than_those_is_not_retried(serve, sleeps) -> None:
    server = serve(error(400, "body_invalid"))
    outcome = Sender(server.url, "k", "cd" * 32).send(BATCH)
    assert outcome.requests == 1 and sleeps == []
    assert outcome.failure == "400 body_invalid: No."


def test_a_batch_still_unavailable_after_every_attempt_fails(serve, sleeps) -> None:
    server = serve(*[error(503, "service_unavailable")] * ATTEMPTS)
    outcome = Sender(server.url, "k", "ef" * 32).send(BATCH)
    assert outcome.requests == ATTEMPTS and len(sleeps) == ATTEMPTS - 1
    assert outcome.failure and outcome.failure.startswith("503")


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_stops_the_import(serve, sleeps, status: int) -> None:
    server = serve(error(status, "api_key_invalid"))
    with pytest.raises(ImportAborted, match="refused the key"):
        Sender(server.url, "k", "00" * 32).send(BATCH)


def test_the_answer_says_what_was_created_refused_and_replayed(serve, sleeps) -> None:
    refusal = {
        "error": {
            "type": "invalid_request_error",
            "code": "parameter_invalid",
            "message": "Too long.",
            "param": "leads[1].city",
            "request_id": "r",
        }
    }
    server = serve(created(LEAD, refusal, replayed=True))
    outcome = Sender(server.url, "k", "11" * 32).send(BATCH)
    assert (outcome.created, outcome.replayed) == (1, True)
    assert outcome.refused == [(ROWS[1], "city: Too long. (parameter_invalid)")]


def test_keys_differ_by_file_and_by_batch_and_fit_the_header() -> None:
    digest = "f" * 64
    assert idempotency_key(digest, 1) == idempotency_key(digest, 1)
    assert idempotency_key(digest, 1) != idempotency_key(digest, 2)
    assert idempotency_key(digest, 1) != idempotency_key("e" * 64, 1)
    assert len(idempotency_key(digest, 10**9)) <= 255

"""The local run as an HTTP server: what any client (curl, a browser, requests.Session) sees."""

import http.client
import re
import socket
import statistics
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests

from support.assertions import RawAnswer, assert_error
from support.local_api import LocalApi

pytestmark = pytest.mark.http

# Nothing the local run answers takes anywhere near this on a kept-alive connection; a
# delayed-ACK stall (Nagle's algorithm on the server's two writes per answer) takes >= 40 ms.
KEPT_ALIVE_MEDIAN_MS = 25
LOG_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ")


def _median_ms(session: requests.Session, url: str, headers: dict[str, str]) -> float:
    session.get(url, headers=headers, timeout=10)  # open the connection
    durations = []
    for _ in range(9):
        started = time.perf_counter()
        session.get(url, headers=headers, timeout=10)
        durations.append((time.perf_counter() - started) * 1000)
    return statistics.median(durations)


def test_requests_on_a_kept_alive_connection_are_answered_without_delay(
    local_api: LocalApi,
) -> None:
    # Given a client that keeps its connection open between requests, as browsers and
    # requests.Session do
    with requests.Session() as session:
        # When it sends requests that API Gateway answers itself (unknown route, no key)
        not_found = _median_ms(session, local_api.url("/no/such/route"), {})
        unauthorized = _median_ms(session, local_api.url("/api/crm/lead"), {})

    # Then each answer comes at once, not after a ~40 ms delayed-ACK stall
    assert not_found < KEPT_ALIVE_MEDIAN_MS, f"median {not_found:.1f} ms per request"
    assert unauthorized < KEPT_ALIVE_MEDIAN_MS, f"median {unauthorized:.1f} ms per request"


def test_kept_alive_connection_serves_several_requests(local_api: LocalApi) -> None:
    # Given one kept-alive connection
    with requests.Session() as session:
        # When several requests go over it, Then each gets its own complete answer
        for _ in range(3):
            response = session.get(local_api.url("/nope"), timeout=10)
            assert_error(response, 404, code="route_not_found")


def test_a_connection_the_server_closes_is_announced_with_connection_close(
    local_api: LocalApi,
) -> None:
    # Given a client that asks for the connection to be closed after its request
    host, port = local_api.base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", "/no/such/route", headers={"Connection": "close"})
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()

    # Then the answer says the server closes it (RFC 9112 9.6), so that clients that pool
    # connections do not send their next request into a closed socket
    assert response.status == 404
    assert (response.getheader("Connection") or "").lower() == "close"


def _raw_exchange(api: LocalApi, head: bytes) -> RawAnswer:
    """Send these bytes as they are, and read the answer."""
    host, port = api.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(head)
        response = http.client.HTTPResponse(connection)
        response.begin()
        return RawAnswer(response.status, response.headers, response.read())


SECRET = "sk_test_LeakedInAQueryStringDoNotEchoMe1234"
MALFORMED_REQUEST_LINES = {
    "a space in the target": f"GET /api/crm/lead?api_key={SECRET} extra HTTP/1.1",
    "an unknown HTTP version": f"GET /api/crm/lead?api_key={SECRET} HTTP/9.x",
    "no version, four words": f"GET /api/crm/lead ?api_key={SECRET} now",
    "a version that is a key": f"GET /api/crm/lead {SECRET}",
}


@pytest.mark.parametrize("line", MALFORMED_REQUEST_LINES.values(), ids=MALFORMED_REQUEST_LINES)
def test_a_malformed_request_line_is_a_400_that_echoes_nothing(
    local_api: LocalApi, line: str
) -> None:
    # Given a request line that cannot be parsed, with a key in its query string
    # When it is sent
    answer = _raw_exchange(local_api, f"{line}\r\nHost: x\r\n\r\n".encode())

    # Then it is a 400 in the error shape with a fixed message that quotes nothing of it
    error = assert_error(answer, 400, code="request_invalid", param=None)
    assert error["message"] == "Bad Request"
    assert SECRET not in answer.body.decode() and "api_key" not in answer.body.decode()


def test_every_log_line_starts_with_a_timestamp(local_api: LocalApi) -> None:
    # Given the local run's log so far
    offset = local_api.log_size()

    # When it answers a routed request, an unknown route and a malformed request line
    requests.get(local_api.url("/api/crm/lead"), timeout=10)
    requests.get(local_api.url("/no/such/route?q=1"), timeout=10)
    _raw_exchange(local_api, f"GET /?api_key={SECRET} HTTP/9.x\r\n\r\n".encode())

    # Then each logged line starts with the UTC time, and no query string is logged (a line
    # is written just after its answer is sent: wait for the last one)
    deadline = time.monotonic() + 10
    while len(lines := local_api.log_since(offset).splitlines()) < 3:
        assert time.monotonic() < deadline, lines
        time.sleep(0.05)
    for line in lines:
        assert LOG_TIMESTAMP.match(line), line
        stamp = datetime.strptime(line.split(" ", 1)[0], "%Y-%m-%dT%H:%M:%S.%fZ")
        assert abs(stamp.replace(tzinfo=UTC) - datetime.now(UTC)) < timedelta(minutes=5)
        assert SECRET not in line and "?q=1" not in line
    assert any(" GET /api/crm/lead 401 " in line for line in lines), lines
    assert any(" - - 400 " in line for line in lines), lines

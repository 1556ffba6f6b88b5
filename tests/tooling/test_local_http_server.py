"""The local run as an HTTP server: what any client (curl, a browser, requests.Session) sees."""

import http.client
import statistics
import time

import pytest
import requests

from support.assertions import assert_error
from support.local_api import LocalApi

pytestmark = pytest.mark.http

# Nothing the local run answers takes anywhere near this on a kept-alive connection; a
# delayed-ACK stall (Nagle's algorithm on the server's two writes per answer) takes >= 40 ms.
KEPT_ALIVE_MEDIAN_MS = 25


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

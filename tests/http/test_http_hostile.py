"""Hostile requests through `leads serve`, one table: each is answered with a 4xx in the API's
error shape (JSON, {"error": {type, code, message, param, request_id}}), and nothing is stored.

Requests go out over a raw socket, byte for byte as written here: no client library normalises
a path ("..", "%2F"), re-encodes a body, merges repeated headers or refuses a header it finds
too long. Each test is a fresh tenant: requests to the collection must leave it empty, and
requests aimed at a lead (PATCH, DELETE, GET) find one there that must come out unchanged.
"""

import contextlib
import http.client
import json
import select
import socket
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from support.assertions import RawAnswer, assert_error
from support.client import LeadsClient
from support.local_api import LocalApi
from support.reference import TEXT_LENGTH

pytestmark = pytest.mark.http

COLLECTION = "/api/crm/lead"
ITEM = COLLECTION + "/{id}"  # {id}: the id of the tenant's one lead
JSON = (("Content-Type", "application/json"),)
MB = 1024 * 1024


@dataclass(frozen=True)
class Hostile:
    """A request, and the refusal it must get."""

    method: str
    target: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = JSON
    status: int = 400
    code: str | None = None
    param: Any = ...  # the expected param (a str or None); ...: not checked
    # Sent as they are: no Content-Length is added for the body.
    raw_framing: bool = False


def post(body: bytes, status: int = 400, **kwargs: Any) -> Hostile:
    return Hostile("POST", COLLECTION, body, status=status, **kwargs)


def patch(body: bytes, status: int = 400, **kwargs: Any) -> Hostile:
    return Hostile("PATCH", ITEM, body, status=status, **kwargs)


def listing(query: str, param: Any = ..., code: str = "parameter_invalid") -> Hostile:
    return Hostile("GET", f"{COLLECTION}?{query}", headers=(), code=code, param=param)


def field_value(name: str, raw: bytes) -> bytes:
    return b'{"' + name.encode() + b'": ' + raw + b"}"


def nested(depth: int, inner: bytes = b"1") -> bytes:
    return b"[" * depth + inner + b"]" * depth


ARRAY_NESTING = nested(100_000)
OBJECT_NESTING = b'{"company_name": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_000 + b"}"
# Under API Gateway's 10 MB, over the 6 MB a Lambda event may carry.
BODY_8_MB = field_value("company_name", b'"' + b"x" * (8 * MB) + b'"')
# Over API Gateway's 10 MB payload limit.
BODY_11_MB = field_value("company_name", b'"' + b"x" * (11 * MB) + b'"')
TOO_LARGE = {"status": 413, "code": "body_too_large"}
URI_TOO_LONG = {"status": 414, "code": "uri_too_long", "param": None}
HEADERS_TOO_LARGE = {"status": 431, "code": "headers_too_large", "param": None}
INVALID_JSON = {"code": "body_invalid_json", "param": None}
NOT_AN_OBJECT = {"code": "body_invalid", "param": None}
NOT_JSON = {"status": 415, "code": "content_type_invalid", "param": "Content-Type"}
ROUTE_NOT_FOUND = {"status": 404, "code": "route_not_found", "param": None}
NO_SUCH_LEAD = {"status": 404, "code": "resource_missing", "param": "id"}
PRECONDITION_FAILED = {"status": 412, "code": "precondition_failed", "param": "If-Match"}


# Ids that are no lead of the tenant, though several are built from its lead's id ({id}).
HOSTILE_IDS = {
    "id with a slash": ("{id}/x", ROUTE_NOT_FOUND),
    "id with a trailing slash": ("{id}/", ROUTE_NOT_FOUND),
    "id then /..": ("{id}/..", ROUTE_NOT_FOUND),
    "id ..": ("..", NO_SUCH_LEAD),
    "id .": (".", NO_SUCH_LEAD),
    "id %2e%2e": ("%2e%2e", NO_SUCH_LEAD),
    "id with %2F": ("{id}%2F..%2F{id}", NO_SUCH_LEAD),
    "id with %00": ("{id}%00", NO_SUCH_LEAD),
    "id %FF (not UTF-8)": ("lead_%FF", NO_SUCH_LEAD),
    "id with %20": ("%20{id}", NO_SUCH_LEAD),
    "id of 5,000 characters": ("lead_" + "a" * 5000, NO_SUCH_LEAD),
    "id upper-cased": ("{ID}", NO_SUCH_LEAD),
}
EVERY_METHOD = (
    "id with a slash",
    "id ..",
    "id with %2F",
    "id with %00",
    "id %FF (not UTF-8)",
    "id of 5,000 characters",
)


def item_id_cases(method: str, *more: str) -> dict[str, Hostile]:
    body = b'{"company_name": "Changed"}' if method == "PATCH" else None
    headers = JSON if method == "PATCH" else ()
    cases = {}
    for name in (*EVERY_METHOD, *more):
        target, expected = HOSTILE_IDS[name]
        cases[f"{method} {name}"] = Hostile(
            method, f"{COLLECTION}/{target}", body, headers=headers, **expected
        )
    return cases


CASES: dict[str, Hostile] = {
    # --- malformed JSON ----------------------------------------------------------------------
    "POST truncated object": post(b'{"company_name": "Acme"', **INVALID_JSON),
    "POST trailing comma": post(b'{"company_name": "Acme",}', **INVALID_JSON),
    "POST single quotes": post(b"{'company_name': 'Acme'}", **INVALID_JSON),
    "POST two documents": post(b"{} {}", **INVALID_JSON),
    "POST whitespace only": post(b" \r\n\t ", **INVALID_JSON),
    "POST byte order mark": post(b'\xef\xbb\xbf{"company_name": "Acme"}', **INVALID_JSON),
    "PATCH truncated object": patch(b'{"city": ', **INVALID_JSON),
    # --- JSON that is not an object ----------------------------------------------------------
    "POST array": post(b"[]", **NOT_AN_OBJECT),
    "POST string": post(b'"Acme"', **NOT_AN_OBJECT),
    "POST number": post(b"42", **NOT_AN_OBJECT),
    "POST true": post(b"true", **NOT_AN_OBJECT),
    "POST null": post(b"null", **NOT_AN_OBJECT),
    "PATCH array": patch(b'[{"city": "Paris"}]', **NOT_AN_OBJECT),
    "PATCH null": patch(b"null", **NOT_AN_OBJECT),
    # --- wrong types and shapes in fields ----------------------------------------------------
    "POST object in a string field": post(
        field_value("company_name", b'{"a": 1}'), param="company_name"
    ),
    "POST array in a string field": post(
        field_value("company_name", b'["Acme"]'), param="company_name"
    ),
    "PATCH object in a string field": patch(
        field_value("city", b'{"name": "Paris"}'), param="city"
    ),
    "PATCH read-only id": patch(b'{"id": "lead_other"}', code="parameter_read_only", param="id"),
    "POST key with a lone surrogate": post(b'{"\\ud800": 1}'),
    # --- over-long strings and large bodies --------------------------------------------------
    "POST string of 141 characters": post(
        field_value("city", json.dumps("x" * (TEXT_LENGTH + 1)).encode()), param="city"
    ),
    "POST string of 1 MB": post(
        field_value("company_name", b'"' + b"x" * MB + b'"'), param="company_name"
    ),
    "POST body of 8 MB": post(BODY_8_MB, **TOO_LARGE),
    "POST body of 11 MB": post(BODY_11_MB, **TOO_LARGE),
    "PATCH body of 11 MB": patch(BODY_11_MB, **TOO_LARGE),
    # --- deeply nested JSON (100,000 levels) -------------------------------------------------
    "POST arrays nested 100,000 deep": post(ARRAY_NESTING, **INVALID_JSON),
    "POST objects nested 100,000 deep in a field": post(OBJECT_NESTING, **INVALID_JSON),
    "PATCH arrays nested 100,000 deep": patch(ARRAY_NESTING, **INVALID_JSON),
    # --- numbers JSON does not have ----------------------------------------------------------
    "POST NaN": post(field_value("annual_revenue", b"NaN"), **INVALID_JSON),
    "POST Infinity": post(field_value("annual_revenue", b"Infinity"), **INVALID_JSON),
    "POST -Infinity": post(field_value("annual_revenue", b"-Infinity"), **INVALID_JSON),
    "POST 1e400": post(field_value("annual_revenue", b"1e400"), param="annual_revenue"),
    "PATCH NaN": patch(field_value("annual_revenue", b"NaN"), **INVALID_JSON),
    # --- lone surrogates and NUL -------------------------------------------------------------
    "POST lone high surrogate": post(
        field_value("company_name", b'"\\ud800"'), param="company_name"
    ),
    "POST lone low surrogate": post(
        field_value("company_name", b'"a\\udc00b"'), param="company_name"
    ),
    "POST NUL character": post(field_value("company_name", b'"Acme\\u0000"'), param="company_name"),
    "POST control character": post(field_value("city", b'"Par\\u001bis"'), param="city"),
    "PATCH lone surrogate": patch(field_value("city", b'"\\udfff"'), param="city"),
    # --- wrong or missing Content-Type -------------------------------------------------------
    "POST without Content-Type": Hostile(
        "POST", COLLECTION, b'{"company_name": "Acme"}', headers=(), **NOT_JSON
    ),
    "POST text/plain": post(
        b'{"company_name": "Acme"}', headers=(("Content-Type", "text/plain"),), **NOT_JSON
    ),
    "POST form-urlencoded": post(
        b"company_name=Acme",
        headers=(("Content-Type", "application/x-www-form-urlencoded"),),
        **NOT_JSON,
    ),
    "POST empty Content-Type": post(
        b'{"company_name": "Acme"}', headers=(("Content-Type", ""),), **NOT_JSON
    ),
    "PATCH without Content-Type": Hostile(
        "PATCH", ITEM, b'{"city": "Paris"}', headers=(), **NOT_JSON
    ),
    # --- invalid UTF-8 -----------------------------------------------------------------------
    "POST latin-1 in a string": post(field_value("company_name", b'"Caf\xe9"')),
    "POST overlong encoding": post(field_value("city", b'"\xc0\xaf"')),
    "POST UTF-8-encoded surrogate": post(field_value("city", b'"\xed\xa0\x80"')),
    "PATCH latin-1 in a string": patch(field_value("city", b'"Z\xfcrich"')),
    # --- ids that are no lead ----------------------------------------------------------------
    **item_id_cases("GET", "id .", "id %2e%2e"),
    **item_id_cases("PATCH", "id then /..", "id with a trailing slash"),
    **item_id_cases("DELETE", "id upper-cased", "id with %20"),
    # --- query parameters --------------------------------------------------------------------
    "GET list limit repeated": listing("limit=1&limit=2", param="limit"),
    "GET list limit of 5,000 digits": listing("limit=" + "9" * 5000, param="limit"),
    "GET list unknown parameter of 5,000 characters": listing(
        "q" * 5000 + "=1", param="q" * 5000, code="parameter_unknown"
    ),
    "GET list 1,000 unknown parameters": listing(
        "&".join(f"p{i}=1" for i in range(1000)), param="p0", code="parameter_unknown"
    ),
    "GET list limit with %00": listing("limit=1%00", param="limit"),
    "GET list limit in Arabic-Indic digits": listing("limit=%D9%A3", param="limit"),
    "GET list offset and cursor together": listing(
        "offset=1&ending_before=lead_x", param="ending_before"
    ),
    # --- headers -----------------------------------------------------------------------------
    "GET list 20 KB header": Hostile(
        "GET", COLLECTION, headers=(("X-Padding", "x" * 20_000),), **HEADERS_TOO_LARGE
    ),
    "GET list 70 KB header line": Hostile(
        "GET", COLLECTION, headers=(("X-Padding", "x" * 70_000),), **HEADERS_TOO_LARGE
    ),
    "GET list 200 headers": Hostile(
        "GET", COLLECTION, headers=tuple((f"X-H{i}", "1") for i in range(200)), **HEADERS_TOO_LARGE
    ),
    # --- URLs over API Gateway's 10 KB for the request line and headers ----------------------
    "PATCH URL of 20 KB": Hostile(
        "PATCH", f"{ITEM}?pad={'x' * 20_000}", b'{"city": "Paris"}', **URI_TOO_LONG
    ),
    "GET list URL of 70 KB": Hostile("GET", f"{COLLECTION}?{'q' * 70_000}=1", **URI_TOO_LONG),
    "DELETE URL of 12 KB": Hostile("DELETE", f"{ITEM}/{'x' * 12_000}", headers=(), **URI_TOO_LONG),
    "POST Idempotency-Key of 256 characters": post(
        b"{}", headers=(*JSON, ("Idempotency-Key", "k" * 256)), param="Idempotency-Key"
    ),
    "POST empty Idempotency-Key": post(
        b"{}", headers=(*JSON, ("Idempotency-Key", "")), param="Idempotency-Key"
    ),
    "POST Idempotency-Key with a control character": post(
        b"{}", headers=(*JSON, ("Idempotency-Key", "ab\x01cd")), param="Idempotency-Key"
    ),
    "PATCH If-Match garbage": patch(
        b'{"city": "Paris"}',
        headers=(*JSON, ("If-Match", "\x7fgarbage, ,,W/")),
        **PRECONDITION_FAILED,
    ),
    "PATCH If-Match of 1,000 tags": patch(
        b'{"city": "Paris"}',
        headers=(*JSON, ("If-Match", ", ".join(['"v9"'] * 1000))),
        param="If-Match",
    ),
    "DELETE If-Match over its 256 characters": Hostile(
        "DELETE", ITEM, headers=(("If-Match", '"v1",' + " " * 252),), param="If-Match"
    ),
    "DELETE If-Match garbage": Hostile(
        "DELETE", ITEM, headers=(("If-Match", "garbage"),), **PRECONDITION_FAILED
    ),
    # --- framing and methods -----------------------------------------------------------------
    "POST Content-Length not a number": post(
        b"{}", headers=(*JSON, ("Content-Length", "abc")), raw_framing=True
    ),
    "POST two different Content-Lengths": post(
        b'{"company_name": "Acme"}',
        headers=(*JSON, ("Content-Length", "24"), ("Content-Length", "2")),
        raw_framing=True,
    ),
    "POST chunked body": post(
        b'18\r\n{"company_name": "Acme"}\r\n0\r\n\r\n',
        status=411,
        headers=(*JSON, ("Transfer-Encoding", "chunked")),
        raw_framing=True,
    ),
    "TRACE the collection": Hostile("TRACE", COLLECTION, headers=(), **ROUTE_NOT_FOUND),
    "lower-case delete on a lead": Hostile("delete", ITEM, headers=(), **ROUTE_NOT_FOUND),
    "PUT on a lead": Hostile("PUT", ITEM, b'{"city": "Paris"}', **ROUTE_NOT_FOUND),
}


# --- sending bytes as they are ------------------------------------------------------------


def send(api: LocalApi, request: Hostile, key: str, lead_id: str | None) -> RawAnswer:
    target = request.target
    if lead_id is not None:
        target = target.replace("{id}", lead_id).replace("{ID}", lead_id.upper())
    split = urlsplit(api.base_url)
    lines = [
        f"{request.method} {target} HTTP/1.1",
        f"Host: {split.netloc}",
        f"Authorization: Bearer {key}",
        *(f"{name}: {value}" for name, value in request.headers),
    ]
    if request.body is not None and not request.raw_framing:
        lines.append(f"Content-Length: {len(request.body)}")
    lines.append("Connection: close")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    secure = split.scheme == "https"
    address = (split.hostname, split.port or (443 if secure else 80))
    with contextlib.ExitStack() as stack:
        connection = stack.enter_context(socket.create_connection(address, timeout=60))
        if secure:  # a deployed stack (make test-deployed)
            context = ssl.create_default_context()
            connection = stack.enter_context(
                context.wrap_socket(connection, server_hostname=split.hostname)
            )
        connection.sendall(head)
        _send_until_answered(connection, request.body or b"")
        response = http.client.HTTPResponse(connection, method=request.method)
        response.begin()
        return RawAnswer(response.status, response.headers, response.read())


def _send_until_answered(connection: socket.socket, body: bytes) -> None:
    """Send the body, unless the server answers first (as it does for a body over its limit,
    without reading it): then stop, and read the answer."""
    view, sent = memoryview(body), 0
    while sent < len(body):
        readable, writable, _ = select.select([connection], [connection], [], 60)
        if readable or not writable:
            return
        try:
            sent += connection.send(view[sent : sent + 256 * 1024])
        except (BrokenPipeError, ConnectionResetError):
            return


def assert_refused(answer: RawAnswer, expected: Hostile) -> dict[str, Any]:
    """A 4xx, this one, in the API's one error shape."""
    assert 400 <= answer.status < 500, answer.status
    return assert_error(answer, expected.status, code=expected.code, param=expected.param)


# --- the test -------------------------------------------------------------------------------


def _snapshot(client: LeadsClient, lead_id: str) -> tuple[dict[str, Any], str | None]:
    response = client.get(lead_id)
    assert response.status_code == 200, response.text
    return response.json(), response.headers.get("ETag")


# The local server's own HTTP parsing: in front of a deployed stack, CloudFront and API
# Gateway parse framing and methods themselves, and answer in their own words.
OWN_HTTP_PARSING = {"TRACE the collection", "lower-case delete on a lead"}


def cases() -> list[Any]:
    return [
        pytest.param(
            request_,
            id=name,
            marks=[pytest.mark.local_only("framing and methods are the local server's parsing")]
            if request_.raw_framing or name in OWN_HTTP_PARSING
            else [],
        )
        for name, request_ in CASES.items()
    ]


@pytest.mark.parametrize("request_", cases())
def test_hostile_request_is_refused_in_the_error_shape_and_changes_nothing(
    local_api: LocalApi, client: LeadsClient, request_: Hostile
) -> None:
    # Given a fresh tenant, holding one lead when the request is aimed at a lead
    aimed_at_a_lead = "/api/crm/lead/" in request_.target
    lead = client.create(company_name="Witness Corp", city="Oslo") if aimed_at_a_lead else None
    before = _snapshot(client, lead["id"]) if lead else None

    # When the hostile request is sent, byte for byte
    answer = send(local_api, request_, client.key, lead["id"] if lead else None)

    # Then it is refused with a 4xx in the error shape
    assert_refused(answer, request_)

    # And nothing was stored, changed or deleted
    if lead is None:
        assert client.page() == {"data": [], "has_more": False, "total": 0}
    else:
        assert _snapshot(client, lead["id"]) == before
        assert client.page() == {"data": [before[0]], "has_more": False, "total": 1}

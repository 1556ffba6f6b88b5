"""What every answer must be: the API's error shape, the Lead object, JSON, no internals.

Each assertion takes any answer: a ``requests.Response`` (HTTP), an ``Invocation`` (a handler
called in-process) or a ``RawAnswer`` (bytes read off a socket).
"""

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from leads_domain.settings import get_settings
from support.reference import (
    DEFAULTS,
    DUPLICATE_ERROR_FIELDS,
    ERROR_FIELDS,
    RESPONSE_FIELDS,
    TIMESTAMP,
)


@dataclass
class RawAnswer:
    status: int
    headers: Any  # anything with .get(name)
    body: bytes


def _status(answer: Any) -> int:
    return int(getattr(answer, "status_code", None) or answer.status)


def _header(answer: Any, name: str) -> str | None:
    if hasattr(answer, "header"):
        return answer.header(name)
    headers = answer.headers
    if isinstance(headers, list):
        return next((v for k, v in headers if k.lower() == name.lower()), None)
    return headers.get(name)


def _text(answer: Any) -> str:
    body = answer.text if hasattr(answer, "text") else answer.body
    return body.decode("utf-8", "replace") if isinstance(body, bytes) else body


def assert_json(answer: Any) -> Any:
    content_type = _header(answer, "Content-Type") or ""
    assert content_type.split(";")[0].strip() == "application/json", (
        f"Content-Type {content_type!r} for {_status(answer)} {_text(answer)[:200]}"
    )
    return json.loads(_text(answer))


def assert_error(
    answer: Any,
    status: int,
    *,
    type_: str | None = None,
    code: str | None = None,
    param: Any = ...,
    request_id: str | None = None,
) -> dict[str, Any]:
    """The API's one error shape, with this status (and type, code, param and request id
    when given; an in-process answer's own request id otherwise), saying nothing internal."""
    request_id = request_id or getattr(answer, "request_id", None)
    assert _status(answer) == status, (
        f"expected {status}, got {_status(answer)}: {_text(answer)[:500]}"
    )
    body = assert_json(answer)
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    duplicate = error.get("code") == "lead_duplicate"
    assert set(error) == (DUPLICATE_ERROR_FIELDS if duplicate else ERROR_FIELDS), error
    for name in ("type", "code", "message", "request_id"):
        assert isinstance(error[name], str) and error[name], (name, error)
    assert error["param"] is None or isinstance(error["param"], str), error
    if type_ is not None:
        assert error["type"] == type_, error
    if code is not None:
        assert error["code"] == code, error
    if param is not ...:
        assert error["param"] == param, error
    if request_id is not None:
        assert error["request_id"] == request_id, error
    assert_no_internals(_text(answer))
    return dict(error)


def assert_unauthorized(answer: Any, code: str = "api_key_invalid") -> None:
    assert_error(answer, 401, type_="authentication_error", code=code, param=None)
    assert _header(answer, "WWW-Authenticate") == "Bearer"


def assert_unavailable(answer: Any) -> None:
    """503, the error shape, and a Retry-After of whole seconds."""
    assert_error(answer, 503, type_="api_error", code="service_unavailable")
    retry_after = _header(answer, "Retry-After")
    assert retry_after is not None and retry_after.isdigit() and int(retry_after) >= 1, retry_after


def internals() -> list[str]:
    """Text that must never reach a client: exception and library names, AWS resource names,
    code locations."""
    settings = get_settings()
    return [
        "botocore",
        "boto3",
        "moto",
        "Traceback",
        "Exception",
        "Error(",
        "ClientError",
        "Throttling",
        "ProvisionedThroughput",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionCanceled",
        "TransactionConflict",
        "CancellationReasons",
        "ReadTimeout",
        "ConnectTimeout",
        "timed out",
        "arn:aws",
        "amazonaws",
        "dynamodb",
        "DynamoDB",
        "127.0.0.1",
        "localhost",
        "leads_domain",
        ".py",
        settings.leads_table,
        settings.api_keys_table,
        settings.idempotency_table,
    ]


def assert_no_internals(text: str) -> None:
    # Lead ids are random base62: one may spell "Moto" or "line" by chance, and says nothing.
    text = re.sub(r"lead_[0-9A-Za-z]+", "lead_…", text)
    leaked = [word for word in internals() if word.lower() in text.lower()]
    # A code location, as a traceback gives it ("line 42"), not a word such as "Line too long".
    leaked += re.findall(r"\bline \d+", text)
    assert not leaked, f"internals {leaked} in {text!r}"


def assert_lead(lead: Any) -> dict[str, Any]:
    """A Lead object: exactly the reference's fields, well-formed id and timestamps."""
    assert isinstance(lead, dict), lead
    missing, extra = RESPONSE_FIELDS - set(lead), set(lead) - RESPONSE_FIELDS
    assert not missing and not extra, f"missing {sorted(missing)}, extra {sorted(extra)}"
    assert re.fullmatch(r"lead_[0-9A-Za-z]{8,}", lead["id"]), lead["id"]
    for name in ("created_at", "updated_at"):
        assert TIMESTAMP.match(lead[name]), (name, lead[name])
    assert lead["updated_at"] >= lead["created_at"], lead
    for name, default in DEFAULTS.items():
        assert lead[name] is not None, (name, "a field with a default is never null")
        assert type(lead[name]) is type(default), (name, lead[name])
    return lead


def parse_timestamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def assert_recent(text: str, slack: timedelta = timedelta(minutes=2)) -> None:
    moment = parse_timestamp(text)
    now = datetime.now(UTC)
    assert now - slack <= moment <= now + slack, f"{text} is not about now ({now.isoformat()})"


def newest_first(leads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The order the API promises: created_at descending, ties by id descending."""
    return sorted(leads, key=lambda lead: (lead["created_at"], lead["id"]), reverse=True)

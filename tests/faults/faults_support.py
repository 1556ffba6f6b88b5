"""Fault injection at the botocore level, on the domain's own DynamoDB client, against moto.

A handler on ``before-send.dynamodb`` (more specific than moto's own ``before-send`` stubber, so
it runs first) sees every attempt botocore makes. For an attempt it faults it either raises (a
timeout: moto is never reached) or answers an error response; botocore calls every
``before-send`` handler, so moto's stubber is told to skip an attempt answered here, which
leaves the stored data exactly as a DynamoDB that never received the request would. Attempts
that are not faulted are served by moto as usual.
"""

import contextlib
import json
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError
from moto.core.botocore_stubber import BotocoreStubber

from leads_domain import logic
from leads_domain.api_keys import Tenant
from leads_domain.data import leads_table
from leads_domain.settings import get_settings
from support import api_event, load_function

# Set on a prepared request this module answered, so that moto's stubber leaves it alone.
_FAULTED = "_leads_fault_injected"
_DYNAMODB_ERROR = "com.amazonaws.dynamodb.v20120810#"


class _Body:
    """The raw body botocore reads an AWSResponse's content from."""

    def __init__(self, content: bytes) -> None:
        self._content = content

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._content


@dataclass(frozen=True)
class Fault:
    """One kind of DynamoDB failure: ``answer`` raises, or answers the attempt's response."""

    name: str
    answer: Callable[[AWSPreparedRequest], AWSResponse]
    transactional_only: bool = False
    # botocore retries it itself (else only our own transaction retries do).
    retried_by_botocore: bool = True


def _error(status: int, code: str, **extra: Any) -> Callable[[AWSPreparedRequest], AWSResponse]:
    def answer(request: AWSPreparedRequest) -> AWSResponse:
        body = {"__type": _DYNAMODB_ERROR + code, "message": f"injected {code}", **extra}
        headers = {
            "Content-Type": "application/x-amz-json-1.0",
            "x-amzn-RequestId": str(uuid.uuid4()),
        }
        return AWSResponse(request.url, status, headers, _Body(json.dumps(body).encode()))

    return answer


def _raise_read_timeout(request: AWSPreparedRequest) -> AWSResponse:
    raise ReadTimeoutError(endpoint_url=request.url)


def _raise_connect_timeout(request: AWSPreparedRequest) -> AWSResponse:
    raise ConnectTimeoutError(endpoint_url=request.url)


FAULTS = (
    Fault("throttling 400", _error(400, "ThrottlingException")),
    Fault("throughput exceeded 400", _error(400, "ProvisionedThroughputExceededException")),
    Fault("internal error 500", _error(500, "InternalServerError")),
    Fault("unavailable 503", _error(503, "ServiceUnavailable")),
    Fault("read timeout", _raise_read_timeout),
    Fault("connect timeout", _raise_connect_timeout),
    Fault(
        "transaction conflict",
        _error(
            400,
            "TransactionCanceledException",
            Message="Transaction cancelled, please refer cancellation reasons for specific "
            "reasons [TransactionConflict, None]",
            CancellationReasons=[
                {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"},
                {"Code": "None"},
            ],
        ),
        transactional_only=True,
        retried_by_botocore=False,
    ),
)
FAULTS_BY_NAME = {fault.name: fault for fault in FAULTS}


@dataclass
class _Plan:
    fault: Fault
    remaining: int | None  # attempts still to fault; None: every attempt


@dataclass
class FaultInjector:
    """Faults DynamoDB operations of one client, and counts every attempt botocore makes."""

    client: Any
    attempts: Counter[str] = field(default_factory=Counter)
    bodies: defaultdict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    _plans: dict[str, _Plan] = field(default_factory=dict)
    _paused: bool = False

    def __post_init__(self) -> None:
        self.client.meta.events.register("before-send.dynamodb", self._before_send)

    def close(self) -> None:
        self.client.meta.events.unregister("before-send.dynamodb", self._before_send)

    def fail(self, operation: str, fault: Fault, times: int | None = None) -> None:
        """Fault ``operation`` (e.g. "TransactWriteItems"): its next ``times`` attempts, or
        every attempt until ``heal``."""
        self._plans[operation] = _Plan(fault, times)

    def heal(self) -> None:
        self._plans.clear()

    def reset_counts(self) -> None:
        self.attempts.clear()
        self.bodies.clear()

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """No faults and no counting: for the test's own reads."""
        self._paused = True
        try:
            yield
        finally:
            self._paused = False

    def _before_send(self, request: AWSPreparedRequest, event_name: str, **_: Any) -> Any:
        if self._paused:
            return None
        operation = event_name.rsplit(".", 1)[-1]
        self.attempts[operation] += 1
        self.bodies[operation].append(request.body)
        plan = self._plans.get(operation)
        if plan is None or plan.remaining == 0:
            return None
        if plan.remaining is not None:
            plan.remaining -= 1
        setattr(request, _FAULTED, True)
        return plan.fault.answer(request)


def install(monkeypatch: pytest.MonkeyPatch, client: Any) -> FaultInjector:
    """A FaultInjector on ``client``, with moto's stubber skipping the attempts it answers and
    every retry backoff (botocore's and our own transactions') made zero."""
    original = BotocoreStubber.__call__

    def stubber(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        if getattr(request, _FAULTED, False):
            return None
        return original(self, event_name, request, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", stubber)
    monkeypatch.setattr(
        "botocore.retries.standard.ExponentialBackoff.delay_amount", lambda self, context: 0
    )
    monkeypatch.setattr(leads_table, "_CONFLICT_BACKOFF_SECONDS", 0)
    # botocore's retry quota stops retrying once a client has seen many failed retries; the
    # tests share one client (as many requests share one Lambda container), so each starts
    # as a fresh container would, with retries available.
    monkeypatch.setattr("botocore.retries.quota.RetryQuota.acquire", lambda self, amount: True)
    return FaultInjector(client)


# --- calling the functions ---------------------------------------------------------------


class Context:
    """A Lambda context; ``remaining_ms`` is also how long an idempotent create stays 'in
    progress' if it never finishes."""

    function_name = "faults"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:faults"

    def __init__(self, remaining_ms: int = 10_000) -> None:
        self.aws_request_id = str(uuid.uuid4())
        self._remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self._remaining_ms


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]
    text: str
    request_id: str


def call(function: str, event: dict[str, Any], context: Context | None = None) -> Answer:
    """functions/<function>'s handler, in-process, as API Gateway would call it."""
    response = load_function(function).lambda_handler(event, context or Context())
    text = response.get("body") or ""
    headers = {name.lower(): str(value) for name, value in (response.get("headers") or {}).items()}
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[name.lower()] = ", ".join(str(value) for value in values)
    return Answer(
        response["statusCode"],
        json.loads(text) if text else None,
        headers,
        text,
        event["requestContext"]["requestId"],
    )


def request(
    method: str,
    path: str,
    tenant: Tenant,
    *,
    body: Any = None,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    all_headers = {"Content-Type": "application/json"} if body is not None else {}
    all_headers.update(headers or {})
    return api_event(
        method, path, tenant=tenant, body=body, query=query, headers=all_headers or None
    )


# --- what the client may and may not see -------------------------------------------------

ERROR_FIELDS = {"type", "code", "message", "param", "request_id"}


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
        "line ",
        settings.leads_table,
        settings.api_keys_table,
        settings.idempotency_table,
    ]


def assert_error(answer: Answer, status: int, type_: str, code: str) -> dict[str, Any]:
    """The API's error shape with this status, type and code, this request's id, and no
    internals anywhere in the body."""
    assert answer.status == status, (answer.status, answer.text)
    assert answer.headers.get("content-type", "").startswith("application/json"), answer.headers
    assert isinstance(answer.body, dict) and set(answer.body) == {"error"}, answer.body
    error = answer.body["error"]
    assert set(error) == ERROR_FIELDS, error
    assert (error["type"], error["code"]) == (type_, code), error
    assert isinstance(error["message"], str) and error["message"], error
    assert error["request_id"] == answer.request_id, error
    assert_no_internals(answer.text)
    return dict(error)


def assert_no_internals(text: str) -> None:
    # Lead ids are random base62: one may spell "Moto" or "line" by chance, and says nothing.
    text = re.sub(r"lead_[0-9A-Za-z]+", "lead_…", text)
    leaked = [word for word in internals() if word.lower() in text.lower()]
    assert not leaked, f"internals {leaked} in {text!r}"


def assert_unavailable(answer: Answer) -> None:
    """503, the error shape, and a Retry-After of whole seconds."""
    assert_error(answer, 503, "api_error", "service_unavailable")
    retry_after = answer.headers.get("retry-after")
    assert retry_after is not None and retry_after.isdigit() and int(retry_after) >= 1, (
        answer.headers
    )


# --- what is stored ----------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """Everything one tenant has stored, read without faults, four ways."""

    leads: dict[str, dict[str, Any]]  # id -> the lead, as leads_table.page reads it
    listed: tuple[str, ...]  # leads_table.page, newest first
    total: int  # leads_table.page's total
    count: int  # leads_table.count
    partition: tuple[tuple[str, str], ...]  # every raw item of the tenant's partition
    idempotency: tuple[tuple[str, str], ...]  # every raw item of the idempotency table

    def statuses(self) -> list[str]:
        return sorted(json.loads(item)["status"]["S"] for _, item in self.idempotency)


def stored(injector: FaultInjector, tenant: Tenant) -> Stored:
    with injector.paused():
        client = injector.client
        settings = get_settings()
        leads: list[dict[str, Any]] = []
        total = 0
        while True:
            page, more, total = leads_table.page(tenant, 100, offset=len(leads))
            leads.extend(page)
            if not more:
                break
        raw = client.query(
            TableName=settings.leads_table,
            KeyConditionExpression="tenant = :tenant",
            ExpressionAttributeValues={":tenant": {"S": tenant.partition}},
            ConsistentRead=True,
        )["Items"]
        records = client.scan(TableName=settings.idempotency_table, ConsistentRead=True)["Items"]
        return Stored(
            leads={lead["id"]: lead for lead in leads},
            listed=tuple(lead["id"] for lead in leads),
            total=total,
            count=leads_table.count(tenant),
            partition=_raw(raw, "sk"),
            idempotency=_raw(records, "id"),
        )


def _raw(items: list[dict[str, Any]], key: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((item[key]["S"], json.dumps(item, sort_keys=True)) for item in items))


def assert_consistent(state: Stored) -> None:
    """Never partial: every lead is listed once, fetchable, and counted; the counter agrees."""
    assert len(set(state.listed)) == len(state.listed), state.listed
    assert set(state.leads) == set(state.listed), (state.leads.keys(), state.listed)
    raw_leads = {
        sk.removeprefix(leads_table.LEAD_PREFIX): json.loads(item)
        for sk, item in state.partition
        if sk.startswith(leads_table.LEAD_PREFIX)
    }
    assert set(raw_leads) == set(state.listed), (raw_leads.keys(), state.listed)
    assert len(raw_leads) == state.count == state.total, state


def assert_lead_stored(state: Stored, lead: dict[str, Any], etag: str | None) -> None:
    """The stored lead is exactly the one the client was answered, at the version of its ETag."""
    stored_lead = state.leads[lead["id"]]
    assert logic.present(stored_lead) == lead
    if etag is not None:
        assert etag == f'"v{stored_lead["version"]}"'

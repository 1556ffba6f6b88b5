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
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError
from moto.core.botocore_stubber import BotocoreStubber

from leads_domain.data import transactions
from support.assertions import assert_error

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
    spared: int = 0  # attempts still to let through before faulting
    matching: str | None = None  # only attempts whose request body holds this text


@dataclass
class FaultInjector:
    """Faults the operations of one client (DynamoDB's, or SQS's or EventBridge's, whose JSON
    errors botocore reads the same way), and counts every attempt botocore makes."""

    client: Any
    attempts: Counter[str] = field(default_factory=Counter)
    bodies: defaultdict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    _plans: dict[str, _Plan] = field(default_factory=dict)
    _paused: bool = False

    @property
    def _event(self) -> str:
        return f"before-send.{self.client.meta.service_model.service_id.hyphenize()}"

    def __post_init__(self) -> None:
        self.client.meta.events.register(self._event, self._before_send)

    def close(self) -> None:
        self.client.meta.events.unregister(self._event, self._before_send)

    def fail(
        self,
        call: str,
        fault: Fault,
        times: int | None = None,
        after: int = 0,
        matching: str | None = None,
    ) -> None:
        """Fault ``call`` (an operation, e.g. "TransactWriteItems", or one on an index, e.g.
        "Query by_created_at"): its next ``times`` attempts, or every attempt until ``heal``;
        the first ``after`` attempts go through unharmed (a failure half-way); with
        ``matching``, only attempts whose request body holds that text."""
        self._plans[call] = _Plan(fault, times, after, matching)

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
        operation = call_name(event_name.rsplit(".", 1)[-1], request.body)
        self.attempts[operation] += 1
        self.bodies[operation].append(request.body)
        plan = self._plans.get(operation)
        if plan is None or plan.remaining == 0:
            return None
        body = request.body if isinstance(request.body, bytes) else str(request.body).encode()
        if plan.matching is not None and plan.matching.encode() not in body:
            return None
        if plan.spared:
            plan.spared -= 1
            return None
        if plan.remaining is not None:
            plan.remaining -= 1
        setattr(request, _FAULTED, True)
        return plan.fault.answer(request)


def call_name(operation: str, body: Any) -> str:
    """The operation, and the index it reads when it reads one: a Query of the table and a
    Query of one of its indexes are different calls."""
    if operation != "Query":
        return operation
    index = json.loads(body or b"{}").get("IndexName")
    return f"{operation} {index}" if index else operation


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
    monkeypatch.setattr(transactions, "CONFLICT_BACKOFF_SECONDS", 0)
    # botocore's retry quota stops retrying once a client has seen many failed retries; the
    # tests share one client (as many requests share one Lambda container), so each starts
    # as a fresh container would, with retries available.
    monkeypatch.setattr("botocore.retries.quota.RetryQuota.acquire", lambda self, amount: True)
    return FaultInjector(client)


# A short Lambda, so that an idempotent create that never finished stops being 'in progress'
# quickly (in Lambda: when the invocation would have timed out).
SHORT_INVOCATION_MS = 300


def retry_while_in_progress[T](attempt: Callable[[], T]) -> T:
    """Retry as a client does on 409: until the first attempt (made with a Lambda context of
    SHORT_INVOCATION_MS) is no longer 'in progress'."""
    deadline = time.monotonic() + 10 * SHORT_INVOCATION_MS / 1000
    while True:
        answer = attempt()
        if getattr(answer, "status", None) != 409:
            return answer
        assert_error(answer, 409, type_="invalid_request_error", code="idempotency_in_progress")
        assert time.monotonic() < deadline, "still 'in progress' long after the first attempt"
        time.sleep(SHORT_INVOCATION_MS / 1000 / 5)

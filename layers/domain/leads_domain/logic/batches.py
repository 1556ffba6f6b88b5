"""Batch create: many leads in one request, each validated on its own, all stored in as few
transactions as DynamoDB allows (data/batch_inserts.py), answered one entry per lead, in order.

Without an Idempotency-Key, leads get random ids. If DynamoDB fails part-way, the answer says
exactly which leads were created and gives the others a retryable error; if it fails before
any lead is stored, the whole request is a 503 (nothing was done).

With an Idempotency-Key, lead ``i`` gets an id derived from the request (tenant, key, every
lead sent) and ``i``, as a single idempotent create derives its one id. A failure part-way is a
503 and remembers nothing, so the retry runs again: the leads an earlier attempt stored are
found under the same ids (never stored or counted twice) and the rest are stored. The answer
that is remembered is small (ids, timestamps, errors): a replay rebuilds the leads from it and
from the request, which the idempotency utility has checked is the same as the first.
"""

import hashlib
from collections.abc import Callable
from typing import Any, NamedTuple

from leads_domain import ids
from leads_domain.batch_models import item_place, parse_lead
from leads_domain.data import batch_inserts
from leads_domain.errors import DomainError, InvalidRequest, ServiceUnavailable
from leads_domain.logic import idempotency
from leads_domain.logic.rules import new_lead, present
from leads_domain.request_origin import RequestOrigin
from leads_domain.tenancy import Tenant
from leads_domain.timestamps import consecutive

BATCH_OPERATION = "leads.batch"


class Failure(NamedTuple):
    """Why one lead of a batch was not created: the API's error, without the request id."""

    type: str
    code: str
    message: str
    param: str | None

    @classmethod
    def of(cls, error: DomainError) -> "Failure":
        return cls(error.type, error.code, error.message, error.param)


class Created(NamedTuple):
    """A lead of the batch as stored: its id, and when it was created."""

    lead_id: str
    created_at: str


class BatchResult(NamedTuple):
    entries: list[dict[str, Any] | Failure]  # one per lead sent: the Lead, or why not
    replayed: bool  # the remembered answer of an earlier attempt with the same key

    @property
    def created(self) -> int:
        return sum(1 for entry in self.entries if not isinstance(entry, Failure))


def create_leads(
    tenant: Tenant,
    items: list[dict[str, Any]],
    idempotency_key: str | None = None,
    lambda_context: Any = None,
    request_id: str | None = None,
) -> BatchResult:
    """Create the leads of a batch whose envelope is valid (``batch_models.batch_items``).
    ``request_id`` is the API request's id, which each lead.created event names."""
    if idempotency_key is None:
        origin = RequestOrigin(request_id)
        made = _create(tenant, items, lambda position: ids.new_lead_id(), origin)
        if made.nothing_stored:
            raise ServiceUnavailable()
        return BatchResult(made.entries(items), replayed=False)
    request = idempotency.request_of(tenant, idempotency_key, items, request_id)
    record = idempotency.run_once(BATCH_OPERATION, request, _create_once, lambda_context)
    return BatchResult(_rebuilt(items, record["leads"]), idempotency.replayed(record))


def _create_once(request: dict[str, Any]) -> dict[str, Any]:
    """One attempt of an idempotent batch: what it remembers, or ServiceUnavailable (which
    remembers nothing) unless every valid lead is stored."""
    seed = hashlib.sha256(idempotency.seed_of(request).encode()).hexdigest()
    made = _create(
        idempotency.tenant_of(request),
        request["fields"],
        lambda position: ids.derived_id("lead_", f"{seed}#{position}"),
        RequestOrigin(idempotency.request_id_of(request), request["key"]),
    )
    if made.unstored:
        raise ServiceUnavailable()
    return {"leads": made.remembered()}


class _Made(NamedTuple):
    """Per lead sent: Created, a Failure, or None if DynamoDB failed before storing it."""

    outcomes: list[Created | Failure | None]

    @property
    def unstored(self) -> bool:
        return None in self.outcomes

    @property
    def nothing_stored(self) -> bool:
        return self.unstored and not any(isinstance(o, Created) for o in self.outcomes)

    def entries(self, items: list[dict[str, Any]]) -> list[dict[str, Any] | Failure]:
        unavailable = ServiceUnavailable()
        return [
            Failure(unavailable.type, unavailable.code, unavailable.message, item_place(position))
            if outcome is None
            else _entry(items[position], outcome)
            for position, outcome in enumerate(self.outcomes)
        ]

    def remembered(self) -> list[list[str] | dict[str, Any]]:
        """As JSON, for a batch with every valid lead stored: [id, created_at] or a Failure."""
        return [
            list(outcome) if isinstance(outcome, Created) else dict(outcome._asdict())
            for outcome in self.outcomes
            if outcome is not None
        ]


def _create(
    tenant: Tenant,
    items: list[dict[str, Any]],
    lead_id: Callable[[int], str],
    origin: RequestOrigin,
) -> _Made:
    """Validate each lead, then store the valid ones under ``lead_id(position)``."""
    outcomes: list[Created | Failure | None] = []
    valid: dict[int, dict[str, Any]] = {}
    for position, item in enumerate(items):
        try:
            valid[position] = parse_lead(position, item)
            outcomes.append(None)
        except InvalidRequest as error:
            outcomes.append(Failure.of(error))
    stamps = iter(consecutive(len(valid)))
    leads = [
        new_lead(lead_id(position), fields, next(stamps)) for position, fields in valid.items()
    ]
    stored = batch_inserts.insert_many(tenant, leads, origin) if leads else []
    for position, lead, created_at in zip(valid, leads, stored, strict=True):
        if created_at is not None:
            outcomes[position] = Created(lead["id"], created_at)
    return _Made(outcomes)


def _entry(item: dict[str, Any], outcome: Created | Failure) -> dict[str, Any] | Failure:
    """The Lead as created from the validated fields sent (the same values: validation is
    strict and converts nothing), or the Failure."""
    if isinstance(outcome, Failure):
        return outcome
    return present(new_lead(outcome.lead_id, item, outcome.created_at))


def _rebuilt(
    items: list[dict[str, Any]], remembered: list[list[str] | dict[str, Any]]
) -> list[dict[str, Any] | Failure]:
    return [_entry(item, _outcome(entry)) for item, entry in zip(items, remembered, strict=True)]


def _outcome(remembered: list[str] | dict[str, Any]) -> Created | Failure:
    if isinstance(remembered, dict):
        return Failure(**remembered)
    return Created(*remembered)

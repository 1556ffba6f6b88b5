"""The leads table's DynamoDB stream: a record as a change to one lead.

Only items whose sort key starts with ``LEAD#`` are leads. Counters, shards and any other kind
of item the table holds are no lead's change: the event source mapping's filter keeps their
records from the publisher, and ``lead_change`` answers None for them all the same.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from leads_domain.data.attributes import from_item
from leads_domain.data.leads_table import IDEMPOTENCY_KEY, LEAD_PREFIX, REQUEST_ID
from leads_domain.request_origin import NO_ORIGIN, RequestOrigin
from leads_domain.tenancy import Tenant, tenant_of_partition


@dataclass(frozen=True, slots=True)
class LeadChange:
    """One committed change to a lead, as the stream reports it."""

    record_id: str  # the stream record's eventID: unique, the same on every redelivery
    sequence: str  # SequenceNumber: for one item, increasing in the order of commits
    committed_at: float  # ApproximateCreationDateTime: Unix seconds
    tenant: Tenant
    lead_id: str
    before: dict[str, Any] | None  # the lead's stored values before the change (None: created)
    after: dict[str, Any] | None  # ... and after it (None: deleted)
    origin: RequestOrigin  # the request that made the change, as the item records it


def lead_change(record: dict[str, Any]) -> LeadChange | None:
    """The change a stream record reports, or None if its item is no lead."""
    stream = record.get("dynamodb") or {}
    keys = stream.get("Keys") or {}
    sort_key = (keys.get("sk") or {}).get("S", "")
    if not sort_key.startswith(LEAD_PREFIX):
        return None
    lead_id = sort_key[len(LEAD_PREFIX) :]
    before = _lead(lead_id, stream.get("OldImage"))
    after = _lead(lead_id, stream.get("NewImage"))
    origin = NO_ORIGIN
    if after is not None:
        # A delete removes the item: nothing records who removed it (see README, "Events").
        origin = RequestOrigin(after.get(REQUEST_ID), after.get(IDEMPOTENCY_KEY))
    return LeadChange(
        record_id=str(record["eventID"]),
        sequence=str(stream["SequenceNumber"]),
        committed_at=_seconds(stream.get("ApproximateCreationDateTime")),
        tenant=tenant_of_partition(keys["tenant"]["S"]),
        lead_id=lead_id,
        before=before,
        after=after,
        origin=origin,
    )


def _lead(lead_id: str, image: dict[str, Any] | None) -> dict[str, Any] | None:
    return {**from_item(image), "id": lead_id} if image else None


def _seconds(value: Any) -> float:
    # Lambda's events carry Unix seconds as a JSON number.
    if isinstance(value, int | float | Decimal):
        return float(value)
    raise ValueError("the stream record has no ApproximateCreationDateTime")

"""Events from lead changes, in Stripe's shape: what changed, the Lead after the change (or as
it was, for a delete), the fields that changed with their old values, and the request.

Pure functions: the same stream record always makes the same event, id included, so a record
delivered twice makes one event.
"""

from typing import Any

from leads_domain import ids
from leads_domain.data.lead_stream import LeadChange
from leads_domain.event_types import CREATED, DELETED, UPDATED
from leads_domain.fields import RESPONSE_FIELDS
from leads_domain.logic.rules import present
from leads_domain.timestamps import at

EVENT_ID_PREFIX = "evt_"


def event_id(record_id: str) -> str:
    """The event's id, derived from the stream record's id: a retried record keeps it."""
    return ids.derived_id(EVENT_ID_PREFIX, f"stream-record:{record_id}")


def event_of(change: LeadChange) -> dict[str, Any] | None:
    """The change's event; None when nothing a client can see changed (a write of internal
    attributes only, which DynamoDB still streams)."""
    previous: dict[str, Any] = {}
    if change.before is None and change.after is not None:
        kind, shown = CREATED, change.after
    elif change.after is None and change.before is not None:
        kind, shown = DELETED, change.before
    elif change.before is not None and change.after is not None:
        kind, shown = UPDATED, change.after
        previous = changed_fields(change.before, change.after)
        if not previous:
            return None
    else:
        return None
    return {
        "id": event_id(change.record_id),
        "type": kind,
        "created_at": at(change.committed_at),
        "data": {"object": present(shown), "previous_attributes": previous},
        "request": {
            "id": change.origin.request_id,
            "idempotency_key": change.origin.idempotency_key,
        },
    }


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The Lead's fields whose value differs, each with its value before (null if unset)."""
    old, new = present(before), present(after)
    return {name: old[name] for name in RESPONSE_FIELDS if old[name] != new[name]}

"""The events API: one event, or a page of them, under the caller's tenant.

Lists are newest first with Stripe's cursors, and O(limit) at any depth; ``type`` filters
merge each type's index, and ``lead`` reads that lead's history in the order its changes
were committed.
"""

from typing import Any

from leads_domain import ids
from leads_domain.data import events_table
from leads_domain.errors import InvalidRequest, event_not_found
from leads_domain.event_query import EventPageRequest
from leads_domain.tenancy import Tenant


def get_event(tenant: Tenant, event_id: str) -> dict[str, Any]:
    event = events_table.get(tenant, event_id) if ids.is_event_id(event_id) else None
    if event is None:
        raise event_not_found()
    return event


def list_events(tenant: Tenant, request: EventPageRequest) -> dict[str, Any]:
    after = before = None
    if request.page.cursor:
        name, event_id = request.page.cursor
        cursor = events_table.cursor_of(tenant, event_id) if ids.is_event_id(event_id) else None
        # With `lead`, the list is that lead's history: a cursor must be one of its events.
        if cursor is None or (request.lead is not None and cursor["lead_id"] != request.lead):
            raise InvalidRequest(f"'{name}' names no event of this list.", param=name)
        after, before = (cursor, None) if name == "starting_after" else (None, cursor)
    events, has_more = events_table.page(
        tenant,
        request.page.limit,
        types=request.types,
        lead_id=request.lead,
        after=after,
        before=before,
    )
    return {"data": events, "has_more": has_more}

"""Publishing the leads table's stream: each committed change to a lead becomes one event,
kept in the events store, put on the EventBridge bus and queued for every webhook endpoint that
wants it.

Retries never duplicate: the event's id comes from the stream record and the store's write is
conditional, so a record published twice stores one event (the bus and the endpoints may then
see it twice, with the same id: receivers dedupe by it). Records are published in stream order
and, once one fails, the rest of the batch is not attempted: Lambda resends a stream from the
first record that failed, so the records after it come again anyway, and nothing downstream
sees a lead's changes out of order.
"""

import time
from typing import Any

from leads_domain.data import (
    event_bus,
    events_table,
    lead_stream,
    webhook_endpoints_table,
    webhook_queue,
)
from leads_domain.logic import lead_events
from leads_domain.logic.webhook_endpoints import wants
from leads_domain.observability import logger
from leads_domain.tenancy import Tenant


class EarlierRecordFailed(RuntimeError):
    """Not attempted: a record before this one in the batch failed, and comes back first."""


class PublishingBatch:
    """One invocation's records, published in order (``publish`` for each)."""

    def __init__(self) -> None:
        self.failed = False
        self.published = 0
        # A batch holds many records of few tenants: their endpoints are read once per batch.
        self._endpoints: dict[Tenant, list[dict[str, Any]]] = {}

    def publish(self, record: dict[str, Any]) -> str | None:
        """Publish one stream record: the event's id, or None for a record that makes no event
        (an item that is no lead, a write no client can see)."""
        if self.failed:
            raise EarlierRecordFailed()
        try:
            event_id = self._publish(record)
        except Exception:
            self.failed = True
            logger.exception(
                "Publishing a stream record failed; it and the rest of the batch come again",
                extra={"record_id": record.get("eventID")},
            )
            raise
        self.published += event_id is not None
        return event_id

    def _publish(self, record: dict[str, Any]) -> str | None:
        change = lead_stream.lead_change(record)
        if change is None:
            return None
        event = lead_events.event_of(change)
        if event is None:
            return None
        tenant = change.tenant
        # Kept 30 days from now: a record reaches the publisher within the stream's 24 hours.
        events_table.store(tenant, event, change.lead_id, change.sequence, time.time())
        event_bus.publish(tenant, event, change.committed_at)
        endpoint_ids = [
            endpoint["id"]
            for endpoint in self._endpoints_of(tenant)
            if wants(endpoint, event["type"])
        ]
        if endpoint_ids:
            webhook_queue.enqueue(tenant, event, endpoint_ids)
        return str(event["id"])

    def _endpoints_of(self, tenant: Tenant) -> list[dict[str, Any]]:
        if tenant not in self._endpoints:
            self._endpoints[tenant] = webhook_endpoints_table.all_of(tenant)
        return self._endpoints[tenant]

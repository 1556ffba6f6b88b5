"""Delivering one queued event to one webhook endpoint, and what follows a failure.

Before each attempt the endpoint is read again: a deleted or disabled endpoint, or one no
longer subscribed to the event's type, gets nothing (the event stays readable with GET
/api/crm/event). Its URL passes the SSRF guard again, the POST goes to the approved address,
signed with the endpoint's secret. A 2xx is delivered. Anything else is retried on the
schedule (``retry_schedule``) until the window closes, when the delivery goes to the
dead-letter queue; an endpoint that has failed for a whole window without one success is
disabled.
"""

import json
import time
from collections.abc import Callable
from typing import Any

from leads_domain.data import webhook_endpoints_table, webhook_queue
from leads_domain.data.webhook_queue import Delivery
from leads_domain.event_settings import get_event_settings
from leads_domain.logic.webhook_endpoints import allows_loopback, wants
from leads_domain.observability import logger
from leads_domain.timestamps import at, now
from leads_domain.webhooks import address_guard, sender
from leads_domain.webhooks.signature import HEADER, signature_header

Send = Callable[[address_guard.Target, bytes, dict[str, str]], sender.Outcome]


# How long after a delivery's first attempt its failure is recorded, at most (the attempt's
# own deadline and some).
FIRST_ATTEMPT_SECONDS = 60


class RetryScheduled(RuntimeError):
    """The delivery failed and its message comes back later (reported as a batch failure)."""


def deliver_message(
    record: dict[str, Any],
    *,
    send: Send | None = None,
    resolve: address_guard.Resolver | None = None,
) -> str:
    """Attempt the delivery a queue message (a Lambda SQS record) carries: 'delivered',
    'dropped' or 'dead-lettered' when its message is done; RetryScheduled when it is to come
    back. A message that is no delivery is dead-lettered at once: retrying cannot mend it."""
    try:
        delivery = webhook_queue.delivery_of(record)
    except webhook_queue.MalformedMessage:
        attempts = int((record.get("attributes") or {}).get("ApproximateReceiveCount", "1"))
        webhook_queue.dead_letter(str(record.get("body")), "malformed message", attempts)
        logger.warning("Malformed webhook message dead-lettered")
        return "dead-lettered"
    return deliver(delivery, send=send, resolve=resolve)


def deliver(
    delivery: Delivery,
    *,
    send: Send | None = None,
    resolve: address_guard.Resolver | None = None,
) -> str:
    """Attempt one delivery (see ``deliver_message``); ``send`` and ``resolve``: the sender's
    POST and the system's resolver unless others are given."""
    endpoint = webhook_endpoints_table.get(delivery.tenant, delivery.endpoint_id)
    event = delivery.event
    context = {
        "event_id": event.get("id"),
        "endpoint_id": delivery.endpoint_id,
        "attempt": delivery.attempt,
    }
    if endpoint is None or not wants(endpoint, str(event.get("type"))):
        logger.info(
            "Webhook delivery dropped: endpoint gone, disabled or unsubscribed", extra=context
        )
        return "dropped"
    outcome = _attempt(delivery, endpoint, send, resolve)
    if outcome.delivered:
        if endpoint.get("failing_since"):
            webhook_endpoints_table.record_success(delivery.tenant, delivery.endpoint_id)
        logger.info("Webhook delivered", extra={**context, "status": outcome.status})
        return "delivered"
    logger.info("Webhook delivery failed", extra={**context, "outcome": outcome.describe()})
    _note_failure(delivery, endpoint)
    schedule = get_event_settings().retry
    wait = schedule.next_wait(delivery.attempt, time.time() - delivery.first_attempt_at)
    if wait is None:
        webhook_queue.dead_letter(delivery.body, outcome.describe(), delivery.attempt)
        logger.warning("Webhook delivery dead-lettered", extra=context)
        # Failed for the whole window: unless the endpoint succeeded since this delivery's
        # first attempt (which resets failing_since), it has failed that long: disable it.
        _disable_if_failing_since(delivery, delivery.first_attempt_at + FIRST_ATTEMPT_SECONDS)
        return "dead-lettered"
    webhook_queue.retry_later(delivery, wait)
    raise RetryScheduled(f"retry in {wait} s: {outcome.describe()}")


def _attempt(
    delivery: Delivery,
    endpoint: dict[str, Any],
    send: Send | None,
    resolve: address_guard.Resolver | None,
) -> sender.Outcome:
    try:
        target = address_guard.check(
            endpoint["url"], allow_loopback=allows_loopback(delivery.tenant), resolve=resolve
        )
    except address_guard.UrlRefused as refused:
        return sender.Outcome(None, f"refused: {refused}")
    except address_guard.ResolutionUnavailable:
        return sender.Outcome(None, "the host could not be resolved")
    body = json.dumps(delivery.event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        HEADER: signature_header(body, endpoint["secret"]),
    }
    return (send or sender.post)(target, body, headers)


def _note_failure(delivery: Delivery, endpoint: dict[str, Any]) -> None:
    """Remember when the endpoint started failing; disable it once that is a window ago."""
    tenant, endpoint_id = delivery.tenant, delivery.endpoint_id
    failing_since = endpoint.get("failing_since")
    if failing_since is None:
        webhook_endpoints_table.record_failure(tenant, endpoint_id, now())
        return
    window = get_event_settings().retry.window_seconds
    if failing_since <= at(time.time() - window):
        _disable_if_failing_since(delivery, time.time() - window)


def _disable_if_failing_since(delivery: Delivery, moment: float) -> None:
    """Disable the endpoint if it has failed, without one success, since ``moment``."""
    if webhook_endpoints_table.disable_if_failing_since(
        delivery.tenant, delivery.endpoint_id, at(moment), now()
    ):
        logger.warning(
            "Webhook endpoint disabled after failing for the whole retry window",
            extra={"endpoint_id": delivery.endpoint_id},
        )

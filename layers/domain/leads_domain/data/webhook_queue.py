"""The webhook delivery queue (SQS) and its dead-letter queue: one message per event and
endpoint, each message retried on its own schedule.

A message's body is ``{"tenant", "endpoint_id", "event"}``; its attempt count is SQS's
ApproximateReceiveCount and its first attempt SQS's SentTimestamp, so retrying a message is
only making it invisible for a while (ChangeMessageVisibility), never sending it again.
"""

import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from leads_domain.data.clients import sqs
from leads_domain.errors import ServiceUnavailable
from leads_domain.event_settings import get_event_settings
from leads_domain.tenancy import Tenant, tenant_of_partition

# SendMessageBatch takes ten entries; entries SQS could not take are sent again this often.
_BATCH_ENTRIES = 10
_SEND_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message of the queue: an event for one endpoint, and where it is in its retries."""

    tenant: Tenant
    endpoint_id: str
    event: dict[str, Any]
    attempt: int  # 1 for the first
    first_attempt_at: float  # Unix seconds
    receipt_handle: str
    body: str


def enqueue(tenant: Tenant, event: dict[str, Any], endpoint_ids: list[str]) -> None:
    """A delivery of ``event`` for each endpoint; ServiceUnavailable if SQS did not take all."""
    bodies = [
        json.dumps(
            {"tenant": tenant.partition, "endpoint_id": endpoint_id, "event": event},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for endpoint_id in endpoint_ids
    ]
    for start in range(0, len(bodies), _BATCH_ENTRIES):
        _send_batch(bodies[start : start + _BATCH_ENTRIES])


def _send_batch(bodies: list[str]) -> None:
    pending = {str(index): body for index, body in enumerate(bodies)}
    for _ in range(_SEND_ATTEMPTS):
        entries = [{"Id": key, "MessageBody": body} for key, body in pending.items()]
        try:
            response = sqs().send_message_batch(
                QueueUrl=get_event_settings().delivery_queue_url, Entries=entries
            )
        except (ClientError, BotoCoreError) as error:
            raise ServiceUnavailable() from error
        pending = {
            failed["Id"]: pending[failed["Id"]]
            for failed in response.get("Failed", [])
            if failed["Id"] in pending
        }
        if not pending:
            return
    raise ServiceUnavailable()


class MalformedMessage(ValueError):
    """A message of the queue that is no delivery (never sent by the publisher)."""


def delivery_of(record: dict[str, Any]) -> Delivery:
    """A Lambda SQS event record as the delivery it carries; MalformedMessage if it is none."""
    attributes = record.get("attributes") or {}
    try:
        message = json.loads(record["body"])
        return Delivery(
            tenant=tenant_of_partition(str(message["tenant"])),
            endpoint_id=str(message["endpoint_id"]),
            event=dict(message["event"]),
            attempt=int(attributes.get("ApproximateReceiveCount", "1")),
            first_attempt_at=int(attributes["SentTimestamp"]) / 1000,
            receipt_handle=record["receiptHandle"],
            body=record["body"],
        )
    except (ValueError, KeyError, TypeError) as error:
        raise MalformedMessage("not a webhook delivery") from error


def endpoint_of(record: dict[str, Any]) -> str:
    """The endpoint a queue message is for ("" if it is malformed): to keep one endpoint's
    deliveries in order."""
    try:
        return str(json.loads(record["body"])["endpoint_id"])
    except (ValueError, KeyError, TypeError):
        return ""


def retry_later(delivery: Delivery, seconds: int) -> None:
    """Make the delivery's message come back in ``seconds`` (it stays in the queue)."""
    try:
        sqs().change_message_visibility(
            QueueUrl=get_event_settings().delivery_queue_url,
            ReceiptHandle=delivery.receipt_handle,
            VisibilityTimeout=seconds,
        )
    except (ClientError, BotoCoreError) as error:
        raise ServiceUnavailable() from error


def dead_letter(body: str, reason: str, attempts: int) -> None:
    """Keep a message's body in the dead-letter queue, with why it was given up."""
    try:
        sqs().send_message(
            QueueUrl=get_event_settings().dead_letter_queue_url,
            MessageBody=body,
            MessageAttributes={
                "reason": {"DataType": "String", "StringValue": reason},
                "attempts": {"DataType": "Number", "StringValue": str(attempts)},
            },
        )
    except (ClientError, BotoCoreError) as error:
        raise ServiceUnavailable() from error

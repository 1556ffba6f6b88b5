"""The events table: every tenant's events, kept 30 days, in one partition per tenant.

An event is one item (``sk`` = its id, ``body`` = its JSON exactly as the API answers it),
written once: the write is conditional on the id being new, so a stream record processed twice
stores one event. Three KEYS_ONLY indexes serve the lists, each page reading ``limit + 1``
index entries per partition it merges, then the page's items in one BatchGetItem (as the leads
list does), never the whole tenant:

- ``by_time``: partition ``tenant``, sorted by ``time_key`` = ``<created_at>#<sequence>#<id>``:
  the tenant's events, newest first.
- ``by_type``: partition ``type_key`` = ``<tenant>#<type>``, sorted by ``time_key``: one type's
  events; several types are merged.
- ``by_lead``: partition ``lead_key`` = ``<tenant>#<lead id>#<type>``, sorted by
  ``order_key`` = ``<sequence>#<id>``: one lead's history in the order its changes were
  committed (the stream's sequence numbers increase, for one item, in commit order; clocks
  play no part). A lead's whole history merges its three types.

Sequence numbers are decimal strings of up to 40 digits; they are zero-padded so that they
sort as text. ``created_at`` is the commit time the stream reports, which for one item never
goes backwards, and ties are broken by the sequence number: ``by_time`` keeps each lead's
events in commit order too.
"""

import json
import time
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from leads_domain.data.batch_reads import batch_get
from leads_domain.data.clients import dynamodb, error_code
from leads_domain.errors import ServiceUnavailable
from leads_domain.event_settings import get_event_settings
from leads_domain.event_types import EVENT_TYPES
from leads_domain.tenancy import Tenant

BY_TIME = "by_time"
BY_TYPE = "by_type"
BY_LEAD = "by_lead"
RETENTION_SECONDS = 30 * 24 * 60 * 60
SEQUENCE_DIGITS = 40


def _key(tenant: Tenant, event_id: str) -> dict[str, Any]:
    return {"tenant": {"S": tenant.partition}, "sk": {"S": event_id}}


def store(tenant: Tenant, event: dict[str, Any], lead_id: str, sequence: str, at: float) -> bool:
    """Keep the event for 30 days from Unix second ``at``. True if it is new, False if an
    earlier attempt stored it already."""
    order_key = f"{sequence.zfill(SEQUENCE_DIGITS)}#{event['id']}"
    item = {
        **_key(tenant, event["id"]),
        "body": {"S": json.dumps(event, ensure_ascii=False, separators=(",", ":"))},
        "event_type": {"S": event["type"]},
        "lead_id": {"S": lead_id},
        "time_key": {"S": f"{event['created_at']}#{order_key}"},
        "type_key": {"S": f"{tenant.partition}#{event['type']}"},
        "lead_key": {"S": f"{tenant.partition}#{lead_id}#{event['type']}"},
        "order_key": {"S": order_key},
        "expires_at": {"N": str(int(at) + RETENTION_SECONDS)},
    }
    try:
        dynamodb().put_item(
            TableName=get_event_settings().events_table,
            Item=item,
            ConditionExpression="attribute_not_exists(sk)",
        )
    except ClientError as error:
        if error_code(error) == "ConditionalCheckFailedException":
            return False
        raise ServiceUnavailable() from error
    except BotoCoreError as error:
        raise ServiceUnavailable() from error
    return True


def get(tenant: Tenant, event_id: str) -> dict[str, Any] | None:
    item = _get_item(tenant, event_id, "body, expires_at")
    return json.loads(item["body"]["S"]) if item else None


def cursor_of(tenant: Tenant, event_id: str) -> dict[str, str] | None:
    """Where the tenant's event sits in the lists (its sort keys and lead), or None."""
    item = _get_item(tenant, event_id, "time_key, order_key, lead_id, expires_at")
    if item is None:
        return None
    return {name: item[name]["S"] for name in ("time_key", "order_key", "lead_id")}


def _get_item(tenant: Tenant, event_id: str, projection: str) -> dict[str, Any] | None:
    try:
        response = dynamodb().get_item(
            TableName=get_event_settings().events_table,
            Key=_key(tenant, event_id),
            ProjectionExpression=projection,
            ConsistentRead=True,
        )
    except (ClientError, BotoCoreError) as error:
        raise ServiceUnavailable() from error
    item = response.get("Item")
    # TTL deletes within days of expiry; until then an expired event is already gone.
    if item is None or int(item["expires_at"]["N"]) <= time.time():
        return None
    return dict(item)


def page(
    tenant: Tenant,
    limit: int,
    *,
    types: tuple[str, ...] | None = None,
    lead_id: str | None = None,
    after: dict[str, str] | None = None,
    before: dict[str, str] | None = None,
) -> tuple[list[dict[str, Any]], bool]:
    """Events newest first (a lead's: last committed first), of the given ``types`` (None:
    every type), and whether more follow. ``after`` / ``before`` are cursors from
    ``cursor_of``: the page starts just after (older than) or ends just before (newer than)
    that event."""
    if lead_id is not None:
        index, sort = BY_LEAD, "order_key"
        partitions = [
            ("lead_key", f"{tenant.partition}#{lead_id}#{kind}") for kind in types or EVENT_TYPES
        ]
    elif types is not None:
        index, sort = BY_TYPE, "time_key"
        partitions = [("type_key", f"{tenant.partition}#{kind}") for kind in types]
    else:
        index, sort = BY_TIME, "time_key"
        partitions = [("tenant", tenant.partition)]
    cursor = before or after
    newest_first = before is None
    try:
        entries = []
        for attribute, value in partitions:
            entries += _index_entries(
                index,
                attribute,
                value,
                sort,
                limit + 1,
                newest_first=newest_first,
                beyond=cursor[sort] if cursor else None,
            )
        entries.sort(key=lambda entry: entry[sort]["S"], reverse=newest_first)
        window = entries[:limit] if newest_first else entries[:limit][::-1]
        items = _batch_get(tenant, [entry["sk"]["S"] for entry in window])
    except (ClientError, BotoCoreError) as error:
        raise ServiceUnavailable() from error
    now = time.time()
    # TTL deletes within days of expiry; until then an expired event is already gone.
    live = [item for item in items if int(item["expires_at"]["N"]) > now]
    return [json.loads(item["body"]["S"]) for item in live], len(entries) > limit


def _index_entries(
    index: str,
    attribute: str,
    value: str,
    sort: str,
    wanted: int,
    *,
    newest_first: bool,
    beyond: str | None,
) -> list[dict[str, Any]]:
    condition = "#p = :p"
    names = {"#p": attribute}
    values = {":p": {"S": value}}
    if beyond is not None:
        condition += f" AND #s {'<' if newest_first else '>'} :cursor"
        names["#s"] = sort
        values[":cursor"] = {"S": beyond}
    request: dict[str, Any] = {
        "TableName": get_event_settings().events_table,
        "IndexName": index,
        "KeyConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
        "ScanIndexForward": not newest_first,
    }
    entries: list[dict[str, Any]] = []
    while len(entries) < wanted:
        request["Limit"] = wanted - len(entries)
        response = dynamodb().query(**request)
        entries.extend(response.get("Items", []))
        if "LastEvaluatedKey" not in response:
            break
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
    return entries


def _batch_get(tenant: Tenant, event_ids: list[str]) -> list[dict[str, Any]]:
    """The events' items in the order of ``event_ids`` (a page: at most 100, one request)."""
    keys = [_key(tenant, event_id) for event_id in event_ids]
    items = batch_get(get_event_settings().events_table, keys, "sk, body, expires_at")
    found = {item["sk"]["S"]: item for item in items}
    return [found[event_id] for event_id in event_ids if event_id in found]

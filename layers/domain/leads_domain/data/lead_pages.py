"""A page of a tenant's leads, newest first, from the index that serves the list's filter: never
the whole tenant, never a Scan, never a filter applied after reading.

The unfiltered list reads ``by_created_at`` (partition ``tenant``); a list filtered by status,
owner or email reads that field's index, in the partition of the tenant's value (filing.py).
Every index is sorted by ``created_key``, so a creation-time range and a cursor are both key
bounds of one Query: a page reads ``offset + limit + 1`` small index entries (``limit + 1`` by
cursor, at any depth), then the page's items with one BatchGetItem, and ``total`` comes from
counts (totals.py).
"""

import time
from typing import Any, NamedTuple

from botocore.exceptions import BotoCoreError, ClientError

from leads_domain.data import lead_indexes, totals
from leads_domain.data.clients import dynamodb
from leads_domain.data.lead_indexes import IndexPartition
from leads_domain.data.leads_table import lead_key, to_lead
from leads_domain.errors import ServiceUnavailable
from leads_domain.filters import EVERY_LEAD, LeadFilter
from leads_domain.settings import get_settings
from leads_domain.tenancy import Tenant

# BatchGetItem may leave keys unprocessed under load; retry those a few times, then give up.
_BATCH_ATTEMPTS = 4
_BATCH_MAX_KEYS = 100


class _Bound(NamedTuple):
    """A ``created_key`` bound of a Query, and whether the key itself is inside."""

    key: str
    inclusive: bool


def page(
    tenant: Tenant,
    limit: int,
    *,
    offset: int = 0,
    after: str | None = None,
    before: str | None = None,
    where: LeadFilter = EVERY_LEAD,
) -> tuple[list[dict[str, Any]], bool, int]:
    """Leads matching ``where``, newest first: (the page, whether more follow it, how many
    match in all).

    ``after`` / ``before`` are cursors from ``cursor_of``: the page starts just after (older
    than) or ends just before (newer than) that position, and ``has_more`` then says whether
    more matching leads lie beyond the page in the same direction. The list is eventually
    consistent, like the index it reads.
    """
    try:
        total: int | None = None
        if offset > 0:
            # Past the end, the count alone answers.
            total = totals.total(tenant, where)
            if offset >= total:
                return [], False, total
        partition = lead_indexes.partition_of(tenant, where)
        lower = _range_bound(lead_indexes.lower_key(where.since))
        upper = _range_bound(lead_indexes.upper_key(where.until))
        if before is not None:
            lower = _tighter(lower, _Bound(before, False), max)
            entries = _entries(partition, limit + 1, lower, upper, newest_first=False)
            window = entries[:limit][::-1]
        else:
            if after is not None:
                upper = _tighter(upper, _Bound(after, False), min)
            entries = _entries(partition, offset + limit + 1, lower, upper, newest_first=True)
            window = entries[offset : offset + limit]
        has_more = len(entries) > offset + limit
        page_keys = [{"tenant": entry["tenant"], "sk": entry["sk"]} for entry in window]
        items = batch_get(page_keys)
        if total is None:
            total = totals.total(tenant, where)
    except (ClientError, BotoCoreError) as error:
        raise ServiceUnavailable() from error
    return [to_lead(item) for item in items], has_more, total


def _range_bound(key: str | None) -> _Bound | None:
    return None if key is None else _Bound(key, True)


def _tighter(range_bound: _Bound | None, cursor: _Bound, pick: Any) -> _Bound:
    """Of a range's bound and a cursor's (exclusive), the one that keeps fewer keys in."""
    if range_bound is None or pick(range_bound.key, cursor.key) == cursor.key:
        return cursor
    return range_bound


def email_holder(tenant: Tenant, email: str) -> str | None:
    """The id of the newest lead of the tenant filed under this email (as compared), if any."""
    try:
        where = LeadFilter(field="email_id", value=email)
        return lead_indexes.newest_lead_id(lead_indexes.partition_of(tenant, where))
    except (ClientError, BotoCoreError) as error:
        raise ServiceUnavailable() from error


def cursor_of(tenant: Tenant, lead_id: str) -> str | None:
    """The index position of the tenant's lead, or None if the tenant has no such lead."""
    try:
        response = dynamodb().get_item(
            TableName=get_settings().leads_table,
            Key=lead_key(tenant, lead_id),
            ProjectionExpression="created_key",
        )
    except (ClientError, BotoCoreError) as error:
        raise ServiceUnavailable() from error
    item = response.get("Item")
    return item["created_key"]["S"] if item else None


def _entries(
    partition: IndexPartition,
    wanted: int,
    lower: _Bound | None,
    upper: _Bound | None,
    *,
    newest_first: bool,
) -> list[dict[str, Any]]:
    """Up to ``wanted`` entries of the index partition between the bounds, from the newest (or
    the oldest). Two bounds make one BETWEEN, which includes both ends: an excluded end (a
    cursor) is then dropped from what is read, one entry at most per end."""
    if lower is not None and upper is not None and lower.key > upper.key:
        return []
    condition, values = lead_indexes.key_condition(
        partition,
        None if lower is None else lower.key,
        None if upper is None else upper.key,
        lower_operator=">=" if lower is None or lower.inclusive else ">",
        upper_operator="<=" if upper is None or upper.inclusive else "<",
    )
    excluded = set()
    if lower is not None and upper is not None:
        excluded = {bound.key for bound in (lower, upper) if not bound.inclusive}
    entries: list[dict[str, Any]] = []
    request: dict[str, Any] = {
        "TableName": get_settings().leads_table,
        "IndexName": partition.index,
        "KeyConditionExpression": condition,
        "ExpressionAttributeNames": {"#p": partition.attribute},
        "ExpressionAttributeValues": values,
        "ScanIndexForward": not newest_first,
    }
    while len(entries) < wanted:
        request["Limit"] = wanted - len(entries) + len(excluded)
        response = dynamodb().query(**request)
        entries.extend(
            entry
            for entry in response.get("Items", [])
            if entry["created_key"]["S"] not in excluded
        )
        if "LastEvaluatedKey" not in response:
            break
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
    return entries[:wanted]


def batch_get(keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items for ``keys`` in the same order (missing ones dropped), in as few BatchGetItem
    calls as DynamoDB allows (100 keys each), retrying only what DynamoDB left unprocessed."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(keys), _BATCH_MAX_KEYS):
        found.update(_batch_get_chunk(keys[start : start + _BATCH_MAX_KEYS]))
    return [found[key["sk"]["S"]] for key in keys if key["sk"]["S"] in found]


def _batch_get_chunk(keys: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    table = get_settings().leads_table
    found: dict[str, dict[str, Any]] = {}
    pending = keys
    for attempt in range(_BATCH_ATTEMPTS):
        if not pending:
            return found
        if attempt:
            time.sleep(0.05 * 2**attempt)
        response = dynamodb().batch_get_item(RequestItems={table: {"Keys": pending}})
        for item in response.get("Responses", {}).get(table, []):
            found[item["sk"]["S"]] = item
        pending = response.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
    if pending:
        raise ServiceUnavailable()
    return found

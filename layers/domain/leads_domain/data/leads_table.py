"""The leads table: a tenant's leads, their newest-first index and their sharded count.

One partition per tenant (``tenant`` = account#mode) holds the tenant's leads (``sk`` =
``LEAD#<id>``) and the shards of its lead count (``sk`` = ``COUNTER``, ``COUNTER#1`` ..
``COUNTER#<N-1>``, see ``counters``). Every other kind of item keeps out of the ``LEAD#``
prefix: the table's stream treats exactly the ``LEAD#`` items as leads.

The count is exact: every create and delete ADDs +1 / -1 to one shard in the same transaction
as the lead, so ``total`` never drifts and never needs counting. It is sharded because a
transaction that finds an item held by another transaction is cancelled: with one counter item
every create and delete of a tenant queued on it, and bench/scaling's simulation put the
ceiling at ~24 creates + deletes per second. With N shards, each write picks one at random (and
a retry picks again), so two concurrent writes collide with probability 1/N and the ceiling
grows ~N-fold (SCALING.md). N (template.yaml's CounterShards) is 64: the smallest power of two
whose simulated conflict ceiling (~1,600/s) is above the index partition's write limit (1,000
WU/s, one unit per create or delete), so a tenant's writes are bounded by its index partition,
not by its count; with transactions holding items twice as long as assumed, it still allows
~790/s. More shards would buy nothing the index partition allows, and past ~85 (about 48 bytes each)
their Query would cost a whole read unit instead of half.

The shards share the tenant's partition key, rather than having partition keys of their own,
for the read: ``total`` is one Query of the shards' key range (``counters.total``), 0.5 RU
for all 64 shards (~3 KB), where a BatchGetItem of 64 keys would cost 32 RU on every list
page. That Query is one more request per first or cursor page (the offset path already read
the counter first). Their writes (2 WU each, transactional) land in the tenant's partition with
its leads: before DynamoDB splits a hot partition they count against its 1,000 WU/s together
with the lead items, as the single counter did; under sustained load adaptive capacity isolates
frequently written items in partitions of their own, as it spreads the random lead ids.

Migration needs no command: the single ``COUNTER`` item of the first design is shard 0, and
a read sums every shard that exists, so an existing table keeps its exact total from the first
request of the new code on. Changing N later is safe both ways for the same reason. (While a
deployment replaces the functions, a list function still on the old code reads shard 0 only;
deploying once with CounterShards=1, then with 64, keeps even those reads exact: README.)

The ``by_created_at`` index is partitioned by tenant and sorted by ``created_key`` =
``<created_at>#<id>``, so ties on the timestamp still sort deterministically. It projects
KEYS_ONLY on purpose: an index entry is ~100 bytes, so skipping ``offset`` entries costs about
40 entries per read unit instead of ~3 whole leads, updates that do not move ``created_key``
write nothing to the index, and the page's own items are then read with one BatchGetItem.
Count shards have no ``created_key``, so they never appear in the index.
"""

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from leads_domain.data import batch_reads, counters
from leads_domain.data.attributes import from_item, to_attribute, to_item
from leads_domain.data.clients import dynamodb, error_code
from leads_domain.data.transactions import cancellation_item, condition_failed_at, transact
from leads_domain.errors import Conflict, ServiceUnavailable, lead_not_found
from leads_domain.request_origin import NO_ORIGIN, RequestOrigin
from leads_domain.settings import get_settings
from leads_domain.tenancy import Tenant

CREATED_INDEX = "by_created_at"
FIRST_VERSION = 1
LEAD_PREFIX = "LEAD#"
_KEY_ATTRIBUTES = ("tenant", "sk", "created_key")
# The request that made the item's latest change (never part of the Lead): what the DynamoDB
# stream hands the events publisher as the event's request.id and request.idempotency_key.
REQUEST_ID = "request_id"
IDEMPOTENCY_KEY = "idempotency_key"
_BATCH_MAX_KEYS = batch_reads.MAX_KEYS


def lead_key(tenant: Tenant, lead_id: str) -> dict[str, Any]:
    # The prefix keeps any path id a client sends inside the lead namespace: an id can never
    # address a count shard.
    return {"tenant": {"S": tenant.partition}, "sk": {"S": LEAD_PREFIX + lead_id}}


def counted(tenant: Tenant, delta: int) -> dict[str, Any]:
    """The transaction action that counts ``delta`` leads, on a shard picked at random."""
    return counters.change(tenant, delta, counters.random_shard())


def stored_item(
    tenant: Tenant, lead: dict[str, Any], origin: RequestOrigin = NO_ORIGIN
) -> dict[str, Any]:
    """The item a new lead is stored as: its fields, its keys, its index key, version 1, and
    the request that creates it."""
    item = to_item(lead)
    del item["id"]
    item.update(to_item({REQUEST_ID: origin.request_id, IDEMPOTENCY_KEY: origin.idempotency_key}))
    item.update(lead_key(tenant, lead["id"]))
    item["created_key"] = {"S": f"{lead['created_at']}#{lead['id']}"}
    item["version"] = {"N": str(FIRST_VERSION)}
    return item


def to_lead(item: dict[str, Any]) -> dict[str, Any]:
    values = from_item(item)
    lead_id = values.pop("sk")[len(LEAD_PREFIX) :]
    for name in _KEY_ATTRIBUTES:
        values.pop(name, None)
    return {"id": lead_id, **values}


def insert(tenant: Tenant, lead: dict[str, Any], origin: RequestOrigin = NO_ORIGIN) -> None:
    """Store a new lead and count it, atomically. ``lead`` holds id, timestamps and fields;
    ``origin`` the request that creates it."""
    put = {
        "Put": {
            "TableName": get_settings().leads_table,
            "Item": stored_item(tenant, lead, origin),
            "ConditionExpression": "attribute_not_exists(sk)",
        }
    }
    try:
        transact(lambda: [put, counted(tenant, +1)])
    except ClientError as error:
        if condition_failed_at(error, 0):
            raise Conflict("A lead with this id already exists.", param="id") from error
        raise ServiceUnavailable() from error
    except BotoCoreError as error:
        raise ServiceUnavailable() from error


def get(tenant: Tenant, lead_id: str) -> dict[str, Any] | None:
    try:
        # Strongly consistent: a client that just created or changed a lead reads it back.
        response = dynamodb().get_item(
            TableName=get_settings().leads_table,
            Key=lead_key(tenant, lead_id),
            ConsistentRead=True,
        )
    except (ClientError, BotoCoreError) as error:
        raise ServiceUnavailable() from error
    item = response.get("Item")
    return to_lead(item) if item else None


def update(
    tenant: Tenant,
    lead_id: str,
    set_values: dict[str, Any],
    remove: list[str],
    expected_versions: tuple[int, ...] = (),
    expected_values: dict[str, Any] | None = None,
    origin: RequestOrigin = NO_ORIGIN,
) -> dict[str, Any]:
    """Apply the change if the lead exists under this tenant (and, if given, is still at one
    of ``expected_versions`` and still holds ``expected_values``: attribute -> value, None for
    absent); answer the lead as stored afterwards. Conflict if it is not. The item then names
    ``origin`` as the request of its latest change, and no other."""
    set_values = {**set_values, REQUEST_ID: origin.request_id}
    remove = [*remove, IDEMPOTENCY_KEY]  # updates take no Idempotency-Key
    if origin.request_id is None:
        del set_values[REQUEST_ID]
        remove.append(REQUEST_ID)
    names: dict[str, str] = {}
    values: dict[str, Any] = {":one": {"N": "1"}}
    assignments = []
    for index, (name, value) in enumerate(set_values.items()):
        names[f"#s{index}"] = name
        values[f":s{index}"] = to_attribute(value)
        assignments.append(f"#s{index} = :s{index}")
    removals = []
    for index, name in enumerate(remove):
        names[f"#r{index}"] = name
        removals.append(f"#r{index}")
    expression = "SET " + ", ".join(assignments) + " ADD version :one"
    if removals:
        expression += " REMOVE " + ", ".join(removals)
    condition = (
        "attribute_exists(sk)"
        + _version_condition(expected_versions, values)
        + _values_condition(expected_values or {}, names, values)
    )
    try:
        response = dynamodb().update_item(
            TableName=get_settings().leads_table,
            Key=lead_key(tenant, lead_id),
            UpdateExpression=expression,
            ConditionExpression=condition,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as error:
        if error_code(error) == "ConditionalCheckFailedException":
            if error.response.get("Item"):
                raise Conflict("The lead changed while it was being updated.") from error
            raise lead_not_found() from error
        raise ServiceUnavailable() from error
    except BotoCoreError as error:
        raise ServiceUnavailable() from error
    return to_lead(response["Attributes"])


def delete(tenant: Tenant, lead_id: str, expected_versions: tuple[int, ...] = ()) -> None:
    """Delete the lead and uncount it, atomically. lead_not_found if it is not the tenant's;
    Conflict if it is no longer at one of ``expected_versions`` (when given)."""
    values: dict[str, Any] = {}
    delete_item: dict[str, Any] = {
        "TableName": get_settings().leads_table,
        "Key": lead_key(tenant, lead_id),
        "ConditionExpression": "attribute_exists(sk)"
        + _version_condition(expected_versions, values),
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }
    if values:
        delete_item["ExpressionAttributeValues"] = values
    try:
        transact(lambda: [{"Delete": delete_item}, counted(tenant, -1)])
    except ClientError as error:
        if condition_failed_at(error, 0):
            if expected_versions and (cancellation_item(error, 0) or get(tenant, lead_id)):
                raise Conflict("The lead has changed since that version.") from error
            raise lead_not_found() from error
        raise ServiceUnavailable() from error
    except BotoCoreError as error:
        raise ServiceUnavailable() from error


def _version_condition(expected_versions: tuple[int, ...], values: dict[str, Any]) -> str:
    """' AND version IN (...)' for optimistic concurrency, adding its values; '' for none."""
    if not expected_versions:
        return ""
    names = []
    for index, version in enumerate(expected_versions):
        values[f":v{index}"] = {"N": str(version)}
        names.append(f":v{index}")
    return f" AND version IN ({', '.join(names)})"


def _values_condition(
    expected: dict[str, Any], names: dict[str, str], values: dict[str, Any]
) -> str:
    """' AND #e0 = :e0 AND attribute_not_exists(#e1) ...' for a change computed from these
    attribute values (None: absent), adding its names and values; '' for none."""
    parts = []
    for index, (name, value) in enumerate(expected.items()):
        names[f"#e{index}"] = name
        if value is None:
            parts.append(f"attribute_not_exists(#e{index})")
        else:
            values[f":e{index}"] = to_attribute(value)
            parts.append(f"#e{index} = :e{index}")
    return "".join(f" AND {part}" for part in parts)


def count(tenant: Tenant) -> int:
    """The tenant's lead count: the sum of its count shards."""
    try:
        return counters.total(tenant)
    except (ClientError, BotoCoreError) as error:
        raise ServiceUnavailable() from error


def page(
    tenant: Tenant,
    limit: int,
    *,
    offset: int = 0,
    after: str | None = None,
    before: str | None = None,
) -> tuple[list[dict[str, Any]], bool, int]:
    """Leads newest first: (the page, whether more follow it, the tenant's total).

    ``after`` / ``before`` are cursors from ``cursor_of``: the page starts just after (older
    than) or ends just before (newer than) that lead, and ``has_more`` then says whether more
    leads lie beyond the page in the same direction. Reads ``offset + limit + 1`` index entries
    (``limit + 1`` with a cursor), the page's items and the count shards, never the whole
    tenant. The list is eventually consistent, like the index it reads.
    """
    try:
        total: int | None = None
        if offset > 0:
            # Past the end, the count alone answers.
            total = counters.total(tenant)
            if offset >= total:
                return [], False, total
        if before is not None:
            entries = _index_entries(tenant, limit + 1, newest_first=False, beyond=before)
            window = entries[:limit][::-1]
        else:
            entries = _index_entries(tenant, offset + limit + 1, newest_first=True, beyond=after)
            window = entries[offset : offset + limit]
        has_more = len(entries) > offset + limit
        page_keys = [{"tenant": entry["tenant"], "sk": entry["sk"]} for entry in window]
        items = batch_get(page_keys)
        if total is None:
            total = counters.total(tenant)
    except (ClientError, BotoCoreError) as error:
        raise ServiceUnavailable() from error
    return [to_lead(item) for item in items], has_more, total


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


def _index_entries(
    tenant: Tenant, wanted: int, *, newest_first: bool, beyond: str | None
) -> list[dict[str, Any]]:
    """Up to ``wanted`` index entries of the tenant, from the newest (or the oldest), or from
    just beyond the cursor ``beyond`` in that direction."""
    condition = "tenant = :tenant"
    values = {":tenant": {"S": tenant.partition}}
    if beyond is not None:
        condition += f" AND created_key {'<' if newest_first else '>'} :cursor"
        values[":cursor"] = {"S": beyond}
    entries: list[dict[str, Any]] = []
    request: dict[str, Any] = {
        "TableName": get_settings().leads_table,
        "IndexName": CREATED_INDEX,
        "KeyConditionExpression": condition,
        "ExpressionAttributeValues": values,
        "ScanIndexForward": not newest_first,
    }
    while len(entries) < wanted:
        request["Limit"] = wanted - len(entries)
        response = dynamodb().query(**request)
        entries.extend(response.get("Items", []))
        if "LastEvaluatedKey" not in response:
            break
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
    return entries


def batch_get(keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items for ``keys`` in the same order (missing ones dropped), in as few BatchGetItem
    calls as DynamoDB allows (100 keys each), retrying only what DynamoDB left unprocessed."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(keys), _BATCH_MAX_KEYS):
        found.update(_batch_get_chunk(keys[start : start + _BATCH_MAX_KEYS]))
    return [found[key["sk"]["S"]] for key in keys if key["sk"]["S"] in found]


def _batch_get_chunk(keys: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    items = batch_reads.batch_get(get_settings().leads_table, keys)
    return {item["sk"]["S"]: item for item in items}

"""The leads table's writes and reads of one lead: its item, and every count that holds it.

One partition per tenant (``tenant`` = account#mode) holds the tenant's leads (``sk`` =
``LEAD#<id>``), the shards of its lead count (``sk`` = ``COUNTER``, ``COUNTER#1`` ..
``COUNTER#<N-1>``, see ``counters``) and the counts per filter value and per hour, day and
month (``COUNT#...``, see ``filing`` and ``time_counts``). Every other kind of item keeps out
of the ``LEAD#`` prefix: the table's stream treats exactly the ``LEAD#`` items as leads.

A create, a delete, and a change of a lead's status, owner or email change the lead and all of
its counts in one transaction, on one count shard picked per attempt; a delete or such a change
reads the lead first and applies only while it is still at the version read (the counts to
change are those of what it read), and tries again after a concurrent change.

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
Count shards have no ``created_key``, so they never appear in the index. Lists are read by
``lead_pages``.

A conditional write carries a token of its own (``write_token``): when botocore retries one
whose first attempt applied but whose answer was lost (a read timeout), the retry fails its
condition against the write it made itself, and the token it finds says so: the write is
answered as the success it was, not as a conflict.
"""

import uuid
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from leads_domain.data import counters, filing
from leads_domain.data.attributes import from_item, to_item
from leads_domain.data.clients import dynamodb, error_code
from leads_domain.data.expressions import change_expression, values_condition, version_condition
from leads_domain.data.tallies import Tally
from leads_domain.data.transactions import cancellation_item, condition_failed_at, transact
from leads_domain.errors import (
    Conflict,
    ServiceUnavailable,
    lead_busy,
    lead_duplicate,
    lead_not_found,
)
from leads_domain.request_origin import NO_ORIGIN, RequestOrigin
from leads_domain.settings import get_settings
from leads_domain.tenancy import Tenant

CREATED_INDEX = "by_created_at"
FIRST_VERSION = 1
LEAD_PREFIX = "LEAD#"
WRITE_TOKEN = "write_token"
# The request that made the item's latest change (never part of the Lead): what the DynamoDB
# stream hands the events publisher as the event's request.id and request.idempotency_key.
REQUEST_ID = "request_id"
IDEMPOTENCY_KEY = "idempotency_key"
FILED = filing.FILED
# What a lead item holds besides the Lead's fields, its version and its filed marker.
_INTERNAL_ATTRIBUTES = ("tenant", "sk", "created_key", WRITE_TOKEN, *filing.INDEX_ATTRIBUTES)
# A delete retries this often after a concurrent change to the lead it read.
DELETE_ATTEMPTS = 5


def lead_key(tenant: Tenant, lead_id: str) -> dict[str, Any]:
    # The prefix keeps any path id a client sends inside the lead namespace: an id can never
    # address a count shard.
    return {"tenant": {"S": tenant.partition}, "sk": {"S": LEAD_PREFIX + lead_id}}


def stored_item(
    tenant: Tenant, lead: dict[str, Any], origin: RequestOrigin = NO_ORIGIN
) -> dict[str, Any]:
    """The item a new lead is stored as: its fields, its keys, its index keys, version 1, filed
    (the transaction that stores it counts it everywhere), and the request that creates it."""
    item = to_item(lead)
    del item["id"]
    item.update(to_item({REQUEST_ID: origin.request_id, IDEMPOTENCY_KEY: origin.idempotency_key}))
    item.update(lead_key(tenant, lead["id"]))
    item["created_key"] = {"S": f"{lead['created_at']}#{lead['id']}"}
    item.update(to_item(filing.index_attributes(tenant, lead)))
    item["version"] = {"N": str(FIRST_VERSION)}
    item[FILED] = {"N": "1"}
    return item


def to_lead(item: dict[str, Any]) -> dict[str, Any]:
    """The lead's fields, version and filed marker (``filing.FILED``), without the keys."""
    values = from_item(item)
    lead_id = values.pop("sk")[len(LEAD_PREFIX) :]
    for name in _INTERNAL_ATTRIBUTES:
        values.pop(name, None)
    return {"id": lead_id, **values}


def count_new(tenant: Tenant, leads: list[dict[str, Any]], zero_at: str | None = None):
    """The count changes of storing ``leads`` (new, filed), on a shard picked now."""
    shard = counters.random_shard()
    changes = Tally()
    for lead in leads:
        changes.count(counters.TOTAL, shard, +1)
        filing.count_filed(changes, lead, +1, shard)
    return changes.actions(tenant, zero_at)


def insert(
    tenant: Tenant,
    lead: dict[str, Any],
    unique_email: bool = False,
    origin: RequestOrigin = NO_ORIGIN,
) -> None:
    """Store a new lead and count it, atomically. ``lead`` holds id, timestamps and fields;
    ``origin`` the request that creates it. With ``unique_email``, only while no lead of the
    tenant has its email (else Duplicate, without the other lead's id:
    ``lead_pages.email_holder`` finds it)."""
    put = {
        "Put": {
            "TableName": get_settings().leads_table,
            "Item": stored_item(tenant, lead, origin),
            "ConditionExpression": "attribute_not_exists(sk)",
        }
    }
    guard = filing.email_guard(lead) if unique_email else None
    try:
        transact(lambda: [put, *count_new(tenant, [lead], guard)])
    except ClientError as error:
        if condition_failed_at(error, 0):
            raise Conflict("A lead with this id already exists.", param="id") from error
        if guard is not None and _guard_failed(error):
            raise lead_duplicate(None) from error
        raise ServiceUnavailable() from error
    except BotoCoreError as error:
        raise ServiceUnavailable() from error


def _guard_failed(error: ClientError) -> bool:
    reasons = error.response.get("CancellationReasons") or []
    return any(condition_failed_at(error, index) for index in range(1, len(reasons)))


def get(tenant: Tenant, lead_id: str) -> dict[str, Any] | None:
    """The lead, strongly consistent, with its version and filed marker; None if the tenant
    has no such lead."""
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


def filed_basis(lead: dict[str, Any]) -> dict[str, Any]:
    """What an ``update`` of a field a list filters by must find unchanged (with the lead's
    other ``expected_values``), so that a change it does not count cannot move the lead."""
    return filing.basis(lead)


def moves_counts(current: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether changing ``current`` (as read) into ``after`` changes where a filed lead is
    counted (a new status, owner or compared email): then it must be ``update_filed``."""
    return bool(current.get(FILED)) and filing.moves(current, after)


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
    absent); answer the lead as stored afterwards. Conflict if it is not. For a change that
    moves no count (``moves_counts``). The item then names ``origin`` as the request of its
    latest change, and no other."""
    set_values, remove = _with_origin(set_values, remove, origin)
    token = uuid.uuid4().hex
    names: dict[str, str] = {}
    values: dict[str, Any] = {":one": {"N": "1"}}
    expression = change_expression({**set_values, WRITE_TOKEN: token}, remove, names, values)
    # Not yet written by this very call: a botocore retry of an attempt that applied finds
    # its own token and fails, instead of applying the change (and the version) twice.
    names["#own"], values[":own"] = WRITE_TOKEN, {"S": token}
    condition = (
        "attribute_exists(sk) AND (attribute_not_exists(#own) OR #own <> :own)"
        + version_condition(expected_versions, values)
        + values_condition(expected_values or {}, names, values)
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
            return _own_write_or_conflict(error.response.get("Item"), token, error)
        raise ServiceUnavailable() from error
    except BotoCoreError as error:
        raise ServiceUnavailable() from error
    return to_lead(response["Attributes"])


def _with_origin(
    set_values: dict[str, Any], remove: list[str], origin: RequestOrigin
) -> tuple[dict[str, Any], list[str]]:
    """The change, naming ``origin`` as the request that made it, and no other (a PATCH has
    no Idempotency-Key: an earlier create's is removed; an upsert's is kept)."""
    given = {REQUEST_ID: origin.request_id, IDEMPOTENCY_KEY: origin.idempotency_key}
    set_values = {**set_values, **{name: value for name, value in given.items() if value}}
    return set_values, [*remove, *(name for name, value in given.items() if not value)]


def _own_write_or_conflict(item: Any, token: str, error: Exception) -> dict[str, Any]:
    """After a failed condition: the lead as this write left it, if the item found carries
    this write's token (a retry of a write that had applied); else Conflict, or
    lead_not_found when there is no lead."""
    if not item:
        raise lead_not_found() from error
    if item.get(WRITE_TOKEN, {}).get("S") == token:
        return to_lead(item)
    raise Conflict("The lead changed while it was being updated.") from error


def update_filed(
    tenant: Tenant,
    current: dict[str, Any],
    set_values: dict[str, Any],
    remove: list[str],
    unique_email: bool = False,
    origin: RequestOrigin = NO_ORIGIN,
) -> dict[str, Any]:
    """Change the lead read as ``current`` and move its counts and index entries with it, in
    one transaction, only while it is still at the version read (else Conflict). With
    ``unique_email``, a new email only while no other lead has it (else Duplicate). Answers
    the lead as stored afterwards; the item names ``origin`` as its latest change's request."""
    set_values, remove = _with_origin(set_values, remove, origin)
    after = {name: value for name, value in {**current, **set_values}.items()}
    for name in remove:
        after.pop(name, None)
    after["version"] = current["version"] + 1
    old_index = filing.index_attributes(tenant, current)
    new_index = filing.index_attributes(tenant, after)
    token = uuid.uuid4().hex
    names: dict[str, str] = {}
    values: dict[str, Any] = {":one": {"N": "1"}, ":read": {"N": str(current["version"])}}
    changed_index = {a: v for a, v in new_index.items() if old_index.get(a) != v}
    expression = change_expression(
        {**set_values, **changed_index, WRITE_TOKEN: token},
        [*remove, *(a for a in old_index if a not in new_index)],
        names,
        values,
    )
    update_lead = {
        "Update": {
            "TableName": get_settings().leads_table,
            "Key": lead_key(tenant, current["id"]),
            "UpdateExpression": expression,
            # Filed as read, too: it is a filed lead's counts that move.
            "ConditionExpression": "attribute_exists(sk) AND version = :read AND #filed = :one",
            "ExpressionAttributeNames": {**names, "#filed": FILED},
            "ExpressionAttributeValues": values,
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
    }
    guard = None
    if unique_email and filing.email_guard(after) != filing.email_guard(current):
        guard = filing.email_guard(after)

    def actions() -> list[dict[str, Any]]:
        shard = counters.random_shard()
        changes = Tally()
        filing.count_filed(changes, current, -1, shard)
        filing.count_filed(changes, after, +1, shard)
        return [update_lead, *changes.actions(tenant, guard)]

    try:
        transact(actions)
    except ClientError as error:
        if condition_failed_at(error, 0):
            return _own_write_or_conflict(cancellation_item(error, 0), token, error)
        if guard is not None and _guard_failed(error):
            raise lead_duplicate(None) from error
        raise ServiceUnavailable() from error
    except BotoCoreError as error:
        raise ServiceUnavailable() from error
    return after


def delete(tenant: Tenant, lead_id: str, expected_versions: tuple[int, ...] = ()) -> None:
    """Delete the lead and uncount it everywhere, atomically: read it, then delete it while it
    still has the filter values read (and is still filed or not, as read), taking it off the
    counts of those values; again after a concurrent change of them. A change of any other
    field meanwhile does not hold the delete up. lead_not_found if it is not the tenant's;
    Conflict if it is no longer at one of ``expected_versions`` (when given), or keeps
    changing."""
    for _ in range(DELETE_ATTEMPTS):
        current = get(tenant, lead_id)
        if current is None:
            raise lead_not_found()
        if expected_versions and current["version"] not in expected_versions:
            raise Conflict("The lead has changed since that version.")
        try:
            _delete_read(tenant, current, expected_versions)
            return
        except Conflict:
            continue
    raise lead_busy()


def _delete_read(
    tenant: Tenant, current: dict[str, Any], expected_versions: tuple[int, ...]
) -> None:
    # Conditioned on what decides the counts to change, not on the version: updates of other
    # fields racing the delete (one changes the version) would otherwise make it retry, and
    # lose, again and again. The backfill files a lead without changing its version.
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    condition = (
        "attribute_exists(sk)"
        + values_condition(filing.basis(current), names, values)
        + version_condition(expected_versions, values)
    )
    delete_item: dict[str, Any] = {
        "TableName": get_settings().leads_table,
        "Key": lead_key(tenant, current["id"]),
        "ConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }
    if values:
        delete_item["ExpressionAttributeValues"] = values

    def actions() -> list[dict[str, Any]]:
        shard = counters.random_shard()
        changes = Tally()
        changes.count(counters.TOTAL, shard, -1)
        if current.get(FILED):
            filing.count_filed(changes, current, -1, shard)
        return [{"Delete": delete_item}, *changes.actions(tenant)]

    try:
        transact(actions)
    except ClientError as error:
        if condition_failed_at(error, 0):
            if cancellation_item(error, 0):
                raise Conflict("The lead changed while it was being deleted.") from error
            raise lead_not_found() from error
        raise ServiceUnavailable() from error
    except BotoCoreError as error:
        raise ServiceUnavailable() from error


def count(tenant: Tenant) -> int:
    """The tenant's lead count: the sum of its count shards."""
    try:
        return counters.total(tenant)
    except (ClientError, BotoCoreError) as error:
        raise ServiceUnavailable() from error

"""The keys table as operators change it (the `leads` CLI; no function writes this table).

Two kinds of item share the table, both keyed by ``digest``:

- a key: ``digest`` is the key's SHA-256 (hex), with key_id, account, mode, name, scope,
  created_at, expires_at, revoked_at, last4, and a copy of its tenant's API Gateway API key
  (``usage_key_id``, ``usage_key``), so that the authorizer reads one item;
- a tenant's limits: ``digest`` is ``TENANT#<account>#<mode>`` (a hex digest has no '#'), with
  the tenant's usage plan, its API Gateway API key, the digests of its keys not revoked
  (``key_digests``) and a ``version`` that every change moves. It has no ``account`` or
  ``key_id``, so neither index lists it. Indexes are eventually consistent; this item is read
  strongly, so "does the tenant still have a working key" is decided on it, conditionally on
  its version, never on an index that may not show a key made a moment ago.
"""

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from leads_domain.data.attributes import from_item, to_item
from leads_domain.data.clients import dynamodb, error_code
from leads_domain.data.keys_table import BY_ACCOUNT_INDEX, BY_KEY_ID_INDEX
from leads_domain.data.transactions import condition_failed_at, transact
from leads_domain.settings import get_settings
from leads_domain.tenancy import Tenant
from leads_domain.timestamps import now

TENANT_PREFIX = "TENANT#"


@dataclass(frozen=True)
class TenantLimits:
    """A tenant's limits item as read (an absent item reads as version 0, nothing set)."""

    tenant: Tenant
    version: int = 0
    plan: str | None = None
    usage_key_id: str | None = None
    usage_key: str | None = None
    key_digests: frozenset[str] = frozenset()


def _table() -> str:
    return get_settings().api_keys_table


def _tenant_key(tenant: Tenant) -> dict[str, Any]:
    return {"digest": {"S": f"{TENANT_PREFIX}{tenant.account}#{tenant.mode}"}}


def _digest_key(digest: str) -> dict[str, Any]:
    return {"digest": {"S": digest}}


def _unchanged(expected_version: int) -> tuple[str, dict[str, Any]]:
    """A condition that the tenant's item is still at the version read."""
    if expected_version == 0:
        return "attribute_not_exists(version)", {}
    return "version = :seen", {":seen": {"N": str(expected_version)}}


def tenant_limits(tenant: Tenant) -> TenantLimits:
    item = dynamodb().get_item(TableName=_table(), Key=_tenant_key(tenant), ConsistentRead=True)
    raw = item.get("Item")
    if not raw:
        return TenantLimits(tenant)
    return TenantLimits(
        tenant,
        int(raw["version"]["N"]),
        raw.get("plan", {}).get("S"),
        raw.get("usage_key_id", {}).get("S"),
        raw.get("usage_key", {}).get("S"),
        frozenset(raw.get("key_digests", {}).get("SS", [])),
    )


def insert_key(record: dict[str, Any], tenant: Tenant, usage_key_id: str | None) -> bool:
    """Store a new key and count it among its tenant's keys, in one transaction. With a
    ``usage_key_id``, only while the tenant's API key is still that one: False if it changed
    (released or replaced meanwhile), and nothing is written."""
    tenant_update: dict[str, Any] = {
        "TableName": _table(),
        "Key": _tenant_key(tenant),
        "UpdateExpression": "ADD key_digests :digest, version :one",
        "ExpressionAttributeValues": {
            ":digest": {"SS": [record["digest"]]},
            ":one": {"N": "1"},
        },
    }
    if usage_key_id:
        tenant_update["ConditionExpression"] = "usage_key_id = :usage_key_id"
        tenant_update["ExpressionAttributeValues"][":usage_key_id"] = {"S": usage_key_id}
    try:
        transact(
            [
                {
                    "Put": {
                        "TableName": _table(),
                        "Item": to_item(record),
                        "ConditionExpression": "attribute_not_exists(digest)",
                    }
                },
                {"Update": tenant_update},
            ]
        )
    except ClientError as error:
        if condition_failed_at(error, 1):
            return False
        raise
    return True


def find_by_key_id(key_id: str) -> dict[str, Any] | None:
    """A key's whole record, read strongly (the index only finds its digest)."""
    page = dynamodb().query(
        TableName=_table(),
        IndexName=BY_KEY_ID_INDEX,
        KeyConditionExpression="key_id = :key_id",
        ExpressionAttributeValues={":key_id": {"S": key_id}},
    )
    if not page.get("Items"):
        return None
    return find_by_digest(page["Items"][0]["digest"]["S"])


def find_by_digest(digest: str) -> dict[str, Any] | None:
    item = dynamodb().get_item(TableName=_table(), Key=_digest_key(digest), ConsistentRead=True)
    return from_item(item["Item"]) if item.get("Item") else None


def list_by_account(account: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {
        "TableName": _table(),
        "IndexName": BY_ACCOUNT_INDEX,
        "KeyConditionExpression": "account = :account",
        "ExpressionAttributeValues": {":account": {"S": account}},
    }
    while True:
        page = dynamodb().query(**kwargs)
        items.extend(from_item(item) for item in page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def revoke(record: dict[str, Any], revoked_at: str) -> dict[str, Any]:
    """Mark the key revoked and take it off its tenant's keys, together (once; a second revoke
    keeps the first time). The record as it is afterwards."""
    tenant = Tenant(record["account"], record["mode"])
    try:
        transact(
            [
                {
                    "Update": {
                        "TableName": _table(),
                        "Key": _digest_key(record["digest"]),
                        "UpdateExpression": "SET revoked_at = :now",
                        "ConditionExpression": "attribute_exists(digest) AND "
                        "attribute_not_exists(revoked_at)",
                        "ExpressionAttributeValues": {":now": {"S": revoked_at}},
                    }
                },
                {
                    "Update": {
                        "TableName": _table(),
                        "Key": _tenant_key(tenant),
                        "UpdateExpression": "DELETE key_digests :digest ADD version :one",
                        "ExpressionAttributeValues": {
                            ":digest": {"SS": [record["digest"]]},
                            ":one": {"N": "1"},
                        },
                    }
                },
            ]
        )
    except ClientError as error:
        if not condition_failed_at(error, 0):
            raise
    return find_by_digest(record["digest"]) or record


def expire(record: dict[str, Any], expires_at: str) -> dict[str, Any] | None:
    """Have a key expire at ``expires_at``, unless it expires sooner already. None if it was
    revoked meanwhile."""
    try:
        response = dynamodb().update_item(
            TableName=_table(),
            Key=_digest_key(record["digest"]),
            UpdateExpression="SET expires_at = :at",
            ConditionExpression="attribute_exists(digest) AND attribute_not_exists(revoked_at) "
            "AND (attribute_not_exists(expires_at) OR expires_at > :at)",
            ExpressionAttributeValues={":at": {"S": expires_at}},
            ReturnValues="ALL_NEW",
        )
    except ClientError as error:
        if error_code(error) != "ConditionalCheckFailedException":
            raise
        current = find_by_digest(record["digest"])
        return None if current is None or current.get("revoked_at") else current
    return from_item(response["Attributes"])


def usable(record: dict[str, Any]) -> bool:
    """Neither revoked nor expired: it still opens the API."""
    expires_at = record.get("expires_at")
    return not record.get("revoked_at") and (expires_at is None or expires_at > now())


def working_keys(limits: TenantLimits) -> list[dict[str, Any]]:
    """The records of the tenant's keys that still open the API, each read strongly."""
    records = (find_by_digest(digest) for digest in sorted(limits.key_digests))
    return [record for record in records if record is not None and usable(record)]


def _update_tenant(
    limits: TenantLimits,
    expression: str,
    values: dict[str, Any] | None = None,
    names: dict[str, str] | None = None,
) -> bool:
    """Change the tenant's item if it is still at the version read; False if it moved on."""
    condition, condition_values = _unchanged(limits.version)
    try:
        dynamodb().update_item(
            TableName=_table(),
            Key=_tenant_key(limits.tenant),
            UpdateExpression=f"{expression} ADD version :one",
            ConditionExpression=condition,
            ExpressionAttributeValues={":one": {"N": "1"}, **(values or {}), **condition_values},
            **({"ExpressionAttributeNames": names} if names else {}),
        )
    except ClientError as error:
        if error_code(error) == "ConditionalCheckFailedException":
            return False
        raise
    return True


def set_usage_key(limits: TenantLimits, usage_key_id: str, usage_key: str) -> bool:
    return _update_tenant(
        limits,
        "SET usage_key_id = :id, usage_key = :value",
        {":id": {"S": usage_key_id}, ":value": {"S": usage_key}},
    )


def clear_usage_key(limits: TenantLimits) -> bool:
    return _update_tenant(limits, "REMOVE usage_key_id, usage_key")


def set_plan(limits: TenantLimits, plan: str) -> bool:
    # PLAN is one of DynamoDB's reserved words.
    return _update_tenant(limits, "SET #plan = :plan", {":plan": {"S": plan}}, {"#plan": "plan"})


def set_key_digests(limits: TenantLimits, digests: set[str]) -> bool:
    """Replace the tenant's list of keys not revoked (rebuilt from the keys themselves)."""
    if not digests:
        return _update_tenant(limits, "REMOVE key_digests")
    return _update_tenant(
        limits, "SET key_digests = :digests", {":digests": {"SS": sorted(digests)}}
    )


def copy_usage_key(record: dict[str, Any], usage_key_id: str, usage_key: str) -> None:
    """Give a key the tenant's API key, for the authorizer to return."""
    dynamodb().update_item(
        TableName=_table(),
        Key=_digest_key(record["digest"]),
        UpdateExpression="SET usage_key_id = :id, usage_key = :value",
        ConditionExpression="attribute_exists(digest)",
        ExpressionAttributeValues={":id": {"S": usage_key_id}, ":value": {"S": usage_key}},
    )

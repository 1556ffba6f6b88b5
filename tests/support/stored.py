"""What DynamoDB holds, read raw with the client: how tests judge what an operation stored,
without asking the code under test."""

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from leads_domain.settings import get_settings
from leads_domain.tenancy import Tenant

LEAD_PREFIX = "LEAD#"


def query_all(dynamodb: Any, **request: Any) -> list[dict[str, Any]]:
    """Every item a Query finds, page after page."""
    items: list[dict[str, Any]] = []
    while True:
        page = dynamodb.query(**request)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def partition(dynamodb: Any, tenant: Tenant) -> list[dict[str, Any]]:
    """Every raw item of the tenant's partition of the leads table, strongly consistent."""
    return query_all(
        dynamodb,
        TableName=get_settings().leads_table,
        KeyConditionExpression="tenant = :tenant",
        ExpressionAttributeValues={":tenant": {"S": tenant.partition}},
        ConsistentRead=True,
    )


def lead_items(dynamodb: Any, tenant: Tenant) -> dict[str, dict[str, Any]]:
    """The tenant's lead items, raw, by lead id."""
    return {
        item["sk"]["S"].removeprefix(LEAD_PREFIX): item
        for item in partition(dynamodb, tenant)
        if item["sk"]["S"].startswith(LEAD_PREFIX)
    }


def is_total_shard(item: dict[str, Any]) -> bool:
    """One of the items that hold the tenant's lead total: the first design's COUNTER, or a
    shard COUNTER#<k> (other counts, per filter, live under other prefixes)."""
    sort_key = item["sk"]["S"]
    return sort_key == "COUNTER" or (
        sort_key.startswith("COUNTER#") and sort_key[len("COUNTER#") :].isdigit()
    )


def counted(dynamodb: Any, tenant: Tenant) -> int:
    """The tenant's lead count as its total's count items hold it."""
    return sum(
        int(item["lead_count"]["N"]) for item in partition(dynamodb, tenant) if is_total_shard(item)
    )


def idempotency_records(dynamodb: Any) -> list[dict[str, Any]]:
    return dynamodb.scan(TableName=get_settings().idempotency_table, ConsistentRead=True)["Items"]


def index_entries(dynamodb: Any, tenant: Tenant, index: str) -> list[dict[str, Any]]:
    """Every entry of one of the leads table's indexes for the tenant, newest first."""
    return query_all(
        dynamodb,
        TableName=get_settings().leads_table,
        IndexName=index,
        KeyConditionExpression="tenant = :tenant",
        ExpressionAttributeValues={":tenant": {"S": tenant.partition}},
        ScanIndexForward=False,
    )


def decoded(item: dict[str, Any]) -> dict[str, Any]:
    """A raw lead item as plain values: its id from the sort key, its fields, its version;
    without the keys and the index attribute. Decoded here, not by the code under test."""
    values: dict[str, Any] = {"id": item["sk"]["S"].removeprefix(LEAD_PREFIX)}
    for name, attribute in item.items():
        if name in ("tenant", "sk", "created_key"):
            continue
        ((kind, value),) = attribute.items()
        if kind == "N":
            number = Decimal(value)
            value = int(number) if number == number.to_integral_value() else float(number)
        values[name] = value
    return values


@dataclass(frozen=True)
class Stored:
    """Everything one tenant has stored, read raw: to compare before and after a request."""

    leads: dict[str, dict[str, Any]]  # id -> the lead item, decoded
    listed: tuple[str, ...]  # the lead ids in the by_created_at index, newest first
    count: int  # the tenant's total, as its count items hold it
    partition: tuple[tuple[str, str], ...]  # (sk, raw item as JSON), sorted
    idempotency: tuple[tuple[str, str], ...]  # (id, raw record as JSON), sorted

    def statuses(self) -> list[str]:
        return sorted(json.loads(item)["status"]["S"] for _, item in self.idempotency)


def stored(dynamodb: Any, tenant: Tenant, index: str = "by_created_at") -> Stored:
    items = partition(dynamodb, tenant)
    return Stored(
        leads={
            item["sk"]["S"].removeprefix(LEAD_PREFIX): decoded(item)
            for item in items
            if item["sk"]["S"].startswith(LEAD_PREFIX)
        },
        listed=tuple(
            entry["sk"]["S"].removeprefix(LEAD_PREFIX)
            for entry in index_entries(dynamodb, tenant, index)
        ),
        count=sum(int(item["lead_count"]["N"]) for item in items if is_total_shard(item)),
        partition=_sorted(items, "sk"),
        idempotency=_sorted(idempotency_records(dynamodb), "id"),
    )


def _sorted(items: list[dict[str, Any]], key: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((item[key]["S"], json.dumps(item, sort_keys=True)) for item in items))


def assert_consistent(state: Stored) -> None:
    """Never partial: every lead is in the index once, and counted; nothing else is."""
    assert len(set(state.listed)) == len(state.listed), state.listed
    assert set(state.leads) == set(state.listed), (state.leads.keys(), state.listed)
    assert len(state.leads) == state.count, state


def assert_lead_stored(state: Stored, lead: dict[str, Any], etag: str | None) -> None:
    """The stored lead is exactly the one the client was answered, at the version of its ETag."""
    stored_lead = state.leads[lead["id"]]
    assert {name: stored_lead.get(name) for name in lead} == lead
    if etag is not None:
        assert etag == f'"v{stored_lead["version"]}"'

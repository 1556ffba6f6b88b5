"""The index partition a list reads for a filter, the ``created_key`` bounds of a creation-time
range, and what is counted by reading index entries rather than counts.

Every index is sorted by ``created_key`` = ``<created_at>#<id>``, with ``created_at`` fixed
width, so each bound of a range is a key bound that needs no look at the items: created at or
after T is ``created_key >= "T"``, after T is ``>= "T#~"`` (``~`` sorts after every id), at or
before T is ``<= "T#~"``, before T is ``<= "T"`` (no key equals "T").
"""

from dataclasses import dataclass
from typing import Any

from leads_domain.data import filing
from leads_domain.data.clients import dynamodb
from leads_domain.data.leads_table import CREATED_INDEX
from leads_domain.filters import Bound, LeadFilter
from leads_domain.settings import get_settings
from leads_domain.tenancy import Tenant

AFTER_EVERY_ID = "#~"


@dataclass(frozen=True, slots=True)
class IndexPartition:
    """One partition of one index: a tenant's leads, or those it filed under one value."""

    index: str
    attribute: str
    key: str


def partition_of(tenant: Tenant, where: LeadFilter) -> IndexPartition:
    if where.field is None or where.value is None:
        return IndexPartition(CREATED_INDEX, "tenant", tenant.partition)
    index, attribute = filing.INDEXES[where.field]
    value = filing.filed_value(where.field, where.value)
    if value is None:
        raise ValueError("a filter's value is checked before it is read")
    return IndexPartition(index, attribute, filing.index_key(tenant, value))


def lower_key(bound: Bound | None) -> str | None:
    """The least ``created_key`` at or after ``bound`` (a range's start), inclusive."""
    if bound is None:
        return None
    return bound.at if bound.inclusive else bound.at + AFTER_EVERY_ID


def upper_key(bound: Bound | None) -> str | None:
    """The greatest ``created_key`` at or before ``bound`` (a range's end), inclusive."""
    if bound is None:
        return None
    return bound.at + AFTER_EVERY_ID if bound.inclusive else bound.at


def count_between(partition: IndexPartition, lower: str | None, upper: str | None) -> int:
    """How many entries of the partition have a ``created_key`` within the inclusive bounds:
    Queries that answer only a count, reading every entry between (callers bound how many).
    Raises botocore's errors."""
    if lower is not None and upper is not None and lower > upper:
        return 0
    condition, values = key_condition(partition, lower, upper)
    request: dict[str, Any] = {
        "TableName": get_settings().leads_table,
        "IndexName": partition.index,
        "KeyConditionExpression": condition,
        "ExpressionAttributeNames": {"#p": partition.attribute},
        "ExpressionAttributeValues": values,
        "Select": "COUNT",
    }
    found = 0
    while True:
        response = dynamodb().query(**request)
        found += int(response.get("Count", 0))
        if "LastEvaluatedKey" not in response:
            return found
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def created_at_instant(partition: IndexPartition, at: str) -> int:
    """How many entries have ``created_at`` exactly ``at``: the few leads of one microsecond."""
    return count_between(partition, f"{at}#", at + AFTER_EVERY_ID)


def key_condition(
    partition: IndexPartition,
    lower: str | None,
    upper: str | None,
    lower_operator: str = ">=",
    upper_operator: str = "<=",
) -> tuple[str, dict[str, Any]]:
    """The KeyConditionExpression (partition name as ``#p``) and its values."""
    condition = "#p = :p"
    values: dict[str, Any] = {":p": {"S": partition.key}}
    if lower is not None and upper is not None:
        condition += " AND created_key BETWEEN :lower AND :upper"
    elif lower is not None:
        condition += f" AND created_key {lower_operator} :lower"
    elif upper is not None:
        condition += f" AND created_key {upper_operator} :upper"
    if lower is not None:
        values[":lower"] = {"S": lower}
    if upper is not None:
        values[":upper"] = {"S": upper}
    return condition, values


def newest_lead_id(partition: IndexPartition) -> str | None:
    """The id of the newest lead in the partition (one entry read), or None."""
    response = dynamodb().query(
        TableName=get_settings().leads_table,
        IndexName=partition.index,
        KeyConditionExpression="#p = :p",
        ExpressionAttributeNames={"#p": partition.attribute},
        ExpressionAttributeValues={":p": {"S": partition.key}},
        ScanIndexForward=False,
        Limit=1,
    )
    items = response.get("Items", [])
    return str(items[0]["sk"]["S"]).split("#", 1)[1] if items else None

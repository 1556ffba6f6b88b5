"""Counts kept in shards: the items that hold a count, the change a write makes to one shard,
and the read that sums them.

A count lives in the tenant's partition as up to N items (``settings.counter_shards``): shard 0
has the sort key ``<prefix>`` and shard k the key ``<prefix>#<k>``. A write ADDs to one shard
picked at random, inside the transaction that changes what is counted, so the count is exact;
two concurrent writes collide only when they pick the same shard. A read Queries the key range
``<prefix>`` .. ``<prefix>#~`` and sums what it finds: every shard that exists, whatever N was
when it was written. leads_table.py explains the choice of layout and of N.

The lead total is the count with prefix ``COUNTER``, so the single counter item of the first
design is its shard 0 and tables written before shards need no migration.
"""

import random
from dataclasses import dataclass
from typing import Any

from leads_domain.data.clients import dynamodb
from leads_domain.settings import get_settings
from leads_domain.tenancy import Tenant

COUNT_ATTRIBUTE = "lead_count"
# Sorts after '#' and every digit: the upper end of one count's key range.
_RANGE_END = "#~"


@dataclass(frozen=True)
class Count:
    """One sharded count of a tenant. No other item of the partition may have a sort key in
    ``prefix`` .. ``prefix#~`` (for a count per value, encode the value so that it holds no
    character below '#' and ends where its shard number begins)."""

    prefix: str

    def sort_key(self, shard: int) -> str:
        return self.prefix if shard == 0 else f"{self.prefix}#{shard}"

    def holds(self, sort_key: str) -> bool:
        return self.prefix <= sort_key <= self.prefix + _RANGE_END


TOTAL = Count("COUNTER")


def random_shard() -> int:
    return random.randrange(get_settings().counter_shards)


def change(tenant: Tenant, delta: int, shard: int, count: Count = TOTAL) -> dict[str, Any]:
    """The TransactWriteItems action that adds ``delta`` to one shard of the count."""
    return {
        "Update": {
            "TableName": get_settings().leads_table,
            "Key": {"tenant": {"S": tenant.partition}, "sk": {"S": count.sort_key(shard)}},
            "UpdateExpression": "ADD #count :delta",
            "ExpressionAttributeNames": {"#count": COUNT_ATTRIBUTE},
            "ExpressionAttributeValues": {":delta": {"N": str(delta)}},
        }
    }


def total(tenant: Tenant, count: Count = TOTAL) -> int:
    """The sum of every shard of the count: one Query, eventually consistent like the index
    the lists read (all N shards are a few KB: half a read unit, the same with or without a
    projection, which is why there is none). Raises botocore's errors."""
    request: dict[str, Any] = {
        "TableName": get_settings().leads_table,
        "KeyConditionExpression": "tenant = :tenant AND sk BETWEEN :first AND :last",
        "ExpressionAttributeValues": {
            ":tenant": {"S": tenant.partition},
            ":first": {"S": count.prefix},
            ":last": {"S": count.prefix + _RANGE_END},
        },
    }
    found = 0
    while True:
        response = dynamodb().query(**request)
        found += sum(int(item[COUNT_ATTRIBUTE]["N"]) for item in response.get("Items", []))
        if "LastEvaluatedKey" not in response:
            return found
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

"""Counts by creation time, so that a range of whole hours is counted exactly with a few small
reads, however long the range and however many leads it holds.

Beside its plain count (counters.py), a count kept by time has, per shard, one item per day,
month and year in which it counted anything, each holding the finer buckets as attributes:

- ``<prefix>@D#2026-12-07[#k]``: ``h00`` .. ``h23``, the leads created in each hour of the day;
- ``<prefix>@M#2026-12[#k]``: ``d01`` .. ``d31``, per day of the month;
- ``<prefix>@Y#2026[#k]``: ``m01`` .. ``m12``, per month of the year.

A create ADDs 1 to one attribute of each of the three (the shard its other counts use), in its
transaction; a delete takes it away from the buckets of the lead's own ``created_at``. Each item
stays under 300 bytes, so each of these writes is one write unit (two, transactional).

The leads created at or after a whole hour T (``since``) are the hours of T's day from T on,
the days of T's month after T's day, the months of T's year after T's month, and every later
year: at most three Queries (a D item set, an M item set, and the Y items from T's year on),
fewer when T starts a day, a month or a year. A range [T1, T2) is since(T1) - since(T2).

``@`` sorts after ``#``, so no item here falls in its count's plain range (``<prefix>`` ..
``<prefix>#~``), and a value's encoding (filing.py) holds no ``@``, so none falls in another
value's.
"""

from collections.abc import Callable
from typing import Any

from leads_domain.data.clients import dynamodb
from leads_domain.data.counters import Count
from leads_domain.data.tallies import Tally
from leads_domain.settings import get_settings
from leads_domain.tenancy import Tenant

_DAY, _MONTH, _YEAR = "D", "M", "Y"
_RANGE_END = "#~"


def _bucket(count: Count, level: str, period: str) -> str:
    return f"{count.prefix}@{level}#{period}"


def _sort_key(count: Count, level: str, period: str, shard: int) -> str:
    base = _bucket(count, level, period)
    return base if shard == 0 or not count.sharded else f"{base}#{shard}"


def add_to_buckets(changes: Tally, count: Count, created_at: str, shard: int, delta: int) -> None:
    """Add ``delta`` to the hour, day and month buckets of ``created_at`` (stored form)."""
    date, month, year = created_at[:10], created_at[:7], created_at[:4]
    changes.add(_sort_key(count, _DAY, date, shard), f"h{created_at[11:13]}", delta)
    changes.add(_sort_key(count, _MONTH, month, shard), f"d{created_at[8:10]}", delta)
    changes.add(_sort_key(count, _YEAR, year, shard), f"m{created_at[5:7]}", delta)


def since(tenant: Tenant, count: Count, hour: str) -> int:
    """How many the count holds of leads created at or after ``hour``: a whole hour, in the
    stored form (``2026-12-07T09:00:00.000000Z``). Eventually consistent, like the index.
    Raises botocore's errors."""
    year, month, day, hour_of_day = int(hour[:4]), int(hour[5:7]), int(hour[8:10]), int(hour[11:13])
    found = 0
    first_day = day
    if hour_of_day:
        found += _sum(tenant, _bucket(count, _DAY, hour[:10]), lambda h: h >= hour_of_day)
        first_day = day + 1
    first_month = month
    if first_day > 1:
        found += _sum(tenant, _bucket(count, _MONTH, hour[:7]), lambda d: d >= first_day)
        first_month = month + 1
    return found + _years_from(tenant, count, year, first_month)


def _sum(tenant: Tenant, bucket: str, wanted: Callable[[int], bool]) -> int:
    """The bucket's attributes whose number is wanted, summed over its shards."""
    found = 0
    for item in _items(tenant, bucket, bucket + _RANGE_END):
        found += _attribute_sum(item, wanted)
    return found


def _years_from(tenant: Tenant, count: Count, year: int, first_month: int) -> int:
    """Months from ``first_month`` of ``year``, and every month of the years after it."""
    first = _bucket(count, _YEAR, f"{year:04d}")
    found = 0
    for item in _items(tenant, first, _bucket(count, _YEAR, "~")):
        item_year = int(item["sk"]["S"][len(first) - 4 : len(first)])
        start = first_month if item_year == year else 1
        found += _attribute_sum(item, start.__le__)
    return found


def _attribute_sum(item: dict[str, Any], wanted: Callable[[int], bool]) -> int:
    return sum(
        int(value["N"])
        for name, value in item.items()
        if len(name) == 3 and name[0] in "hdm" and name[1:].isdigit() and wanted(int(name[1:]))
    )


def _items(tenant: Tenant, first: str, last: str) -> list[dict[str, Any]]:
    request: dict[str, Any] = {
        "TableName": get_settings().leads_table,
        "KeyConditionExpression": "tenant = :tenant AND sk BETWEEN :first AND :last",
        "ExpressionAttributeValues": {
            ":tenant": {"S": tenant.partition},
            ":first": {"S": first},
            ":last": {"S": last},
        },
    }
    items: list[dict[str, Any]] = []
    while True:
        response = dynamodb().query(**request)
        items.extend(response.get("Items", []))
        if "LastEvaluatedKey" not in response:
            return items
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

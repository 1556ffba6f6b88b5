"""The cheapest possible writes of a design whose lists are filtered with exact totals: a lead
written with every index entry it has, and, in the same transaction, one change of every count
that holds it (the total, each of its filter values, and their hour, day and month buckets).
Fewer count writes would leave a filter's total to be counted by reading its leads (O(n), not
O(1)), or outside the transaction (wrong for a moment, or for good after a failure). Section 6
sets these against the design without filters."""

import math
from typing import Any

from bench.capacity_model import (
    TRANSACTION_FACTOR,
    Item,
    TableSchema,
    index_write_units,
    item_size,
    read_units,
    write_units,
)
from leads_domain.data import counters, filing
from leads_domain.data.tallies import Tally
from leads_domain.tenancy import Tenant

TRANSACTION_ACTIONS = 100


def _fields(item: Item) -> dict[str, Any]:
    return {name: next(iter(value.values())) for name, value in item.items()}


def count_items(before: Item | None, after: Item | None) -> set[str]:
    """The count items (on shard 0) a change from ``before`` to ``after`` must write: those
    whose counts it changes (None: no lead)."""
    changes = Tally()
    for item, delta in ((before, -1), (after, +1)):
        if item:
            changes.count(counters.TOTAL, 0, delta)
            filing.count_filed(changes, _fields(item), delta, 0)
    return {action["Update"]["Key"]["sk"]["S"] for action in changes.actions(_ANY_TENANT)}


_ANY_TENANT = Tenant("acct_floor", "test")


def count_writes(table: TableSchema, raw: Any, tenant: Tenant, sort_keys: set[str]) -> float:
    """Transactional writes of those count items, each at its stored size (any shard)."""
    partition, sort = table.key_attributes
    total = 0.0
    for sort_key in sort_keys:
        found = raw.query(
            TableName=table.name,
            KeyConditionExpression="#p = :p AND begins_with(#s, :k)",
            ExpressionAttributeNames={"#p": partition, "#s": sort},
            ExpressionAttributeValues={":p": {"S": tenant.partition}, ":k": {"S": sort_key}},
        )["Items"]
        size = max((item_size(item) for item in found), default=0)
        total += TRANSACTION_FACTOR * write_units(size)
    return total


def lead_write(
    table: TableSchema, raw: Any, tenant: Tenant, before: Item | None, after: Item | None
) -> tuple[float, float]:
    """(read units, write units): a create (before None), delete (after None) or change,
    with its index entries and counts in one transaction; a delete or a change of a filter
    value reads the lead first (a transaction cannot answer what it replaced)."""
    items = count_items(before, after)
    writes = (
        TRANSACTION_FACTOR * write_units(max(item_size(before), item_size(after)))
        + index_write_units(table, before, after)
        + count_writes(table, raw, tenant, items)
    )
    reads = read_units(item_size(before), consistent=True) if before is not None else 0
    return reads, writes


def batch_writes(table: TableSchema, raw: Any, tenant: Tenant, leads: list[Item]) -> float:
    """Every lead and its index entries, in as few transactions as hold them with their count
    items (each transaction changes each count item the leads share once)."""
    items: set[str] = set()
    for lead in leads:
        items |= count_items(None, lead)
    per_transaction = max(1, TRANSACTION_ACTIONS - len(items))
    transactions = math.ceil(len(leads) / per_transaction)
    lead_writes = sum(
        TRANSACTION_FACTOR * write_units(item_size(lead)) + index_write_units(table, None, lead)
        for lead in leads
    )
    return lead_writes + transactions * count_writes(table, raw, tenant, items)

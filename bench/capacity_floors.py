"""The cheapest possible DynamoDB capacity per access pattern (README.md's cost model), and
the local tables it is computed from: the floors section 3 of make bench compares each
operation's metered bill with."""

import math
from dataclasses import dataclass
from typing import Any

from bench import filing_floors
from bench.capacity_model import (
    TRANSACTION_FACTOR,
    Item,
    TableSchema,
    item_size,
    read_units,
    schemas,
    write_units,
)
from bench.database import LocalDynamoDB
from bench.environment import template
from bench.meter import Bill
from leads_domain.data import counters, leads_table
from leads_domain.settings import get_settings
from leads_domain.tenancy import Tenant

PAGE = 20


@dataclass(frozen=True)
class Cost:
    read_units: float
    write_units: float

    def ratio_to(self, floor: "Cost") -> float:
        """The worse of the read and write ratios (a unit where the floor has none is
        infinitely worse)."""

        def one(measured: float, cheapest: float) -> float:
            if cheapest == 0:
                return 1.0 if measured == 0 else math.inf
            return measured / cheapest

        return max(one(self.read_units, floor.read_units), one(self.write_units, floor.write_units))


def cost(bill: Bill) -> Cost:
    return Cost(bill.read_units, bill.write_units)


class Tables:
    """The local tables, looked up with the unmetered client."""

    def __init__(self, db: LocalDynamoDB) -> None:
        self.raw = db.raw
        self.schemas = schemas(template())
        self.leads = self.schemas[get_settings().leads_table]
        self.index = self.leads.indexes[leads_table.CREATED_INDEX]
        self.keys = self.schemas[get_settings().api_keys_table]
        self.idempotency = self.schemas[get_settings().idempotency_table]

    def item(self, table: TableSchema, key: Item) -> Item | None:
        return self.raw.get_item(TableName=table.name, Key=key, ConsistentRead=True).get("Item")

    def idempotency_record(self) -> Item:
        """The one record of the idempotency table (removed: the next create adds the next)."""
        (record,) = self.raw.scan(TableName=self.idempotency.name)["Items"]
        self.raw.delete_item(TableName=self.idempotency.name, Key=self.idempotency.key(record))
        return dict(record)

    def forget_idempotency_records(self) -> None:
        """An empty idempotency table (the cold starts' keyed samples leave records), so that
        the next keyed request's record is its only one."""
        for record in self.raw.scan(TableName=self.idempotency.name)["Items"]:
            self.raw.delete_item(TableName=self.idempotency.name, Key=self.idempotency.key(record))

    def lead_key(self, tenant: Tenant, lead_id: str) -> Item:
        partition, sort = self.leads.key_attributes
        return {partition: {"S": tenant.partition}, sort: {"S": leads_table.LEAD_PREFIX + lead_id}}

    def count_shards(self, tenant: Tenant) -> list[Item]:
        """The tenant's lead count shards as stored (every item of its count's key range)."""
        partition, sort = self.leads.key_attributes
        response = self.raw.query(
            TableName=self.leads.name,
            KeyConditionExpression="#p = :p AND #s BETWEEN :first AND :last",
            ExpressionAttributeNames={"#p": partition, "#s": sort},
            ExpressionAttributeValues={
                ":p": {"S": tenant.partition},
                ":first": {"S": counters.TOTAL.sort_key(0)},
                ":last": {"S": counters.TOTAL.sort_key(0) + "#~"},
            },
            ConsistentRead=True,
        )
        return list(response["Items"])

    def lead_id(self, entry: Item) -> str:
        return str(entry[self.leads.key_attributes[1]]["S"]).removeprefix(leads_table.LEAD_PREFIX)

    def newest_entries(self, tenant: Tenant, count: int) -> list[Item]:
        partition = self.index.key_attributes[0]
        entries: list[Item] = []
        request: dict[str, Any] = {
            "TableName": self.leads.name,
            "IndexName": self.index.name,
            "KeyConditionExpression": "#p = :p",
            "ExpressionAttributeNames": {"#p": partition},
            "ExpressionAttributeValues": {":p": {"S": tenant.partition}},
            "ScanIndexForward": False,
        }
        while len(entries) < count:
            request["Limit"] = count - len(entries)
            response = self.raw.query(**request)
            entries += response["Items"]
            if "LastEvaluatedKey" not in response:
                break
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return entries


def cheapest_get(lead: Item) -> Cost:
    """One strongly consistent read of the item."""
    return Cost(read_units(item_size(lead), consistent=True), 0)


def cheapest_update(before: Item, after: Item) -> Cost:
    """One write of the item, the larger of before and after; its index entry is unchanged."""
    return Cost(0, write_units(max(item_size(before), item_size(after))))


def cheapest_create_or_delete(tables: Tables, lead: Item, shards: list[Item]) -> Cost:
    """The item and one count shard written in one transaction, and the item's index entry."""
    entry = tables.index.entry(lead) or {}
    shard = max((item_size(item) for item in shards), default=0)
    return Cost(
        0,
        TRANSACTION_FACTOR * (write_units(item_size(lead)) + write_units(shard))
        + write_units(tables.index.entry_size(entry)),
    )


def filed(tables: Tables, tenant: Tenant, before: Item | None, after: Item | None) -> Cost:
    """A create, delete or change that keeps every filter's index and count exact, at its
    cheapest (filing_floors.py)."""
    reads, writes = filing_floors.lead_write(tables.leads, tables.raw, tenant, before, after)
    return Cost(reads, writes)


def count_read(shards: list[Item]) -> float:
    """Every shard of the count, read together (their sizes summed, then rounded up)."""
    return read_units(sum(item_size(item) for item in shards), consistent=False)


def cheapest_list(tables: Tables, tenant: Tenant, shards: list[Item], offset: int) -> Cost:
    """Eventually consistent: past the end only the count; else the offset + limit + 1
    newest index entries in one Query, then the page's items, each item rounded up on its
    own (BatchGetItem), and the count."""
    counter_read = count_read(shards)
    entries = tables.newest_entries(tenant, offset + PAGE + 1)
    if offset >= len(entries):
        return Cost(counter_read, 0)
    index_read = read_units(sum(tables.index.entry_size(e) for e in entries), consistent=False)
    page = [tables.item(tables.leads, tables.leads.key(e)) for e in entries[offset:][:PAGE]]
    items_read = sum(read_units(item_size(item), consistent=False) for item in page)
    return Cost(index_read + items_read + counter_read, 0)


def cheapest_cursor_list(tables: Tables, tenant: Tenant, shards: list[Item], depth: int) -> Cost:
    """Eventually consistent: the cursor's lead (for its place in the index), the limit + 1
    index entries after it in one Query, then the page's items and the count."""
    entries = tables.newest_entries(tenant, depth + PAGE + 1)
    cursor = tables.item(tables.leads, tables.leads.key(entries[depth - 1]))
    after = entries[depth:]
    index_read = read_units(sum(tables.index.entry_size(e) for e in after), consistent=False)
    page = [tables.item(tables.leads, tables.leads.key(e)) for e in after[:PAGE]]
    return Cost(
        read_units(item_size(cursor), consistent=False)
        + index_read
        + sum(read_units(item_size(item), consistent=False) for item in page)
        + count_read(shards),
        0,
    )


def cheapest_idempotent_create(create: Cost, record: Item) -> Cost:
    """A create, and the answer remembered: one write of the record as finally stored."""
    return Cost(create.read_units, create.write_units + write_units(item_size(record)))


def cheapest_key_lookup(key_item: Item) -> Cost:
    """One eventually consistent read of the key's item (a revoked key may work for up to the
    authorizer cache time anyway)."""
    return Cost(read_units(item_size(key_item), consistent=False), 0)

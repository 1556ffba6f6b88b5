"""Each operation's capacity, measured through its real handler, attributed to where DynamoDB
serves it: the tenant's count shards, its lead items, its index partition."""

import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from bench import capacity, capacity_floors, database, events
from bench.capacity_model import Item, TableSchema, index_write_units, item_size, read_units
from bench.meter import CapacityMeter, Charge
from bench.scaling.limits import (
    FUNCTIONS,
    HANDLER_SECONDS,
    PARTITION_READ_UNITS,
    PARTITION_WRITE_UNITS,
    REQUEST_SECONDS,
    TRANSACTION_SECONDS,
)
from leads_domain.data import clients, counters, leads_table
from leads_domain.tenancy import Tenant

SEEDED_LEADS = 150  # enough for a full page at offset 100 and after the 100th lead
BATCH_SIZE = 100  # a full batch: two transactions
SHARD_PICKS_SEED = 4
OFFSET = 100
CURSOR_DEPTH = 100

# Where DynamoDB serves a tenant's requests.
COUNTER, LEADS, INDEX, OTHER = "count shards", "lead items", "index partition", "other tables"
PLACES = (COUNTER, LEADS, INDEX, OTHER)

# Measuring each operation, attributed to places.


@dataclass
class Units:
    read: float = 0.0
    write: float = 0.0

    def __add__(self, other: "Units") -> "Units":
        return Units(self.read + other.read, self.write + other.write)

    def scaled(self, factor: float) -> "Units":
        return Units(self.read * factor, self.write * factor)

    def partition_share(self) -> float:
        """The share of one partition's throughput this uses per second (DynamoDB allows 3,000
        reads or 1,000 writes, or a linear combination)."""
        return self.read / PARTITION_READ_UNITS + self.write / PARTITION_WRITE_UNITS

    def cell(self) -> str:
        return f"{self.read:g} / {self.write:g}"


@dataclass
class Measured:
    requests: list[str]
    places: dict[str, Units]

    @property
    def total(self) -> Units:
        return sum(self.places.values(), Units())

    @property
    def seconds(self) -> float:
        """Lambda duration: our code plus each DynamoDB request in turn (they are sequential)."""
        return HANDLER_SECONDS + sum(
            TRANSACTION_SECONDS if name == "TransactWriteItems" else REQUEST_SECONDS
            for name in self.requests
        )


class PlaceMeter(CapacityMeter):
    """The benchmark's meter, also splitting each charge by where DynamoDB serves it. It
    reuses the meter's charges and checks that the split adds up to them."""

    def __init__(self, client: Any, raw: Any, tables: dict[str, TableSchema], leads: str):
        super().__init__(client, raw, tables)
        self._leads = tables[leads]
        created = leads_table.CREATED_INDEX
        self._created_only = replace(self._leads, indexes={created: self._leads.indexes[created]})
        self.places: dict[str, Units] = {}
        self.mismatches: list[str] = []

    def measure(self, call: Callable[[], Any]) -> tuple[Any, Any]:
        self.places = {place: Units() for place in PLACES}
        return super().measure(call)

    def _place(self, table: TableSchema, key: Item) -> str:
        if table.name != self._leads.name:
            return OTHER
        sort_key = self._leads.key_attributes[1]
        return COUNTER if counters.TOTAL.holds(key[sort_key]["S"]) else LEADS

    @staticmethod
    def _query_place(params: dict[str, Any]) -> str:
        """A Query of the table itself reads the count's shards when its key range is the
        count's (the items it answers are projected without their keys), or else leads."""
        values = params.get("ExpressionAttributeValues", {}).values()
        return COUNTER if any(counters.TOTAL.holds(v.get("S", "")) for v in values) else LEADS

    def _charge_writes(self, operation: str, writes: list[tuple[Any, bool, Item | None]]):
        total = Charge(operation)
        for write, transactional, before in writes:
            charge = super()._charge_writes(operation, [(write, transactional, before)])
            after = write.put if write.put is not None else self._lookup(write.table, write.key)
            index = index_write_units(write.table, before, after)
            if write.table.name == self._leads.name:
                # The index partition is by_created_at's (key tenant). A filter index's hottest
                # partition (tenant#value, e.g. the default status) takes at most one entry per
                # write too, in a partition of its own: it binds no sooner, so its entries are
                # not added to by_created_at's partition.
                created = index_write_units(self._created_only, before, after)
                self.places[INDEX].write += created
                self.places[OTHER].write += index - created
            else:
                self.places[OTHER].write += index
            self.places[self._place(write.table, write.key)].write += charge.write_units - index
            total.write_units += charge.write_units
        return total

    def _charge_reads(self, operation: str, params: dict[str, Any], parsed: dict[str, Any]):
        charge = super()._charge_reads(operation, params, parsed)
        table = self._tables[params.get("TableName", "")] if "TableName" in params else None
        if operation == "GetItem" and table:
            self.places[self._place(table, params["Key"])].read += charge.read_units
        elif operation == "Query" and table is self._leads:
            place = INDEX if "IndexName" in params else self._query_place(params)
            self.places[place].read += charge.read_units
        elif operation == "BatchGetItem":
            split = 0.0
            skipped = parsed.get("UnprocessedKeys") or {}
            for name, request in params["RequestItems"].items():
                batch_table = self._tables[name]
                unprocessed = skipped.get(name, {}).get("Keys", [])
                for key in request["Keys"]:
                    if key in unprocessed:
                        continue
                    units = read_units(
                        item_size(self._lookup(batch_table, key)),
                        request.get("ConsistentRead", False),
                    )
                    self.places[self._place(batch_table, key)].read += units
                    split += units
            if not math.isclose(split, charge.read_units):
                self.mismatches.append(f"BatchGetItem: {split} != {charge.read_units}")
        else:
            self.places[OTHER].read += charge.read_units
        return charge


@dataclass
class Measurements:
    operations: dict[str, Measured]
    index_entry_bytes: int
    counter_read_units: float  # one eventually consistent read of the whole count (all shards)
    shard_bytes: int  # one count shard's item
    page: int = capacity_floors.PAGE
    notes: list[str] = field(default_factory=list)


def measure() -> Measurements:
    """Each operation once, through its real handler, against the embedded DynamoDB, on a tenant
    seeded as the capacity benchmark seeds one. Count shards are picked at random: seeded, so
    that the shards' sizes (a count's digits) are the same on every run."""
    random.seed(SHARD_PICKS_SEED)
    with database.local_dynamodb() as db:
        tables = capacity_floors.Tables(db)
        meter = PlaceMeter(clients.dynamodb(), db.raw, tables.schemas, tables.leads.name)
        operations = capacity.Operations(meter)
        tenant = Tenant("acct_scaling", "test")
        database.seed_tenant(db.raw, tenant, SEEDED_LEADS)
        found: dict[str, Measured] = {}

        def call(name: str, folder: str, event: dict[str, Any], status: int) -> Any:
            response, bill = operations.call(folder, event, status)
            if meter.mismatches:
                raise SystemExit(f"scaling: {name}: {'; '.join(meter.mismatches)}")
            measured = Measured([c.operation for c in bill.charges], dict(meter.places))
            if not math.isclose(measured.total.read, bill.read_units) or not math.isclose(
                measured.total.write, bill.write_units
            ):
                raise SystemExit(f"scaling: {name}: places do not add up to the bill")
            found[name] = measured
            return response

        page = str(capacity_floors.PAGE)
        call("list", "list_leads", capacity.list_event(tenant, {"limit": page}), 200)
        query = {"limit": page, "offset": str(OFFSET)}
        call("list at offset", "list_leads", capacity.list_event(tenant, query), 200)
        cursor = tables.lead_id(tables.newest_entries(tenant, CURSOR_DEPTH)[-1])
        query = {"limit": page, "starting_after": cursor}
        call("list after cursor", "list_leads", capacity.list_event(tenant, query), 200)

        lead_id = tables.lead_id(tables.newest_entries(tenant, 1)[0])
        lead = tables.item(tables.leads, tables.lead_key(tenant, lead_id)) or {}
        for name in ("get", "update"):
            event = events.for_tenant(events.event(FUNCTIONS[name]), tenant)
            call(name, FUNCTIONS[name], events.for_lead(event, lead_id), 200)
        event = events.for_tenant(events.event("create_lead"), tenant)
        new_id = json.loads(call("create", "create_lead", event, 201)["body"])["id"]
        event = events.for_tenant(events.event("delete_lead"), tenant)
        call("delete", "delete_lead", events.for_lead(event, new_id), 200)
        batch = capacity.batch_event(tenant, BATCH_SIZE)
        call("batch", "create_leads_batch", batch, 200)

        entry = tables.index.entry(lead) or {}
        shards = tables.count_shards(tenant)
        return Measurements(
            operations=found,
            index_entry_bytes=tables.index.entry_size(entry),
            counter_read_units=capacity_floors.count_read(shards),
            shard_bytes=max(map(item_size, shards)),
            notes=[
                f"A tenant of {SEEDED_LEADS} leads seeded as the capacity benchmark seeds one "
                f"(events/create_lead.json's lead, {item_size(lead)} bytes); each handler run "
                "once, in-process, against the embedded DynamoDB; bench/meter.py charges each "
                "request by bench/capacity_model.py's rules.",
            ],
        )

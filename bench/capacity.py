"""3. DynamoDB capacity per operation: the handlers run in-process against the embedded
DynamoDB, with a capacity meter on leads_domain's client, for tenants of several sizes; each
operation's bill is compared with the cheapest possible for its access pattern."""

import json
from typing import Any

from botocore.config import Config

from bench import events, filing_floors, handlers
from bench.capacity_floors import (
    PAGE,
    Cost,
    Tables,
    cheapest_cursor_list,
    cheapest_get,
    cheapest_idempotent_create,
    cheapest_key_lookup,
    cheapest_list,
    cost,
    filed,
)
from bench.capacity_model import (
    Item,
    item_size,
)
from bench.database import LocalDynamoDB, seed_tenant
from bench.meter import Bill, CapacityMeter
from bench.report import Section, Table, Target, ratio, units
from leads_domain import api_keys
from leads_domain.data import clients
from leads_domain.tenancy import Tenant

OFFSETS = (0, 100, 1000)
BATCH_SIZES = (1, 99, 100)
# starting_after the lead at these depths (the 100th newest, ...)
CURSOR_DEPTHS = (100, 1000)
TARGET_RATIO = 1.25


def batch_event(tenant: Tenant, count: int) -> dict[str, Any]:
    """POST /api/crm/lead/batch of `count` copies of events/create_lead.json's lead."""
    event = events.for_tenant(events.event("create_leads_batch"), tenant)
    event["body"] = json.dumps({"leads": [events.body("create_lead")] * count})
    return event


# Running the handlers under the meter.


class Operations:
    """The handlers, called under the meter; a wrong answer or a request the meter could not
    charge stops the benchmark."""

    def __init__(self, meter: CapacityMeter) -> None:
        self.meter = meter

    def call(self, folder: str, event: dict[str, Any], status: int | None) -> tuple[Any, Bill]:
        with handlers.stdout_discarded():
            response, bill = self.meter.measure(lambda: handlers.invoke(folder, event))
        if status is not None and response.get("statusCode") != status:
            raise SystemExit(f"capacity: {folder} answered {response}, expected {status}")
        if bill.problems:
            raise SystemExit(f"capacity: {folder}: {'; '.join(bill.problems)}")
        return response, bill


class Rows:
    """The per-operation table; the ratios of the issue's operations are kept for the target."""

    def __init__(self) -> None:
        self.table = Table(
            "Capacity per operation (read units / write units, as DynamoDB would bill them)",
            ["Tenant", "Operation", "Requests", "Measured RU / WU", "Cheapest RU / WU", "Ratio"],
        )
        self.ratios: list[float] = []

    def add(self, tenant: str, name: str, bill: Bill, floor: Cost, *, counted: bool = True):
        measured = cost(bill)
        if counted:
            self.ratios.append(measured.ratio_to(floor))
        self.table.add(
            tenant,
            name,
            bill.requests or "-",
            f"{units(measured.read_units)} / {units(measured.write_units)}",
            f"{units(floor.read_units)} / {units(floor.write_units)}",
            ratio(measured.ratio_to(floor)),
        )


def list_event(tenant: Tenant, query: dict[str, str]) -> dict[str, Any]:
    return events.with_query(events.for_tenant(events.event("list_leads"), tenant), query)


def with_header(event: dict[str, Any], name: str, value: str) -> dict[str, Any]:
    event["headers"][name] = value
    event.setdefault("multiValueHeaders", {})[name] = [value]
    return event


def run(db: LocalDynamoDB, tenant_sizes: tuple[int, ...]) -> Section:
    handlers.configure()
    # moto answers a Query over a 10,000-lead tenant in 1-2 s on a busy machine, past the
    # deployed client's 2 s read timeout (three attempts, then a 503): the metered client waits
    # as long as moto needs. A timeout changes no request and no capacity.
    patient = clients.CLIENT_CONFIG.merge(Config(read_timeout=120))
    clients.dynamodb.use(clients.session().create_client("dynamodb", config=patient))
    tables = Tables(db)
    tables.forget_idempotency_records()
    operations = Operations(CapacityMeter(clients.dynamodb(), db.raw, tables.schemas))
    rows = Rows()
    # page name -> tenant size -> cost, for full pages (more leads after them)
    pages: dict[str, dict[int, Cost]] = {}

    for size in tenant_sizes:
        tenant = Tenant(f"acct_bench{size}", "test")
        seed_tenant(db.raw, tenant, size)
        label = f"{size:,} leads"

        def counter(tenant: Tenant = tenant) -> list[Item]:
            return tables.count_shards(tenant)

        for offset in OFFSETS:
            query = {"limit": str(PAGE), "offset": str(offset)}
            _, bill = operations.call("list_leads", list_event(tenant, query), 200)
            name = f"list {PAGE} at offset {offset:,}"
            rows.add(label, name, bill, cheapest_list(tables, tenant, counter(), offset))
            if offset + PAGE < size:
                pages.setdefault(name, {})[size] = cost(bill)

        for depth in CURSOR_DEPTHS:
            if depth + PAGE >= size:
                continue
            cursor = tables.lead_id(tables.newest_entries(tenant, depth)[-1])
            query = {"limit": str(PAGE), "starting_after": cursor}
            _, bill = operations.call("list_leads", list_event(tenant, query), 200)
            name = f"list {PAGE} starting_after the {depth:,}th newest"
            rows.add(label, name, bill, cheapest_cursor_list(tables, tenant, counter(), depth))
            pages.setdefault(name, {})[size] = cost(bill)

        lead_id = tables.lead_id(tables.newest_entries(tenant, 1)[0])
        lead_key = tables.lead_key(tenant, lead_id)
        lead = tables.item(tables.leads, lead_key) or {}

        event = events.for_lead(events.for_tenant(events.event("get_lead"), tenant), lead_id)
        _, bill = operations.call("get_lead", event, 200)
        rows.add(label, "get", bill, cheapest_get(lead))

        event = events.for_lead(events.for_tenant(events.event("update_lead"), tenant), lead_id)
        _, bill = operations.call("update_lead", event, 200)
        after = tables.item(tables.leads, lead_key) or {}
        rows.add(label, "update", bill, filed(tables, tenant, lead, after))

        event = events.for_tenant(events.event("create_lead"), tenant)
        response, bill = operations.call("create_lead", event, 201)
        new_id = json.loads(response["body"])["id"]
        new_lead = tables.item(tables.leads, tables.lead_key(tenant, new_id)) or {}
        create_floor = filed(tables, tenant, None, new_lead)
        rows.add(label, "create", bill, create_floor)

        event = events.for_lead(events.for_tenant(events.event("delete_lead"), tenant), new_id)
        _, bill = operations.call("delete_lead", event, 200)
        rows.add(label, "delete", bill, filed(tables, tenant, new_lead, None))

        event = events.for_tenant(events.event("create_lead"), tenant)
        _, bill = operations.call(
            "create_lead", with_header(event, "Idempotency-Key", f"bench-{size}"), 201
        )
        record = tables.idempotency_record()
        rows.add(
            label,
            "create with Idempotency-Key (not a target)",
            bill,
            cheapest_idempotent_create(create_floor, record),
            counted=False,
        )

    tenant = Tenant("acct_bench_batch", "test")
    for count in BATCH_SIZES:
        response, bill = operations.call("create_leads_batch", batch_event(tenant, count), 200)
        created = [
            tables.lead_key(tenant, lead["id"]) for lead in json.loads(response["body"])["data"]
        ]
        stored = [tables.item(tables.leads, key) or {} for key in created]
        floor = Cost(0, filing_floors.batch_writes(tables.leads, tables.raw, tenant, stored))
        rows.add("any", f"batch create of {count}", bill, floor)
    event = with_header(batch_event(tenant, 100), "Idempotency-Key", "bench-batch")
    response, bill = operations.call("create_leads_batch", event, 200)
    created = [tables.lead_key(tenant, lead["id"]) for lead in json.loads(response["body"])["data"]]
    stored = [tables.item(tables.leads, key) or {} for key in created]
    record = tables.idempotency_record()
    floor = Cost(0, filing_floors.batch_writes(tables.leads, tables.raw, tenant, stored))
    rows.add(
        "any",
        "batch create of 100 with Idempotency-Key (not a target)",
        bill,
        cheapest_idempotent_create(floor, record),
        counted=False,
    )

    _, bill = operations.call("authorizer", events.event("authorizer"), None)
    digest = {tables.keys.key_attributes[0]: {"S": api_keys.digest(events.example_key())}}
    key_item = tables.item(tables.keys, digest) or {}
    rows.add("any", "authorizer key lookup", bill, cheapest_key_lookup(key_item))

    flat, offsets_flat, cursors_flat = flatness(pages, tenant_sizes)
    worst = max(rows.ratios)
    return Section(
        "3. DynamoDB capacity",
        tables=[rows.table, flat],
        targets=[
            Target(
                f"every operation within {TARGET_RATIO}x of the cheapest possible",
                worst <= TARGET_RATIO,
                f"worst {ratio(worst)}",
            ),
            Target(
                "list cost independent of the tenant's size",
                offsets_flat,
                "same read units for every tenant" if offsets_flat else "varies with the tenant",
            ),
            Target(
                "cursor page cost flat with depth (and tenant size)",
                cursors_flat,
                "same read units at every depth" if cursors_flat else "varies with depth",
            ),
        ],
        notes=[
            "Read units (RU) and write units (WU) as DynamoDB bills them on demand (request "
            "units) or consumes them provisioned, computed from the bytes actually stored; "
            'README.md has the rules and the cost model (what "cheapest" means per operation).',
            f"Tenants seeded with copies of events/create_lead.json's lead as leads_domain's "
            f"create_lead makes it ({item_size(lead)} bytes each by DynamoDB's rules); get and "
            "update on the newest lead with events/update_lead.json's body; delete of the lead "
            "just created. The authorizer row is the key lookup of events/authorizer.json.",
            "Past the end (offset >= the tenant's total), a list reads the count only. The "
            "count is one Query of the tenant's count shards (a few KB for all of them).",
            "events/update_lead.json changes the status, so the update reads the lead and "
            "moves its status counts in a transaction. "
            "Creates, deletes, batches and updates of a filter value keep every filter's index "
            "and count exact in their transaction: their floor is the lead and its index "
            "entries plus one write of each count item that holds it (bench/filing_floors.py); "
            "section 6 sets them against the design without filters.",
            "Batch creates post copies of events/create_lead.json's lead; their floor is every "
            "lead and its index entries, plus each count item the leads share once per "
            "transaction of at most 100 actions. The same 100 leads created one by one would "
            "write those count items 100 times.",
        ],
    )


def flatness(
    pages: dict[str, dict[int, Cost]], tenant_sizes: tuple[int, ...]
) -> tuple[Table, bool, bool]:
    """The list pages' read units side by side: (table, offset pages flat across tenant
    sizes, cursor pages flat across depths and tenant sizes)."""
    table = Table(
        f"List of {PAGE}: read units by tenant size (full pages: more leads follow)",
        ["Page", *(f"{size:,} leads" for size in tenant_sizes), "Same for every tenant"],
    )
    offsets_flat = True
    cursor_costs = set()
    for name, by_size in pages.items():
        measured = {c.read_units for c in by_size.values()}
        if "starting_after" in name:
            cursor_costs |= measured
        elif len(by_size) > 1:
            offsets_flat &= len(measured) == 1
        cells = [units(by_size[s].read_units) if s in by_size else "-" for s in tenant_sizes]
        verdict = "n/a" if len(by_size) < 2 else ("yes" if len(measured) == 1 else "NO")
        table.add(name, *cells, verdict)
    return table, offsets_flat, len(cursor_costs) == 1

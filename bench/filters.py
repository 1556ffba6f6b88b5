"""6. What the filters add: the DynamoDB capacity of filtered lists, of time ranges, of unique
emails and of the writes that keep every filter's index and count exact, each as a ratio to the
cheapest design that has no filters (the unfiltered page, the create that writes one lead, one
count shard and one index entry: section 3's floors).

Measured with the capacity meter on the handlers, for a tenant of copies of
events/create_lead.json's lead (one status, owner and email: every filtered page is full).
"""

import json
from typing import Any

from bench import events, handlers
from bench.capacity import Operations, list_event
from bench.capacity_floors import (
    PAGE,
    Cost,
    Tables,
    cheapest_create_or_delete,
    cheapest_update,
    cost,
)
from bench.capacity_model import TRANSACTION_FACTOR, Item, item_size, write_units
from bench.database import LocalDynamoDB, seed_tenant
from bench.meter import CapacityMeter
from bench.report import Section, Table, ratio, units
from leads_domain.data import clients, counters, filing
from leads_domain.data.tallies import Tally
from leads_domain.tenancy import Tenant

DEPTH = 100
# Whole hours: the start of the seeded leads' year, and an hour long after them.
YEAR_START = "2000-01-01T00:00:00Z"
FAR_FUTURE = "2999-01-01T00:00:00Z"


def _reads(operations: Operations, tenant: Tenant, tables: Tables, table: Table) -> None:
    body = events.body("create_lead")
    status, owner, email = "Lead", "__user", str(body["email_id"])
    cursor = tables.lead_id(tables.newest_entries(tenant, DEPTH)[-1])
    pages: list[tuple[str, dict[str, str], dict[str, str]]] = [
        (f"list {PAGE}, status", {"status": status}, {}),
        (f"list {PAGE}, lead_owner", {"lead_owner": owner}, {}),
        (f"list {PAGE}, email_id", {"email_id": email.upper()}, {}),
        (f"list {PAGE}, created_at[gte] (a year)", {"created_at[gte]": YEAR_START}, {}),
        (
            f"list {PAGE}, created_at[gt] and [lte] (instants excluded and included)",
            {"created_at[gt]": YEAR_START, "created_at[lte]": FAR_FUTURE},
            {},
        ),
        (
            f"list {PAGE}, status and created_at[gte]",
            {"status": status, "created_at[gte]": YEAR_START},
            {},
        ),
        (
            f"list {PAGE}, status, starting_after the {DEPTH}th",
            {"status": status, "starting_after": cursor},
            {"starting_after": cursor},
        ),
        (
            "is this email a lead? (email_id, limit 1)",
            {"email_id": email, "limit": "1"},
            {"limit": "1"},
        ),
    ]
    # The first filtered list of a container checks once that the tenant's leads are all
    # filed (totals.py): warm that, as a container serving a tenant has.
    operations.call("list_leads", list_event(tenant, {"status": status}), 200)
    for name, query, unfiltered_query in pages:
        _, base = operations.call(
            "list_leads", list_event(tenant, {"limit": str(PAGE), **unfiltered_query}), 200
        )
        _, bill = operations.call(
            "list_leads", list_event(tenant, {"limit": str(PAGE), **query}), 200
        )
        _row(table, name, bill, cost(base), "the same page unfiltered")


def _row(table: Table, name: str, bill: Any, floor: Cost, floor_name: str) -> None:
    measured = cost(bill)
    table.add(
        name,
        bill.requests or "-",
        f"{units(measured.read_units)} / {units(measured.write_units)}",
        f"{units(floor.read_units)} / {units(floor.write_units)} ({floor_name})",
        f"{_ratio(measured.read_units, floor.read_units)} / "
        f"{_ratio(measured.write_units, floor.write_units)}",
    )


def _ratio(measured: float, cheapest: float) -> str:
    """measured / cheapest, or what is added where the cheapest has none."""
    if cheapest == 0:
        return "-" if measured == 0 else f"+{units(measured)}"
    return ratio(measured / cheapest)


def _write_shares(tables: Tables, tenant: Tenant, lead: Item) -> Table:
    """What each filter's index entry and counts add to one create, from the stored sizes."""
    share = Table(
        "What each filter adds to a create (write units, from the stored items' sizes)",
        ["Part", "Items written", "WU"],
    )
    plain = tables.leads.indexes
    decoded = {name: next(iter(value.values())) for name, value in lead.items()}
    changes = Tally()
    filing.count_filed(changes, decoded, +1, 0)
    keys = sorted(changes.sort_keys())
    parts = {
        "the total's hour, day and month buckets (time ranges)": [
            k for k in keys if k.startswith(counters.TOTAL.prefix + "@")
        ],
        **{
            f"{field} (its index entry and counts)": [
                k for k in keys if k.startswith(f"{filing.COUNT_PREFIX}{field}#")
            ]
            for field in filing.INDEXES
        },
    }
    for part, sort_keys in parts.items():
        units_written = sum(
            TRANSACTION_FACTOR * write_units(_stored_size(tables, tenant, key)) for key in sort_keys
        )
        entries = 0
        for field, (index, _) in filing.INDEXES.items():
            if part.startswith(field) and index in plain:
                entry = plain[index].entry(lead)
                if entry:
                    units_written += write_units(plain[index].entry_size(entry))
                    entries = 1
        share.add(part, f"{len(sort_keys)} count item(s), {entries} index entry", units_written)
    return share


def _stored_size(tables: Tables, tenant: Tenant, sort_key: str) -> int:
    """The largest stored item of that count item's shards (at least a small count's size)."""
    partition, sort = tables.leads.key_attributes
    found = tables.raw.query(
        TableName=tables.leads.name,
        KeyConditionExpression="#p = :p AND begins_with(#s, :k)",
        ExpressionAttributeNames={"#p": partition, "#s": sort},
        ExpressionAttributeValues={":p": {"S": tenant.partition}, ":k": {"S": sort_key}},
    )["Items"]
    return max((item_size(item) for item in found), default=item_size({"sk": {"S": sort_key}}))


def run(db: LocalDynamoDB, size: int) -> Section:
    handlers.configure()
    tables = Tables(db)
    operations = Operations(CapacityMeter(clients.dynamodb(), db.raw, tables.schemas))
    tenant = Tenant(f"acct_filters{size}", "test")
    seed_tenant(db.raw, tenant, size)
    reads = Table(
        f"What a filter adds to a read ({size:,} leads, all of one status, owner and email)",
        ["Request", "Requests", "Measured RU / WU", "Cheapest without filters", "Ratio RU / WU"],
    )
    _reads(operations, tenant, tables, reads)

    writes = Table(
        "What the filters add to a write",
        ["Request", "Requests", "Measured RU / WU", "Cheapest without filters", "Ratio RU / WU"],
    )
    event = events.for_tenant(events.event("create_lead"), tenant)
    response, bill = operations.call("create_lead", event, 201)
    new_id = json.loads(response["body"])["id"]
    new_lead = tables.item(tables.leads, tables.lead_key(tenant, new_id)) or {}
    floor = cheapest_create_or_delete(tables, new_lead, tables.count_shards(tenant))
    _row(writes, "create (status, owner and email)", bill, floor, "one lead, count and entry")

    unique = events.with_query(
        events.for_tenant(events.event("create_lead"), tenant), {"unique": "email_id"}
    )
    unique["body"] = json.dumps({**events.body("create_lead"), "email_id": "new@example.com"})
    _, bill = operations.call("create_lead", unique, 201)
    _row(writes, "create with ?unique=email_id", bill, floor, "a create, as above")

    event = events.for_lead(events.for_tenant(events.event("update_lead"), tenant), new_id)
    event["body"] = json.dumps({"status": "Open"})
    before = tables.item(tables.leads, tables.lead_key(tenant, new_id)) or {}
    _, bill = operations.call("update_lead", event, 200)
    after = tables.item(tables.leads, tables.lead_key(tenant, new_id)) or {}
    _row(writes, "update of the status", bill, cheapest_update(before, after), "one item written")

    upsert = events.for_tenant(events.event("upsert_lead"), tenant)
    upsert["headers"].pop("Idempotency-Key", None)
    upsert["multiValueHeaders"].pop("Idempotency-Key", None)
    upsert["path"] = "/api/crm/lead/by_email/new%40example.com"
    upsert["pathParameters"] = {"email": "new@example.com"}
    upsert["body"] = json.dumps({"city": "Rome"})
    holder = tables.item(tables.leads, tables.lead_key(tenant, new_id)) or {}
    _, bill = operations.call("upsert_lead", upsert, 200)
    _row(
        writes, "upsert of an email a lead has", bill, cheapest_update(holder, holder), "one update"
    )

    event = events.for_lead(events.for_tenant(events.event("delete_lead"), tenant), new_id)
    _, bill = operations.call("delete_lead", event, 200)
    _row(writes, "delete", bill, floor, "one lead, count and entry")

    return Section(
        "6. Filters",
        tables=[reads, writes, _write_shares(tables, tenant, new_lead)],
        notes=[
            "The cheapest design without filters: a page of the unfiltered list (by_created_at "
            "index entries, the page's items, the total's shards); a create or delete writing "
            "one lead, one count shard and one index entry in a transaction; an update writing "
            "one item. Every filter is served by an index and counts of its own, so a "
            "filtered page costs what the unfiltered page costs, plus the few small reads of "
            "its counts; a create pays for every count it is in.",
            "A created_at range's total reads the time buckets at each end (at most three "
            "small Queries per end) and, for gt and lte, the index entries of one instant.",
            "Ratios over 1 on writes are the price of exact O(1) totals per filter and per "
            "time range; README.md (Storage) says why no cheaper design keeps them exact.",
        ],
    )

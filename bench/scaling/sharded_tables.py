"""The tables of SCALING.md's generated section on sharding: the count in N shards (built, with
the template's N), the index write-sharded N ways (the next step), and one tenant's ceilings
with both."""

from bench.report import Table
from bench.scaling.analysis import (
    COUNTER_SHARDS,
    INDEX_SHARDS,
    count_read_units,
    import_ceilings,
    index_read_units,
    sharded_loads,
    table_quota_rate,
    tenant_ceilings,
)
from bench.scaling.limits import PARTITION_READ_UNITS, PARTITION_WRITE_UNITS, counter_shards
from bench.scaling.metering import BATCH_SIZE, COUNTER, INDEX, LEADS, OFFSET, Measurements
from bench.scaling.tables import rate


def counter_shards_table(m: Measurements, conflicts: dict[int, int]) -> Table:
    table = Table(
        "Count shards: the total in N items of the tenant's partition (COUNTER, COUNTER#1 .. "
        "COUNTER#N-1); a create or delete ADDs to one at random (a retry picks again); the "
        "total is one Query of their key range",
        [
            "N",
            "Read of the total: one Query, RU",
            "(a BatchGetItem of N keys instead, RU)",
            f"List {m.page} first page, RU",
            "Count-shard write ceiling, creates + deletes/s",
            "Conflict ceiling (simulated), creates + deletes/s",
        ],
    )
    list_op = m.operations["list"]
    create = m.operations["create"].places[COUNTER].write
    for shards in COUNTER_SHARDS:
        page = list_op.total.read - list_op.places[COUNTER].read + count_read_units(m, shards)
        table.add(
            f"{shards} (as built)" if shards == counter_shards() else shards,
            f"{count_read_units(m, shards):g}",
            f"{count_read_units(m, shards, query=False):g}",
            f"{page:g}",
            rate(shards * PARTITION_WRITE_UNITS / create),
            f"{conflicts[shards]:,}",
        )
    table.notes = [
        f"A shard is {m.shard_bytes} bytes as metered: all {counter_shards()} of a tenant read "
        "in one Query cost what the single counter did; as keys of a BatchGetItem each would "
        "be rounded up on its own. N = 1 is the first design (its COUNTER item is shard 0 "
        "now).",
        "The write ceiling holds once adaptive capacity has isolated the hot shards in "
        "partitions of their own; before, they share the tenant's partition with its leads (the "
        "base-table row of 'Where each limit bites').",
    ]
    return table


def index_shards_table(m: Measurements) -> Table:
    table = Table(
        "Write-sharded index (the next step, not built): key tenant#k, k = hash(id) mod N; a "
        "list merges N newest-first Queries, each as deep as the page",
        [
            "N",
            "Queries per page",
            f"List {m.page} first page, RU",
            f"List {m.page} at offset {OFFSET}, RU",
            f"List {m.page} starting_after, RU",
            "Index write ceiling, creates + deletes/s",
            "Index read ceiling, first pages/s",
        ],
    )
    ops = m.operations
    index_write = ops["create"].places[INDEX].write
    depths = {
        "list": m.page + 1,
        "list at offset": OFFSET + m.page + 1,
        "list after cursor": m.page + 1,
    }
    for name, depth in depths.items():
        # The model at N = 1 is what the handlers did: it must match the measurement.
        if index_read_units(m, depth, 1) != ops[name].places[INDEX].read:
            raise SystemExit(f"scaling: index model disagrees with the measured {name}")
    for shards in INDEX_SHARDS:
        pages = [
            ops[name].total.read - ops[name].places[INDEX].read + index_read_units(m, d, shards)
            for name, d in depths.items()
        ]
        per_shard_page = index_read_units(m, depths["list"], 1)
        table.add(
            shards,
            shards,
            *(f"{page:g}" for page in pages),
            rate(shards * PARTITION_WRITE_UNITS / index_write),
            rate(PARTITION_READ_UNITS / per_shard_page),
        )
    table.notes = [
        "The sort key stays created_at#id, one global order: a starting_after / ending_before "
        "lead id is a position in every shard (each Query: created_key < the cursor's), so the "
        "cursor stays one lead id; offsets read offset + limit + 1 entries from every shard.",
        "Every page reads every shard, so each shard partition sees every list: the read ceiling "
        "per tenant does not grow with N, and the read cost grows N-fold.",
    ]
    return table


def combined_table(m: Measurements, conflict_rate: int) -> Table:
    table = Table(
        f"The index write-sharded N ways, the count in {counter_shards()} shards as built: one "
        "tenant's DynamoDB ceilings (lead items and count shards spread by split for heat), and "
        "what every request then costs",
        [
            "Index shards",
            "Creates + deletes/s",
            "First pages/s",
            "Mixed rps, one tenant",
            "Bites first",
            "Mixed RU / WU per request",
            "Mixed rps at the table quota",
        ],
    )
    create = m.operations["create"].places
    for shards in INDEX_SHARDS:
        loads = sharded_loads(m, shards)
        writes = min(
            conflict_rate,
            counter_shards() * PARTITION_WRITE_UNITS / create[COUNTER].write,
            shards * PARTITION_WRITE_UNITS / create[INDEX].write,
        )
        pages = min(
            PARTITION_READ_UNITS / m.counter_read_units,
            PARTITION_READ_UNITS / index_read_units(m, m.page + 1, 1),
        )
        ceilings = tenant_ceilings(m, shards, conflict_rate)
        first = min(ceilings, key=lambda limit: ceilings[limit])
        total = loads.base_table + loads.index
        table.add(
            f"{shards} (as built)" if shards == 1 else shards,
            rate(writes),
            rate(pages),
            rate(ceilings[first]),
            first,
            total.cell(),
            rate(table_quota_rate(loads.base_table, loads.index)),
        )
    table.notes = [
        "Per shard, reads do not shrink with N (every list reads every shard) and writes do. "
        "Not counted: the tenant's usage plan (template.yaml), which caps it sooner unless its "
        "account is on a plan large enough.",
    ]
    return table


def import_table(m: Measurements) -> Table:
    batch = m.operations["batch"]
    table = Table(
        f"Bulk import: leads per second one tenant can create in batches of {BATCH_SIZE} "
        f"({' + '.join(batch.requests)}: {batch.total.cell()} RU / WU per batch)",
        ["Limit", "Leads/s"],
    )
    for limit, value in sorted(import_ceilings(m).items(), key=lambda pair: pair[1]):
        table.add(limit, rate(value))
    per_lead = (batch.places[LEADS].write + batch.places[COUNTER].write) / BATCH_SIZE
    table.notes = [
        f"A batch writes {per_lead:g} WU per lead to the base table (the lead, transactional, "
        f"and a share of the {len(batch.requests)} count-shard writes) and one index entry "
        "per lead: the index partition bounds an import as it bounds single creates. Count-"
        "shard conflicts are negligible here: two transactions per 100 leads.",
    ]
    return table

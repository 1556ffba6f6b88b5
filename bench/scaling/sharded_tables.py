"""The tables of SCALING.md's generated section that shard the counter or the index N ways."""

from bench.report import Table
from bench.scaling.analysis import (
    SHARDS,
    index_read_units,
    sharded_loads,
    table_quota_rate,
    tenant_ceilings,
)
from bench.scaling.limits import PARTITION_READ_UNITS, PARTITION_WRITE_UNITS
from bench.scaling.metering import COUNTER, INDEX, OFFSET, Measurements
from bench.scaling.tables import rate


def counter_shards_table(m: Measurements, conflicts: dict[int, int]) -> Table:
    table = Table(
        "Sharded counter: N counter items (own partition keys); create and delete ADD to one at "
        "random; the total is a BatchGetItem of all N",
        [
            "N",
            "Read of the total, RU",
            f"List {m.page} first page, RU",
            "Counter write ceiling, creates + deletes/s",
            "Conflict ceiling (simulated), creates + deletes/s",
        ],
    )
    list_op = m.operations["list"]
    create = m.operations["create"].places[COUNTER].write
    for shards in SHARDS:
        total_read = shards * m.counter_read_units
        page = list_op.total.read - list_op.places[COUNTER].read + total_read
        table.add(
            shards,
            f"{total_read:g}",
            f"{page:g}",
            rate(shards * PARTITION_WRITE_UNITS / create),
            conflicts[shards],
        )
    return table


def index_shards_table(m: Measurements) -> Table:
    table = Table(
        "Write-sharded index: key tenant#k, k = hash(id) mod N; a list merges N newest-first "
        "Queries, each as deep as the page",
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
    for shards in SHARDS:
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


def combined_table(m: Measurements, conflicts: dict[int, int]) -> Table:
    table = Table(
        "Both sharded N ways: one tenant's DynamoDB ceilings (lead items spread by split for "
        "heat), and what every request then costs",
        [
            "N",
            "Creates + deletes/s",
            "First pages/s",
            "Mixed rps, one tenant",
            "Bites first",
            "Mixed RU / WU per request",
            "Mixed rps at the table quota",
        ],
    )
    create = m.operations["create"].places
    for shards in SHARDS:
        loads = sharded_loads(m, shards)
        writes = min(
            conflicts[shards],
            shards * PARTITION_WRITE_UNITS / create[COUNTER].write,
            shards * PARTITION_WRITE_UNITS / create[INDEX].write,
        )
        pages = min(
            PARTITION_READ_UNITS / m.counter_read_units,
            PARTITION_READ_UNITS / index_read_units(m, m.page + 1, 1),
        )
        ceilings = tenant_ceilings(m, shards, conflicts[shards])
        first = min(ceilings, key=lambda limit: ceilings[limit])
        total = loads.base_table + loads.index
        table.add(
            shards,
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

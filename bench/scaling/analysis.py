"""Where each limit bites: the mixed workload's load on each place, the ceilings it meets with
the count in shards as built (the template's CounterShards), and with the index write-sharded
N ways (the next step)."""

import math
from dataclasses import dataclass

from bench.capacity_model import read_units
from bench.environment import template
from bench.scaling.limits import (
    API_ACCOUNT_BURST,
    API_ACCOUNT_RATE,
    COLD_START_SECONDS,
    FUNCTIONS,
    LAMBDA_CONCURRENCY,
    LAMBDA_SCALING_ENVIRONMENTS,
    LAMBDA_SCALING_SECONDS,
    LARGE_PLAN,
    LIVE_PLAN,
    MIX,
    NEW_TABLE_READ_UNITS,
    NEW_TABLE_WRITE_UNITS,
    PARTITION_WRITE_UNITS,
    TABLE_QUOTA_READ_UNITS,
    TABLE_QUOTA_WRITE_UNITS,
    counter_shards,
    stage_throttle,
    usage_plans,
)
from bench.scaling.metering import BATCH_SIZE, COUNTER, INDEX, LEADS, Measurements, Units

# Count shards compared (the first design had 1; the template deploys counter_shards()).
COUNTER_SHARDS = tuple(sorted({1, 16, 32, counter_shards(), 2 * counter_shards()}))
# Index shards compared: the next step, not built.
INDEX_SHARDS = (1, 4, 16)


def mixed(values: dict[str, float]) -> float:
    return sum(MIX[name] * values[name] for name in MIX)


def mixed_units(m: Measurements, place: str) -> Units:
    return sum(
        (m.operations[name].places[place].scaled(share) for name, share in MIX.items()), Units()
    )


def per_second(share: float) -> float:
    """How many per second fit in one partition (or other unit of capacity) when each uses
    `share` of it."""
    return math.inf if share == 0 else 1 / share


def index_read_units(m: Measurements, entries: int, shards: int) -> float:
    """Reading `entries` newest index entries of a tenant whose index is write-sharded over
    `shards` partition keys: one Query per shard, each as deep as the merged read (any shard
    may hold all of the newest), each rounded up on its own."""
    return shards * read_units(entries * m.index_entry_bytes, consistent=False)


def count_read_units(m: Measurements, shards: int, *, query: bool = True) -> float:
    """Reading a total kept in `shards` items: one Query of their key range (as built: their
    sizes summed, then rounded up), or a BatchGetItem of their keys (each rounded up)."""
    if query:
        return read_units(shards * m.shard_bytes, consistent=False)
    return shards * read_units(m.shard_bytes, consistent=False)


@dataclass(frozen=True)
class ShardedLoads:
    """Per mixed request, with the count in counter_shards() shards as built and the index
    write-sharded `index_shards` ways: the load on one count shard and on one index shard, and
    on the base table and the index as a whole."""

    counter_shard: Units
    index_shard: Units
    base_table: Units
    index: Units


def sharded_loads(m: Measurements, index_shards: int) -> ShardedLoads:
    counter, leads, index = (mixed_units(m, place) for place in (COUNTER, LEADS, INDEX))
    # Every read of the total is one Query of all count shards (measured, whatever N); every
    # list Queries every index shard as deep as the page (index_read_units).
    return ShardedLoads(
        counter_shard=Units(counter.read, counter.write / counter_shards()),
        index_shard=Units(index.read, index.write / index_shards),
        base_table=counter + leads,
        index=Units(index_shards * index.read, index.write),
    )


def tenant_ceilings(m: Measurements, index_shards: int, conflict_rate: int) -> dict[str, float]:
    """Mixed requests per second one tenant's DynamoDB places allow, with the count shards as
    built and `index_shards` index shards (lead items and count shards spread by split for
    heat)."""
    loads = sharded_loads(m, index_shards)
    return {
        "count-shard conflicts": conflict_rate / (MIX["create"] + MIX["delete"]),
        "count shard": per_second(loads.counter_shard.partition_share()),
        "index shard": per_second(loads.index_shard.partition_share()),
    }


def write_ceilings(m: Measurements, conflict_rate: int) -> dict[str, float]:
    """Creates + deletes per second of one tenant doing nothing else, by limit, as built."""
    create = m.operations["create"].places
    return {
        "count-shard conflicts (simulated)": conflict_rate,
        "count shards' partitions": counter_shards()
        * PARTITION_WRITE_UNITS
        / create[COUNTER].write,
        "index partition": PARTITION_WRITE_UNITS / create[INDEX].write,
    }


def before_split_writes(m: Measurements) -> float:
    """Creates + deletes per second while the tenant's leads and count shards still share one
    partition (before DynamoDB splits it for heat)."""
    create = m.operations["create"].places
    return PARTITION_WRITE_UNITS / (create[COUNTER].write + create[LEADS].write)


def import_ceilings(m: Measurements) -> dict[str, float]:
    """Leads per second one tenant can import in full batches, by limit."""
    batch = m.operations["batch"].places
    plans = usage_plans()
    return {
        "index partition": PARTITION_WRITE_UNITS * BATCH_SIZE / batch[INDEX].write,
        "base-table partition, before split for heat": PARTITION_WRITE_UNITS
        * BATCH_SIZE
        / (batch[LEADS].write + batch[COUNTER].write),
        "usage plan of a live-mode tenant": plans[LIVE_PLAN][0] * BATCH_SIZE,
        "usage plan of a large-plan tenant": plans[LARGE_PLAN][0] * BATCH_SIZE,
    }


def table_quota_rate(base_table: Units, index: Units) -> float:
    """Mixed requests per second at the on-demand table quota, the base table and the index
    each against its own."""
    return min(
        TABLE_QUOTA_READ_UNITS / base_table.read,
        TABLE_QUOTA_WRITE_UNITS / base_table.write,
        TABLE_QUOTA_READ_UNITS / index.read,
        TABLE_QUOTA_WRITE_UNITS / index.write,
    )


def route_of(operation: str) -> str:
    """The method and path template.yaml routes the operation's function to."""
    logical_ids = {
        function.code_uri.name: logical_id for logical_id, function in template().functions.items()
    }
    (route,) = [r for r in template().routes if r.function == logical_ids[FUNCTIONS[operation]]]
    return f"{route.method} {route.path}"


@dataclass(frozen=True)
class Bite:
    limit: str
    value: str
    scope: str
    one_tenant: float
    many_tenants: float | None  # None: a per-tenant limit (it grows with the tenants)


def bites(m: Measurements, conflict_rate: int) -> list[Bite]:
    """Every limit one tenant of the mixed workload meets, as built (`conflict_rate`: the
    simulated creates + deletes per second at counter_shards() shards)."""
    stage_rate, stage_burst = stage_throttle()
    plans = usage_plans()
    live_rate, live_burst = plans[LIVE_PLAN]
    large_rate, _ = plans[LARGE_PLAN]
    ops = m.operations
    writes = MIX["create"] + MIX["delete"]
    counter, leads, index = (mixed_units(m, place) for place in (COUNTER, LEADS, INDEX))
    tenant_partition = counter + leads
    seconds = mixed({name: ops[name].seconds for name in MIX})
    busiest = max(MIX, key=lambda name: MIX[name])

    def new_table(units: Units) -> float:
        return per_second(units.read / NEW_TABLE_READ_UNITS + units.write / NEW_TABLE_WRITE_UNITS)

    warming = min(new_table(tenant_partition), new_table(index))
    quota = table_quota_rate(tenant_partition, index)
    stage = stage_rate / MIX[busiest]
    cold = LAMBDA_CONCURRENCY / (COLD_START_SECONDS + seconds)
    # One function's new environments while a burst from zero is cold.
    scaling = LAMBDA_SCALING_ENVIRONMENTS / (COLD_START_SECONDS + ops[busiest].seconds)
    found = [
        Bite(
            "API Gateway usage plan of a live-mode tenant (template.yaml)",
            f"{live_rate:,.0f} rps, burst {live_burst:,.0f}; large plan {large_rate:,.0f} rps",
            "each tenant's own bucket, all methods together",
            live_rate,
            None,
        ),
        Bite(
            "API Gateway stage throttle (template.yaml)",
            f"{stage_rate:,.0f} rps per method, burst {stage_burst:,.0f}",
            f"each method, all tenants together; the busiest: {route_of(busiest)} "
            f"({MIX[busiest]:.0%})",
            stage,
            stage,
        ),
        Bite(
            "Count shards: TransactionConflict",
            f"{conflict_rate:,} creates + deletes/s (simulated, {counter_shards()} shards)",
            f"the tenant's count shards; {writes:.0%} of requests",
            conflict_rate / writes,
            None,
        ),
        Bite(
            "Tenant's base-table partition, before split for heat",
            "3,000 RU + 1,000 WU per s",
            f"lead items + count shards: {tenant_partition.cell()} per request",
            per_second(tenant_partition.partition_share()),
            None,
        ),
        Bite(
            "Count shard: partition throughput",
            "3,000 RU + 1,000 WU per s",
            f"one shard of {counter_shards()}, each isolated once hot: "
            f"{Units(counter.read, counter.write / counter_shards()).cell()} per request",
            per_second(Units(counter.read, counter.write / counter_shards()).partition_share()),
            None,
        ),
        Bite(
            "Tenant's index partition",
            "3,000 RU + 1,000 WU per s",
            f"by_created_at, key tenant: {index.cell()} per request",
            per_second(index.partition_share()),
            None,
        ),
        Bite(
            "New on-demand table (base table or index)",
            "12,000 RU + 4,000 WU per s",
            "all tenants; then 2x the previous peak per 30 min",
            warming,
            warming,
        ),
        Bite(
            "On-demand table quota (base table or index)",
            "40,000 RU and 40,000 WU per s",
            "all tenants",
            quota,
            quota,
        ),
        Bite(
            "Lambda concurrency, burst from cold",
            f"{LAMBDA_CONCURRENCY:,} environments",
            f"the account; a new one is busy {COLD_START_SECONDS * 1000:,.0f} ms + "
            f"{seconds * 1000:.1f} ms",
            cold,
            cold,
        ),
        Bite(
            "Lambda scaling rate, burst from cold",
            f"{LAMBDA_SCALING_ENVIRONMENTS:,} new environments per {LAMBDA_SCALING_SECONDS} s",
            f"each function; the busiest: {FUNCTIONS[busiest]} ({MIX[busiest]:.0%})",
            scaling / MIX[busiest],
            scaling / MIX[busiest],
        ),
        Bite(
            "API Gateway account throttle",
            f"{API_ACCOUNT_RATE:,} rps, burst {API_ACCOUNT_BURST:,}",
            "every API of the account in the Region",
            API_ACCOUNT_RATE,
            API_ACCOUNT_RATE,
        ),
        Bite(
            "Lambda concurrency, warm",
            f"{LAMBDA_CONCURRENCY:,} concurrent executions",
            f"the account; {seconds * 1000:.1f} ms per request (mixed mean)",
            LAMBDA_CONCURRENCY / seconds,
            LAMBDA_CONCURRENCY / seconds,
        ),
    ]
    return sorted(found, key=lambda bite: bite.one_tenant)


def first_page_units(m: Measurements, index_shards: int) -> float:
    op = m.operations["list"]
    return (
        op.places[LEADS].read
        + op.places[COUNTER].read
        + index_read_units(m, m.page + 1, index_shards)
    )

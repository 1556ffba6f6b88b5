"""The tables of SCALING.md's generated section on the design as built, each a report.Table."""

import math

from bench import capacity_floors
from bench.report import Table
from bench.scaling.analysis import Bite, mixed, mixed_units, per_second
from bench.scaling.limits import (
    ASSUMPTIONS,
    HOLD_SENSITIVITY,
    LIMITS,
    LIVE_PLAN,
    MAX_FAILED_SHARE,
    MIX,
    counter_shards,
    stage_throttle,
    usage_plans,
)
from bench.scaling.metering import COUNTER, CURSOR_DEPTH, INDEX, LEADS, OFFSET, Measurements, Units
from bench.scaling.simulation import simulate_counter, sustainable_rate
from leads_domain.data import transactions as transaction_retries


def rate(value: float) -> str:
    return "-" if math.isinf(value) else f"{math.floor(value):,}"


def limits_table() -> Table:
    table = Table("Limits (AWS's documented numbers)", ["Limit", "Value", "Unit", "Source"])
    for limit in LIMITS:
        table.add(limit.name, f"{limit.value:,.0f}", limit.unit, limit.source)
    source = (
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/"
        "api-gateway-request-throttling.html"
    )
    for name, (plan_rate, plan_burst) in usage_plans().items():
        table.add(
            f"{name} (template.yaml)",
            f"{plan_rate:,.0f}",
            f"requests/s per tenant, burst {plan_burst:,.0f}, all methods together",
            source,
        )
    stage_rate, stage_burst = stage_throttle()
    table.add(
        "Stage throttle (template.yaml)",
        f"{stage_rate:,.0f}",
        f"requests/s per method, all tenants together, burst {stage_burst:,.0f}; "
        "ThrottlingRateLimit / ThrottlingBurstLimit",
        source,
    )
    table.add(
        "Transaction retries (transactions.py)",
        f"{transaction_retries.ATTEMPTS}",
        f"attempts, full jitter from {transaction_retries.CONFLICT_BACKOFF_SECONDS * 1000:.0f} ms "
        "doubling, each on a count shard picked afresh",
        "layers/domain/leads_domain/data/transactions.py",
    )
    table.add(
        "Count shards (template.yaml)",
        f"{counter_shards()}",
        "items each tenant's count is spread over; CounterShards",
        "layers/domain/leads_domain/data/leads_table.py",
    )
    return table


def assumptions_table() -> Table:
    table = Table("Assumptions (not published by AWS)", ["Assumption", "Value", "Unit", "Why"])
    for assumption in ASSUMPTIONS:
        value = "-" if assumption.value == 0 else f"{assumption.value:g}"
        table.add(assumption.name, value, assumption.unit, assumption.reason)
    shares = ", ".join(f"{share:.0%} {name}" for name, share in MIX.items())
    table.add(
        "Mixed workload",
        "-",
        "share of requests",
        f"{shares}; a list is a first page of {capacity_floors.PAGE}",
    )
    return table


def operations_table(m: Measurements) -> Table:
    table = Table(
        "Measured capacity per operation, by where DynamoDB serves it (RU / WU)",
        [
            "Operation",
            "DynamoDB requests",
            "Total",
            COUNTER.capitalize(),
            LEADS.capitalize(),
            INDEX.capitalize(),
            "Lambda ms (assumed latencies)",
        ],
    )
    rows = [*MIX, "list at offset", "list after cursor"]
    for name in rows:
        op = m.operations[name]
        label = {
            "list": f"list {m.page}, first page",
            "list at offset": f"list {m.page} at offset {OFFSET}",
            "list after cursor": f"list {m.page} starting_after the {CURSOR_DEPTH}th",
        }.get(name, name)
        table.add(
            label,
            " + ".join(op.requests),
            op.total.cell(),
            op.places[COUNTER].cell(),
            op.places[LEADS].cell(),
            op.places[INDEX].cell(),
            f"{op.seconds * 1000:g}",
        )
    mix = Units(
        mixed({name: m.operations[name].total.read for name in MIX}),
        mixed({name: m.operations[name].total.write for name in MIX}),
    )
    places = [mixed_units(m, place).cell() for place in (COUNTER, LEADS, INDEX)]
    seconds = mixed({name: m.operations[name].seconds for name in MIX})
    table.add("mixed workload, per request", "-", mix.cell(), *places, f"{seconds * 1000:g}")
    table.notes = [
        *m.notes,
        f"Index entries are {m.index_entry_bytes} bytes as metered (KEYS_ONLY + 100 bytes of "
        f"overhead); one eventually consistent read of the total (a Query of all "
        f"{counter_shards()} count shards) is {m.counter_read_units:g} RU.",
    ]
    return table


def single_operation_table(m: Measurements, conflict_rate: int) -> Table:
    plan_rate, _ = usage_plans()[LIVE_PLAN]
    table = Table(
        "One tenant, one operation only: operations per second each limit allows",
        [
            "Operation",
            "Base-table partition (before split)",
            f"One count shard (of {counter_shards()})",
            INDEX.capitalize(),
            "Count-shard conflicts",
            "Usage plan (live)",
            "Bites first",
        ],
    )
    for name in MIX:
        places = m.operations[name].places
        shard = Units(places[COUNTER].read, places[COUNTER].write / counter_shards())
        limits = {
            "base-table partition": per_second((places[COUNTER] + places[LEADS]).partition_share()),
            "count shard": per_second(shard.partition_share()),
            "index partition": per_second(places[INDEX].partition_share()),
            "count-shard conflicts": conflict_rate if name in ("create", "delete") else math.inf,
            "usage plan": plan_rate,
        }
        first = min(limits, key=lambda limit: limits[limit])
        table.add(name, *(rate(value) for value in limits.values()), first)
    return table


def conflicts_table(hold: float) -> Table:
    shards = counter_shards()
    table = Table(
        f"Count-shard conflicts, one tenant, simulated ({shards} shards; a transaction holds its "
        f"shard {hold * 1000:g} ms)",
        [
            "Creates + deletes/s",
            "Attempts cancelled by a conflict",
            "Attempts per write",
            "Failed after every retry (503)",
            "p99 of the transaction step, ms",
        ],
    )
    for value in (250, 500, 1_000, 1_500, 2_000, 2_500, 3_000):
        run = simulate_counter(value, hold, shards)
        table.add(
            f"{value:,}",
            f"{run.conflicted_attempts:.1%}",
            f"{run.attempts:.2f}",
            f"{run.failed:.2%}",
            f"{run.p99_seconds * 1000:.0f}",
        )
    table.notes = [
        "20,000 creates and deletes per row, Poisson arrivals, seed 4: the same numbers every "
        "run. A cancelled attempt is assumed to take as long as a transaction; retries sleep, "
        "and pick a shard again, as leads_domain.data.transactions does.",
    ]
    return table


def hold_table() -> Table:
    shards = counter_shards()
    table = Table(
        f"Sustainable creates + deletes/s of one tenant (at most {MAX_FAILED_SHARE:.1%} failing) "
        "by how long a transaction holds its count shard",
        ["Hold, ms", "1 counter (first design)", f"{shards} shards (as built)", "Each shard busy"],
    )
    for hold in HOLD_SENSITIVITY:
        one, built = sustainable_rate(hold), sustainable_rate(hold, shards)
        table.add(f"{hold * 1000:g}", f"{one:,}", f"{built:,}", f"{built * hold / shards:.0%}")
    return table


def bites_table(found: list[Bite]) -> Table:
    shares = ", ".join(f"{share:.0%} {name}" for name, share in MIX.items())
    table = Table(
        f"Where each limit bites: mixed workload ({shares}), requests per second",
        ["Limit", "Value", "Applies to", "One tenant", "Many tenants (all together)"],
    )
    for bite in found:
        many = "per tenant: grows with tenants" if bite.many_tenants is None else None
        table.add(
            bite.limit,
            bite.value,
            bite.scope,
            rate(bite.one_tenant),
            many or rate(bite.many_tenants or 0),
        )
    table.notes = [
        "One tenant: every row applies; global rows are shared with any other tenant. Many "
        "tenants: the per-tenant rows apply to each tenant separately, the others to the sum.",
        "Partition rows use DynamoDB's linear combination: reads/3,000 + writes/1,000 <= 1 per "
        "second. Table rows: the base table and the index each against their own limit.",
    ]
    return table

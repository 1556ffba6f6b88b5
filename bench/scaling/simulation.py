"""A seeded simulation of one tenant's creates + deletes colliding on its count shards, retried
by leads_domain/data/transactions.py's policy (a retry picks its shard again)."""

import heapq
import math
import random
from dataclasses import dataclass
from functools import cache

from bench.scaling.limits import MAX_FAILED_SHARE
from leads_domain.data import transactions as transaction_retries


@dataclass(frozen=True)
class ConflictRun:
    rate: float  # creates + deletes per second, one tenant
    conflicted_attempts: float  # share of attempts cancelled by a conflict
    attempts: float  # per create or delete
    failed: float  # share of creates and deletes that fail after every retry (503)
    p99_seconds: float  # the transaction step, retries included


@cache
def simulate_counter(
    rate: float,
    hold: float,
    shards: int = 1,
    transactions: int = 20_000,
    seed: int = 4,
) -> ConflictRun:
    """Creates and deletes of one tenant arrive at random (Poisson, `rate` per second), each a
    transaction on the lead and one count shard (of `shards`, picked at random). A transaction
    holds its shard for `hold` seconds; one that starts while another holds it is cancelled
    (TransactionConflict) after the same time, and retried as transaction_retries.transact
    does: up to ATTEMPTS attempts, sleeping uniform(0, backoff * 2**attempt), each attempt on
    a shard picked afresh."""
    attempts_allowed = transaction_retries.ATTEMPTS
    backoff = transaction_retries.CONFLICT_BACKOFF_SECONDS
    rng = random.Random(seed)
    pending: list[tuple[float, int, int, float, int]] = []
    now = 0.0
    for number in range(transactions):
        now += rng.expovariate(rate)
        shard = rng.randrange(shards) if shards > 1 else 0
        pending.append((now, number, 0, now, shard))
    # In time order already, so a heap: (when, which, attempt, arrived, shard).
    held_until = [-math.inf] * shards
    tried = conflicted = failed = 0
    durations: list[float] = []
    pop, push, jitter = heapq.heappop, heapq.heappush, rng.uniform
    while pending:
        now, number, attempt, started, shard = pop(pending)
        tried += 1
        if now >= held_until[shard]:
            held_until[shard] = now + hold
            durations.append(now + hold - started)
        elif attempt + 1 == attempts_allowed:
            conflicted += 1
            failed += 1
            durations.append(now + hold - started)
        else:
            conflicted += 1
            retry = now + hold + jitter(0, backoff * 2**attempt)
            again = rng.randrange(shards) if shards > 1 else 0
            push(pending, (retry, number, attempt + 1, started, again))
    durations.sort()
    return ConflictRun(
        rate,
        conflicted / tried,
        tried / transactions,
        failed / transactions,
        durations[math.ceil(0.99 * len(durations)) - 1],
    )


@cache
def sustainable_rate(hold: float, shards: int = 1) -> int:
    """The most creates + deletes per second (whole numbers) one tenant can send with at most
    MAX_FAILED_SHARE of them failing after every retry (bisection; the same seed throughout)."""
    # At or past one transaction per hold time the counter is always busy.
    low, high = 0, math.ceil(shards / hold)
    while high - low > 1:
        middle = (low + high) // 2
        if simulate_counter(middle, hold, shards).failed <= MAX_FAILED_SHARE:
            low = middle
        else:
            high = middle
    return low

"""What the model takes as given: each AWS limit with its source, each assumption with its
reason, the workload's mix."""

from dataclasses import dataclass

from bench.capacity_model import TRANSACTION_FACTOR
from bench.environment import template

# Limits: AWS's documented numbers.


@dataclass(frozen=True)
class Limit:
    name: str
    value: float
    unit: str
    source: str


_DDB = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide"
_PARTITION_SOURCE = (
    f"{_DDB}/warm-throughput-scenarios.html; "
    "https://repost.aws/knowledge-center/on-demand-table-throttling-dynamodb"
)
PARTITION_READ_UNITS = 3_000
PARTITION_WRITE_UNITS = 1_000
NEW_TABLE_READ_UNITS = 12_000  # a new on-demand table (and, assumed, each of its indexes)
NEW_TABLE_WRITE_UNITS = 4_000
TABLE_QUOTA_READ_UNITS = 40_000  # per on-demand table, default service quota (adjustable)
TABLE_QUOTA_WRITE_UNITS = 40_000
LAMBDA_CONCURRENCY = 1_000  # per account and Region, default (adjustable)
LAMBDA_SCALING_ENVIRONMENTS = 1_000  # new execution environments per function ...
LAMBDA_SCALING_SECONDS = 10  # ... every this many seconds
API_ACCOUNT_RATE = 10_000  # requests/s over every API of the account in the Region
API_ACCOUNT_BURST = 5_000
API_KEYS = 10_000  # per account and Region, not adjustable: one per tenant with a working key

LIMITS = [
    Limit(
        "DynamoDB partition: reads",
        PARTITION_READ_UNITS,
        "read units/s (or a linear combination with writes)",
        _PARTITION_SOURCE,
    ),
    Limit(
        "DynamoDB partition: writes",
        PARTITION_WRITE_UNITS,
        "write units/s (one item lives in one partition)",
        _PARTITION_SOURCE,
    ),
    Limit(
        "New on-demand table: reads",
        NEW_TABLE_READ_UNITS,
        "read units/s at once, then up to double the previous peak within 30 minutes",
        f"{_DDB}/on-demand-capacity-mode.html; {_DDB}/pre-warming-on-demand-capacity-mode.html",
    ),
    Limit(
        "New on-demand table: writes",
        NEW_TABLE_WRITE_UNITS,
        "write units/s at once, as above",
        f"{_DDB}/on-demand-capacity-mode.html",
    ),
    Limit(
        "On-demand table quota: reads",
        TABLE_QUOTA_READ_UNITS,
        "read request units/s per table (default quota, adjustable)",
        f"{_DDB}/ServiceQuotas.html",
    ),
    Limit(
        "On-demand table quota: writes",
        TABLE_QUOTA_WRITE_UNITS,
        "write request units/s per table (default quota, adjustable)",
        f"{_DDB}/ServiceQuotas.html",
    ),
    Limit(
        "Transactions",
        TRANSACTION_FACTOR,
        "underlying writes per item (prepare + commit): what the meter charges",
        f"{_DDB}/transaction-apis.html",
    ),
    Limit(
        "Lambda concurrency",
        LAMBDA_CONCURRENCY,
        "concurrent executions per account and Region (default, adjustable)",
        "https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html",
    ),
    Limit(
        "Lambda scaling rate",
        LAMBDA_SCALING_ENVIRONMENTS,
        f"new execution environments per function every {LAMBDA_SCALING_SECONDS} s",
        "https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html",
    ),
    Limit(
        "API Gateway API keys",
        API_KEYS,
        "per account and Region, not adjustable; one per tenant (account and mode) with a "
        "working key, over every stack of the account",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/"
        "api-gateway-execution-service-limits-table.html",
    ),
    Limit(
        "API Gateway account throttle",
        API_ACCOUNT_RATE,
        f"requests/s, burst {API_ACCOUNT_BURST:,}, over all APIs of the account in the Region",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/"
        "api-gateway-request-throttling.html",
    ),
]


def counter_shards() -> int:
    """How many count shards the template deploys (CounterShards): the design as built."""
    return int(template().parameters["CounterShards"])


def stage_throttle() -> tuple[float, float]:
    """template.yaml's stage throttle (MethodSettings on /* and *): rate and burst. API Gateway
    applies per-stage limits per method ("Per-API, per-stage throttling limits are applied at
    the API method level for a stage"), so each method gets its own bucket, shared by every
    tenant."""
    parameters = template().parameters
    return float(parameters["ThrottlingRateLimit"]), float(parameters["ThrottlingBurstLimit"])


def usage_plans() -> dict[str, tuple[float, float]]:
    """template.yaml's usage plans (logical id -> rate, burst). Each tenant's API key draws on
    a bucket of its own at its plan's rate, over all methods together."""
    return {
        name: (plan.throttle.rate, float(plan.throttle.burst))
        for name, plan in template().usage_plans.items()
    }


# The plan a live-mode tenant is on unless its account is given a larger one.
LIVE_PLAN = "LiveModeUsagePlan"
LARGE_PLAN = "LargeUsagePlan"


# Assumptions: what AWS does not publish.


@dataclass(frozen=True)
class Assumption:
    name: str
    value: float
    unit: str
    reason: str


REQUEST_SECONDS = 0.005
TRANSACTION_SECONDS = 0.010
HANDLER_SECONDS = 0.002
COLD_START_SECONDS = 1.0
MAX_FAILED_SHARE = 0.001
HOLD_SENSITIVITY = (0.005, 0.010, 0.020, 0.040)

ASSUMPTIONS = [
    Assumption(
        "DynamoDB request latency",
        REQUEST_SECONDS * 1000,
        "ms per GetItem, Query, BatchGetItem, UpdateItem",
        'AWS: "single-digit millisecond" (on-demand-capacity-mode.html)',
    ),
    Assumption(
        "TransactWriteItems latency = time it holds its count shard",
        TRANSACTION_SECONDS * 1000,
        "ms",
        "two phases (prepare, commit), about two requests; not published, so the "
        "sensitivity table shows 5-40 ms",
    ),
    Assumption(
        "Handler time per request on Lambda",
        HANDLER_SECONDS * 1000,
        "ms",
        "issue 4's warm p50 target (create, update, list); bench/RESULTS.md measures "
        "0.04-0.24 ms on a faster CPU than 512 MB gets",
    ),
    Assumption(
        "Cold start",
        COLD_START_SECONDS * 1000,
        "ms before a new execution environment answers",
        "bench/RESULTS.md: 0.7-1.05 s as built on the benchmark machine",
    ),
    Assumption(
        "Sustainable conflict rate",
        MAX_FAILED_SHARE * 100,
        "% of creates and deletes may fail (503) after all retries",
        "a 503 is retryable, but more than 1 in 1,000 is not a working API",
    ),
    Assumption(
        "Split for heat",
        0,
        "lead items and count shards",
        "DynamoDB splits a hot partition by sort key and isolates frequently written items "
        f"({_DDB}/burst-adaptive-capacity.html): random lead ids spread, and so do the count "
        "shards, each one item (1,000 WU/s at most); the index's created_key only grows, so "
        "new entries and newest-first reads stay at the end of its range: treated as one "
        "partition",
    ),
]

# The mixed workload: share of requests per operation. A list is a first page of
# capacity_floors.PAGE.
MIX = {"create": 0.10, "delete": 0.02, "update": 0.08, "get": 0.50, "list": 0.30}
FUNCTIONS = {
    "create": "create_lead",
    "delete": "delete_lead",
    "update": "update_lead",
    "get": "get_lead",
    "list": "list_leads",
}

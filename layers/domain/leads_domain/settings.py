"""Typed configuration, read from the environment once per container.

Every table name is required: a function deployed without one fails its cold start, naming the
variable, instead of reading and writing a table that exists nowhere. So does a count of counter
shards that is not a whole number in range.
"""

import os
from dataclasses import dataclass

from leads_domain.container import once_per_container

# How many items each lead count is spread over (template.yaml's CounterShards; why 64:
# data/leads_table.py). Up to 100: every shard of a count is read by one Query.
DEFAULT_COUNTER_SHARDS = 64
MAX_COUNTER_SHARDS = 100


class MissingSetting(RuntimeError):
    """A required environment variable is not set, or not valid (a deployment error, never a
    client's)."""


@dataclass(frozen=True, slots=True)
class Settings:
    leads_table: str
    api_keys_table: str
    idempotency_table: str
    # Origins allowed to call the API from a browser; empty means no CORS headers at all.
    cors_allowed_origins: tuple[str, ...]
    counter_shards: int = DEFAULT_COUNTER_SHARDS


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise MissingSetting(f"environment variable {name} is not set")
    return value


def _counter_shards() -> int:
    text = os.environ.get("COUNTER_SHARDS", "").strip()
    if not text:
        return DEFAULT_COUNTER_SHARDS
    if not text.isdigit() or not 1 <= int(text) <= MAX_COUNTER_SHARDS:
        raise MissingSetting(
            f"COUNTER_SHARDS must be a whole number from 1 to {MAX_COUNTER_SHARDS}"
        )
    return int(text)


@once_per_container
def get_settings() -> Settings:
    origins = os.environ.get("CORS_ALLOWED_ORIGINS", "")
    return Settings(
        leads_table=_required("LEADS_TABLE_NAME"),
        api_keys_table=_required("API_KEYS_TABLE_NAME"),
        idempotency_table=_required("IDEMPOTENCY_TABLE_NAME"),
        cors_allowed_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
        counter_shards=_counter_shards(),
    )

"""Typed configuration, read from the environment once per container.

Every table name is required: a function deployed without one fails its cold start, naming the
variable, instead of reading and writing a table that exists nowhere.
"""

import os
from dataclasses import dataclass

from leads_domain.container import once_per_container


class MissingSetting(RuntimeError):
    """A required environment variable is not set (a deployment error, never a client's)."""


@dataclass(frozen=True, slots=True)
class Settings:
    leads_table: str
    api_keys_table: str
    idempotency_table: str
    # Origins allowed to call the API from a browser; empty means no CORS headers at all.
    cors_allowed_origins: tuple[str, ...]


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise MissingSetting(f"environment variable {name} is not set")
    return value


@once_per_container
def get_settings() -> Settings:
    origins = os.environ.get("CORS_ALLOWED_ORIGINS", "")
    return Settings(
        leads_table=_required("LEADS_TABLE_NAME"),
        api_keys_table=_required("API_KEYS_TABLE_NAME"),
        idempotency_table=_required("IDEMPOTENCY_TABLE_NAME"),
        cors_allowed_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
    )

"""Typed configuration, read from the environment once per container."""

import os
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, slots=True)
class Settings:
    leads_table: str
    api_keys_table: str
    idempotency_table: str
    # Origins allowed to call the API from a browser; empty means no CORS headers at all.
    cors_allowed_origins: tuple[str, ...]


@cache
def get_settings() -> Settings:
    origins = os.environ.get("CORS_ALLOWED_ORIGINS", "")
    return Settings(
        leads_table=os.environ.get("LEADS_TABLE_NAME", "leads"),
        api_keys_table=os.environ.get("API_KEYS_TABLE_NAME", "api-keys"),
        idempotency_table=os.environ.get("IDEMPOTENCY_TABLE_NAME", "idempotency"),
        cors_allowed_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
    )

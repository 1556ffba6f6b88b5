"""The sample events of events/ (one per function), and copies of them for other tenants, leads
and queries. The example key, tenant and lead are the ones events/README.md describes."""

import copy
import json
from functools import cache
from typing import Any

from bench.environment import EVENTS
from leads_cli.examples import (  # noqa: F401 (the bench reads them from here)
    EXAMPLE_KEY,
    EXAMPLE_KEY_ID,
    EXAMPLE_LEAD_ID,
    EXAMPLE_TENANT,
    SEEDED_AT,
)
from leads_domain.tenancy import Tenant


@cache
def _read(name: str) -> str:
    path = EVENTS / f"{name}.json"
    if not path.exists():
        raise SystemExit(f"{path} is missing: every function needs its sample event")
    return path.read_text()


def event(folder: str) -> dict[str, Any]:
    """A fresh copy of events/<folder>.json (handlers may keep references to what they get)."""
    return dict(json.loads(_read(folder)))


def example_key() -> str:
    return EXAMPLE_KEY


def function_overrides(logical_id: str) -> dict[str, str]:
    """events/env.json's variables for one function (its per-function section only: the global
    section points at a Docker host and turns on DEBUG logs, which is not production)."""
    path = EVENTS / "env.json"
    if not path.exists():
        return {}
    return dict(json.loads(path.read_text()).get(logical_id, {}))


def for_tenant(base: dict[str, Any], tenant: Tenant) -> dict[str, Any]:
    """The event as the authorizer would have passed it for another tenant."""
    changed = copy.deepcopy(base)
    authorizer = changed["requestContext"].setdefault("authorizer", {})
    authorizer.update({"account": tenant.account, "mode": tenant.mode})
    return changed


def for_lead(base: dict[str, Any], lead_id: str) -> dict[str, Any]:
    changed = copy.deepcopy(base)
    changed["path"] = f"/api/crm/lead/{lead_id}"
    changed["pathParameters"] = {"id": lead_id}
    return changed


def with_query(base: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
    changed = copy.deepcopy(base)
    changed["queryStringParameters"] = dict(query) or None
    changed["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} or None
    return changed


def body(folder: str) -> Any:
    """The JSON body of a sample event (create_lead's is a typical new lead)."""
    raw = event(folder).get("body")
    return json.loads(raw) if raw else {}

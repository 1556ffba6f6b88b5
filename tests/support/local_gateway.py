"""The local run's API Gateway in-process (leads_cli.gateway.Gateway), with a tenant provisioned
in it as `leads keys create --gateway-url` provisions one: its API key in its mode's usage
plan, recorded for the tenant, so that the tenant's keys are metered rather than refused."""

import uuid
from typing import Any

from leads_cli.keys import create_key
from leads_cli.tenant_limits import DEFAULT_PLANS, PLANS
from leads_domain.data import key_records
from leads_domain.tenancy import Tenant


def provisioned_key(gateway: Any, mode: str = "test") -> str:
    """A working key of a new tenant, whose usage plan key is in ``gateway``'s usage plans."""
    tenant = Tenant(f"acct_{uuid.uuid4().hex[:12]}", mode)
    api_key = gateway.api_keys.create(f"leads/{tenant.account}/{mode}", None, "", True)
    gateway.api_keys.add_to_plan(PLANS[DEFAULT_PLANS[mode]].logical_id, api_key.id)
    limits = key_records.tenant_limits(tenant)
    assert key_records.set_usage_key(limits, api_key.id, api_key.value)
    return create_key(tenant.account, mode)[1]

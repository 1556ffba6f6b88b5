"""Each tenant's rate limit in API Gateway: its own API key (whose value the authorizer returns
as usageIdentifierKey) in exactly one usage plan, kept in step with the keys table.

Every step is idempotent and converges: a tenant with a working key has an API key in its
plan's usage plan, found again by its recorded id or by its name; a tenant without one has
none. A command cut short leaves nothing that the next one, or `leads accounts sync`, does not
finish. The decision to delete a tenant's API key is taken on the tenant's limits item, read
strongly and changed only if nothing changed since (key_records.py).
"""

from dataclasses import dataclass
from typing import NamedTuple

from leads_cli.gateway_target import GatewayTarget, flush
from leads_domain.data import api_gateway, key_records
from leads_domain.data.key_records import TenantLimits
from leads_domain.errors import ManagementFailed
from leads_domain.ids import random_base62
from leads_domain.tenancy import Tenant

# A tenant's limits item changed under us this many times in a row: give up, say so.
ATTEMPTS = 5
# API Gateway wants at least 20 characters; this is as unguessable as a key's secret.
_USAGE_KEY_LENGTH = 40


@dataclass(frozen=True)
class Plan:
    name: str
    # The template's AWS::ApiGateway::UsagePlan.
    logical_id: str
    # The modes whose tenants it may serve.
    modes: tuple[str, ...]


PLANS = {
    plan.name: plan
    for plan in (
        Plan("test", "TestModeUsagePlan", ("test",)),
        Plan("live", "LiveModeUsagePlan", ("live",)),
        Plan("large", "LargeUsagePlan", ("live",)),
    )
}
DEFAULT_PLANS = {"test": "test", "live": "live"}


class Provisioned(NamedTuple):
    """A tenant's API key in API Gateway."""

    key_id: str
    value: str
    # Whether the tenant's working keys were given it just now (and the cache flushed).
    repointed: bool


def plan_of(limits: TenantLimits) -> Plan:
    return PLANS[limits.plan or DEFAULT_PLANS[limits.tenant.mode]]


def provision(target: GatewayTarget, tenant: Tenant) -> Provisioned:
    """The tenant's API key, made if it has none, and in its plan's usage plan only; recorded
    on the tenant's limits item and, if it is new, on the tenant's working keys."""
    for _ in range(ATTEMPTS):
        limits = key_records.tenant_limits(tenant)
        found = api_gateway.api_key(limits.usage_key_id) if limits.usage_key_id else None
        found = found or api_gateway.api_key_named(_name(target, tenant))
        made = None
        if found is None:
            found = made = _create(target, tenant)
        repointed = False
        if (limits.usage_key_id, limits.usage_key) != found:
            if not key_records.set_usage_key(limits, *found):
                # The tenant's item changed meanwhile (another command recorded its own API
                # key, say): drop ours and look again.
                if made:
                    api_gateway.delete_api_key(made[0])
                continue
            # A new API key (none was recorded, or it is gone): the working keys must name it,
            # and no cached authorization may name the old one (or none).
            working = key_records.working_keys(limits)
            for record in working:
                key_records.copy_usage_key(record, *found)
            repointed = bool(working)
        join_plan(target, found[0], plan_of(limits))
        if repointed:
            # After joining the plan: an authorization made after the flush is metered.
            flush(target)
        return Provisioned(*found, repointed)
    raise busy(tenant)


def release(target: GatewayTarget, tenant: Tenant) -> bool:
    """Delete the tenant's API key if no key of the tenant still works; whether it has none
    now."""
    for _ in range(ATTEMPTS):
        limits = key_records.tenant_limits(tenant)
        if key_records.working_keys(limits):
            return False
        if limits.usage_key_id and not key_records.clear_usage_key(limits):
            continue
        for key_id in {limits.usage_key_id, _named_id(target, tenant)} - {None}:
            api_gateway.delete_api_key(str(key_id))
        return True
    raise busy(tenant)


def join_plan(target: GatewayTarget, key_id: str, plan: Plan) -> None:
    """Put the API key in ``plan``'s usage plan and in no other of ours. API Gateway allows one
    usage plan per key and stage, so a move leaves the old plan first: for the moment between
    the two calls, the tenant's requests are refused (403)."""
    wanted = target.plan_ids[plan.logical_id]
    current = api_gateway.usage_plans_of(key_id)
    for plan_id in (current & set(target.plan_ids.values())) - {wanted}:
        api_gateway.remove_from_usage_plan(plan_id, key_id)
    if wanted not in current:
        api_gateway.add_to_usage_plan(wanted, key_id)


def _name(target: GatewayTarget, tenant: Tenant) -> str:
    return target.api_key_name(tenant.account, tenant.mode)


def _named_id(target: GatewayTarget, tenant: Tenant) -> str | None:
    found = api_gateway.api_key_named(_name(target, tenant))
    return found[0] if found else None


def _create(target: GatewayTarget, tenant: Tenant) -> tuple[str, str]:
    value = random_base62(_USAGE_KEY_LENGTH)
    description = f"Rate limit of {tenant.account} in {tenant.mode} mode (leads keys)"
    return api_gateway.create_api_key(_name(target, tenant), value, description), value


def busy(tenant: Tenant) -> ManagementFailed:
    """The failure of a change given up on because the tenant's keys kept changing under it."""
    return ManagementFailed(
        f"the keys of {tenant.account} ({tenant.mode}) kept changing meanwhile: run it again"
    )

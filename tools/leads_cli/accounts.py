"""Account-wide operations: assign a usage plan, bring API Gateway in step with the keys table
(for keys made before usage plans, or after a command was cut short), remove an account, erase
one."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from leads_cli import keys, tenant_limits
from leads_cli.gateway_target import GatewayTarget, flush
from leads_domain.data import key_records
from leads_domain.errors import ManagementFailed
from leads_domain.tenancy import MODES, Tenant
from leads_domain.timestamps import now


@dataclass
class Report:
    """What an account-wide operation did, in lines for the operator."""

    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)


def assign_plan(account: str, plan_name: str, gateway: GatewayTarget | None) -> Report:
    """Put the account's tenants of the plan's mode on ``plan_name``: recorded for keys made
    later, and applied to the tenant's API key now (with a gateway)."""
    plan = tenant_limits.PLANS[plan_name]
    report = Report()
    for mode in plan.modes:
        tenant = Tenant(account, mode)
        for _ in range(tenant_limits.ATTEMPTS):
            limits = key_records.tenant_limits(tenant)
            if key_records.set_plan(limits, plan.name):
                break
        else:
            raise tenant_limits.busy(tenant)
        applied = ""
        if gateway and key_records.working_keys(key_records.tenant_limits(tenant)):
            tenant_limits.provision(gateway, tenant)
            applied = ", applied"
        report.add(f"{account} ({mode}): plan {plan.name}{applied}")
    return report


def sync(account: str, gateway: GatewayTarget) -> Report:
    """Make API Gateway and the keys table agree for the account: each tenant's list of keys
    is rebuilt from the keys themselves; a tenant with a working key gets its usage plan key
    (on every working key); a tenant without one loses it. Cached authorizations that named no
    usage plan key, or another, are flushed."""
    report = Report()
    records = key_records.list_by_account(account)
    for mode in MODES:
        tenant = Tenant(account, mode)
        _rebuild_key_list(tenant, [record for record in records if record["mode"] == mode])
        if not key_records.working_keys(key_records.tenant_limits(tenant)):
            tenant_limits.release(gateway, tenant)
            report.add(f"{account} ({mode}): no working key, no usage plan key")
            continue
        provisioned = tenant_limits.provision(gateway, tenant)
        stale = [
            record
            for record in key_records.working_keys(key_records.tenant_limits(tenant))
            if record.get("usage_key_id") != provisioned.key_id
        ]
        for record in stale:
            key_records.copy_usage_key(record, provisioned.key_id, provisioned.value)
        if stale:
            flush(gateway)
        flushed = ", authorizer cache flushed" if stale or provisioned.repointed else ""
        report.add(f"{account} ({mode}): working keys on API key {provisioned.key_id}{flushed}")
    return report


def _rebuild_key_list(tenant: Tenant, records: list[dict[str, Any]]) -> None:
    for _ in range(tenant_limits.ATTEMPTS):
        limits = key_records.tenant_limits(tenant)
        # The index may not show a key made a moment ago: keep those the item lists already.
        listed = {record["digest"] for record in records if not record.get("revoked_at")}
        for digest in limits.key_digests - listed:
            found = key_records.find_by_digest(digest)
            if found and not found.get("revoked_at"):
                listed.add(digest)
        if listed == limits.key_digests or key_records.set_key_digests(limits, listed):
            return
    raise tenant_limits.busy(tenant)


def remove(account: str, gateway: GatewayTarget | None) -> Report:
    """Revoke every key of the account and, with a gateway, delete its tenants' API keys and
    flush the authorizer cache. The records stay, revoked, as the account's history."""
    report = Report()
    revoked = []
    for mode in MODES:
        limits = key_records.tenant_limits(Tenant(account, mode))
        digests = set(limits.key_digests)
        digests |= {
            record["digest"]
            for record in key_records.list_by_account(account)
            if record["mode"] == mode and not record.get("revoked_at")
        }
        for digest in sorted(digests):
            record = key_records.find_by_digest(digest)
            if record and not record.get("revoked_at"):
                key_records.revoke(record, now())
                revoked.append(record["key_id"])
    report.add(f"{account}: revoked {len(revoked)} key(s) {' '.join(sorted(revoked))}".rstrip())
    if gateway:
        steps: list[Callable[[], Any]] = [
            partial(tenant_limits.release, gateway, Tenant(account, mode)) for mode in MODES
        ]
        problem = keys.after_store(
            f"every key of {account} is revoked",
            f"`leads accounts remove {account}` again",
            *steps,
            partial(flush, gateway),
        )
        if problem:
            raise ManagementFailed(problem)
        report.add(f"{account}: usage plan keys deleted, authorizer cache flushed")
    return report


def erase(account: str, gateway: GatewayTarget | None) -> Report:
    """Remove the account (keys revoked; with a gateway, its usage plan keys deleted and the
    authorizer cache flushed), then delete every record of it: its keys, its tenants' limits
    and everything its tenants stored. For closing an account for good, and for the throwaway
    accounts of `make test-deployed`."""
    from leads_domain.data.erasure import erase_account

    report = remove(account, gateway)
    erased = erase_account(account)
    report.add(
        f"{account}: deleted {erased['keys']} key records and {erased['items']} stored items"
    )
    return report

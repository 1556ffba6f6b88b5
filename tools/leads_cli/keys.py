"""API key management for operators: create (shown once), list (never the key), revoke, roll.

With a GatewayTarget (a deployed stack, or the local run), each change is carried to API
Gateway too: the tenant's usage plan key when its first key is made, its removal when its last
working key goes, and a flush of the stage's authorizer cache, so that a revoked key is refused
on its next request rather than when its cached authorization runs out.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from leads_cli import tenant_limits
from leads_cli.failures import CommandError, explain
from leads_cli.gateway_target import GatewayTarget, flush
from leads_domain import api_keys, scopes
from leads_domain.container import forget_all
from leads_domain.data import key_records
from leads_domain.data.stack_outputs import stack_outputs
from leads_domain.errors import ManagementFailed
from leads_domain.tenancy import MODES, Tenant, valid_account
from leads_domain.timestamps import after, now

# What the stack's outputs call each table the domain reads, by its environment variable.
STACK_OUTPUTS = {
    "LEADS_TABLE_NAME": "LeadsTableName",
    "API_KEYS_TABLE_NAME": "ApiKeysTableName",
    "IDEMPOTENCY_TABLE_NAME": "IdempotencyTableName",
}


def use_tables(
    *, endpoint_url: str | None, stack: str | None, region: str | None
) -> dict[str, str] | None:
    """Point leads_domain's data access at a local DynamoDB (whose tables are named by their
    logical ids, as the local run makes them) or at a deployed stack's tables. The stack's
    outputs, when it is a stack."""
    if not (endpoint_url or stack or os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")):
        raise CommandError(
            "say where the keys are: --endpoint-url URL for a local DynamoDB (`make run` "
            "prints it), or --stack NAME [--region REGION] for a deployed stack."
        )
    if region:
        os.environ["AWS_DEFAULT_REGION"] = region
    if endpoint_url:
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint_url
    if endpoint_url or os.environ.get("AWS_ENDPOINT_URL_DYNAMODB"):
        from leads_cli.local_dynamodb import use_local_credentials

        use_local_credentials()
        os.environ.update(local_table_names())
    outputs = None
    if stack:
        forget_all()
        outputs = stack_outputs(stack)
        os.environ.update(stack_table_names(stack, outputs))
    forget_all()
    return outputs


def local_table_names() -> dict[str, str]:
    """The table variables the template gives every function, as the local run resolves them."""
    from leads_cli import template

    environment = next(iter(template.load().functions.values())).environment
    return {name: value for name, value in environment.items() if name.endswith("_TABLE_NAME")}


def stack_table_names(stack: str, outputs: dict[str, str]) -> dict[str, str]:
    missing = [key for key in STACK_OUTPUTS.values() if key not in outputs]
    if missing:
        raise CommandError(f"stack {stack} has no {', '.join(missing)} output: is it this API?")
    return {variable: outputs[key] for variable, key in STACK_OUTPUTS.items()}


def create_key(
    account: str,
    mode: str = "test",
    name: str | None = None,
    *,
    scope: str = scopes.FULL,
    expires_at: str | None = None,
    gateway: GatewayTarget | None = None,
) -> tuple[str, str]:
    """Store a new key's digest; answer (key id, key). The key itself is never stored. With a
    gateway, the tenant's usage plan key is made first if it has none, so the key works from
    its first request; without, the key gets the tenant's usage plan key if one is recorded."""
    if not valid_account(account):
        raise ValueError("account: 1-64 letters, digits, '_' or '-'")
    if mode not in MODES:
        raise ValueError(f"mode: one of {', '.join(MODES)}")
    if scope not in scopes.SCOPES:
        raise ValueError(f"scope: one of {', '.join(scopes.SCOPES)}")
    tenant = Tenant(account, mode)
    key = api_keys.generate_key(mode, restricted=scope != scopes.FULL)
    key_id = api_keys.new_key_id()
    for _ in range(tenant_limits.ATTEMPTS):
        if gateway:
            usage_key_id, usage_key, _ = tenant_limits.provision(gateway, tenant)
        else:
            limits = key_records.tenant_limits(tenant)
            usage_key_id, usage_key = limits.usage_key_id, limits.usage_key
        record = {
            "digest": api_keys.digest(key),
            "key_id": key_id,
            "account": account,
            "mode": mode,
            "name": name,
            "scope": None if scope == scopes.FULL else scope,
            "created_at": now(),
            "expires_at": expires_at,
            "last4": key[-4:],
            "usage_key_id": usage_key_id,
            "usage_key": usage_key,
        }
        # Conditional on the tenant's usage plan key staying the one copied into the record.
        if key_records.insert_key(record, tenant, usage_key_id):
            return key_id, key
    raise tenant_limits.busy(tenant)


def key_status(record: dict[str, Any]) -> str:
    if record.get("revoked_at"):
        return "revoked"
    return "active" if key_records.usable(record) else "expired"


def list_keys(account: str) -> list[dict[str, Any]]:
    return [
        {
            "key_id": record["key_id"],
            "name": record.get("name"),
            "mode": record["mode"],
            "scope": record.get("scope") or scopes.FULL,
            "status": key_status(record),
            "created_at": record["created_at"],
            "expires_at": record.get("expires_at"),
            "revoked_at": record.get("revoked_at"),
            "last4": record["last4"],
            # An active key without its tenant's usage plan key is refused by API Gateway.
            "usage_plan": (
                ("provisioned" if record.get("usage_key_id") else "missing")
                if key_records.usable(record)
                else None
            ),
        }
        for record in key_records.list_by_account(account)
    ]


def revoke_key(key_id: str, gateway: GatewayTarget | None = None) -> dict[str, Any] | None:
    """Revoke the key (None if there is no such key); with a gateway, release the tenant's
    usage plan key if no key of the tenant works any more, and flush the authorizer cache."""
    record = key_records.find_by_key_id(key_id)
    if record is None:
        return None
    revoked = key_records.revoke(record, now())
    if gateway:
        problem = after_store(
            f"{key_id} is revoked",
            f"`leads keys revoke {key_id}` again",
            lambda: tenant_limits.release(gateway, Tenant(record["account"], record["mode"])),
            lambda: flush(gateway),
        )
        if problem:
            raise ManagementFailed(problem)
    return revoked


@dataclass(frozen=True)
class Rolled:
    key_id: str
    key: str
    # The old key as it is now (expiring), None if it was revoked meanwhile.
    old: dict[str, Any] | None
    # What went wrong after the new key was made, if anything: it is shown all the same.
    problem: str | None = None


def roll_key(key_id: str, grace_seconds: int, gateway: GatewayTarget | None = None) -> Rolled:
    """A new key for the same tenant, with the same name and scope; the old one expires after
    ``grace_seconds`` (at once with 0, when the authorizer cache is flushed too). Refused
    (ManagementFailed) if the old key does not exist or no longer works."""
    old = key_records.find_by_key_id(key_id)
    if old is None:
        raise ManagementFailed(f"no key {key_id}")
    if not key_records.usable(old):
        raise ManagementFailed(f"{key_id} is {key_status(old)}: create a new key instead")
    new_id, new_key = create_key(
        old["account"],
        old["mode"],
        old.get("name"),
        scope=old.get("scope") or scopes.FULL,
        gateway=gateway,
    )
    expiring = key_records.expire(old, after(grace_seconds) if grace_seconds else now())
    if expiring is None:
        return Rolled(new_id, new_key, None, f"{key_id} was revoked meanwhile")
    problem = None
    if gateway and not grace_seconds:
        problem = after_store(
            f"{key_id} has expired",
            f"`leads keys revoke {key_id}`, which flushes it too",
            lambda: flush(gateway),
        )
    return Rolled(new_id, new_key, expiring, problem)


def after_store(done: str, retry: str, *steps: Callable[[], Any]) -> str | None:
    """Run every step that carries a stored change to API Gateway, even if one fails. If any
    failed: what to tell the operator (the change itself is stored; what finishes the rest)."""
    failures = []
    for step in steps:
        try:
            step()
        except ManagementFailed as failure:
            failures.append(failure.message)
        except (BotoCoreError, ClientError) as error:
            failures.append(explain(error)[0])
    if not failures:
        return None
    return (
        f"{done}, but API Gateway is not updated yet ({'; '.join(failures)}). "
        f"To finish, run {retry}."
    )

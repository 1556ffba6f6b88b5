"""API key management for operators: create (shown once), list (never the key), revoke."""

import os
from datetime import UTC, datetime
from typing import Any

from leads_cli.failures import CommandError
from leads_domain import api_keys
from leads_domain.container import forget_all
from leads_domain.data import keys_table
from leads_domain.tenancy import valid_account

# What the stack's outputs call each table the domain reads, by its environment variable.
STACK_OUTPUTS = {
    "LEADS_TABLE_NAME": "LeadsTableName",
    "API_KEYS_TABLE_NAME": "ApiKeysTableName",
    "IDEMPOTENCY_TABLE_NAME": "IdempotencyTableName",
}


def use_tables(*, endpoint_url: str | None, stack: str | None, region: str | None) -> None:
    """Point leads_domain's data access at a local DynamoDB (whose tables are named by their
    logical ids, as the local run makes them) or at a deployed stack's tables."""
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
    if stack:
        os.environ.update(stack_table_names(stack))
    forget_all()


def local_table_names() -> dict[str, str]:
    """The table variables the template gives every function, as the local run resolves them."""
    from leads_cli import template

    environment = next(iter(template.load().functions.values())).environment
    return {name: value for name, value in environment.items() if name.endswith("_TABLE_NAME")}


def stack_table_names(stack: str) -> dict[str, str]:
    from leads_cli.stack import stack_outputs

    values = stack_outputs(stack)
    missing = [key for key in STACK_OUTPUTS.values() if key not in values]
    if missing:
        raise CommandError(f"stack {stack} has no {', '.join(missing)} output: is it this API?")
    return {variable: values[key] for variable, key in STACK_OUTPUTS.items()}


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def create_key(account: str, mode: str = "test", name: str | None = None) -> tuple[str, str]:
    """Store a new key's digest; answer (key id, key). The key itself is never stored."""
    if not valid_account(account):
        raise ValueError("account: 1-64 letters, digits, '_' or '-'")
    key = api_keys.generate_key(mode)
    key_id = api_keys.new_key_id()
    keys_table.put_key(
        {
            "digest": api_keys.digest(key),
            "key_id": key_id,
            "account": account,
            "mode": mode,
            "name": name,
            "created_at": now(),
            "last4": key[-4:],
        }
    )
    return key_id, key


def list_keys(account: str) -> list[dict[str, Any]]:
    return [
        {
            "key_id": record["key_id"],
            "name": record.get("name"),
            "mode": record["mode"],
            "created_at": record["created_at"],
            "revoked_at": record.get("revoked_at"),
            "last4": record["last4"],
        }
        for record in keys_table.list_by_account(account)
    ]


def revoke_key(key_id: str) -> dict[str, Any] | None:
    return keys_table.revoke(key_id, now())

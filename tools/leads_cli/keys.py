"""API key management for operators: create (shown once), list (never the key), revoke."""

import os
from datetime import UTC, datetime
from typing import Any

from leads_domain import api_keys
from leads_domain.data import keys_table

# The local run names tables by their logical ids in template.yaml.
LOCAL_KEYS_TABLE = "ApiKeysTable"


def use_table(
    *, endpoint_url: str | None, table: str | None, stack: str | None, region: str | None
) -> str:
    """Point leads_domain's data access at the right table and endpoint; answer the table."""
    if region:
        os.environ["AWS_DEFAULT_REGION"] = region
    if endpoint_url:
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint_url
    if endpoint_url or os.environ.get("AWS_ENDPOINT_URL_DYNAMODB"):
        from leads_cli.local_dynamodb import use_local_credentials

        use_local_credentials()
    if stack:
        table = stack_keys_table(stack)
    table = table or os.environ.get("API_KEYS_TABLE_NAME") or LOCAL_KEYS_TABLE
    os.environ["API_KEYS_TABLE_NAME"] = table
    from leads_domain.settings import get_settings

    get_settings.cache_clear()
    return table


def stack_keys_table(stack: str) -> str:
    import boto3

    outputs = (
        boto3.client("cloudformation")
        .describe_stacks(StackName=stack)["Stacks"][0]
        .get("Outputs", [])
    )
    for output in outputs:
        if output["OutputKey"] == "ApiKeysTableName":
            return str(output["OutputValue"])
    raise SystemExit(f"stack {stack} has no ApiKeysTableName output")


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def create_key(account: str, mode: str = "test", name: str | None = None) -> tuple[str, str]:
    """Store a new key's digest; answer (key id, key). The key itself is never stored."""
    if not api_keys.valid_account(account):
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

"""Erasing an account: its keys, its tenants' limits items and every item of its tenants'
partitions of the leads table, deleted.

For an operator closing an account (`leads accounts delete`, after the account's usage plan
keys are gone) and for the throwaway accounts `make test-deployed` makes. No function imports
this module. Idempotency records are not found by account; they expire within 24 hours.
"""

import time
from collections.abc import Iterator
from typing import Any

from leads_domain.data.clients import dynamodb
from leads_domain.data.key_records import TENANT_PREFIX
from leads_domain.data.keys_table import BY_ACCOUNT_INDEX
from leads_domain.settings import get_settings
from leads_domain.tenancy import MODES, Tenant

_BATCH_SIZE = 25  # BatchWriteItem's limit
_ATTEMPTS = 8  # for items DynamoDB leaves unprocessed under load


def erase_account(account: str) -> dict[str, int]:
    """Delete the account's keys and everything both of its tenants hold; answer the counts
    (key records, and the tenants' items in the leads table)."""
    keys = [{"digest": {"S": f"{TENANT_PREFIX}{account}#{mode}"}} for mode in MODES] + [
        {"digest": item["digest"]}
        for item in _query(
            TableName=get_settings().api_keys_table,
            IndexName=BY_ACCOUNT_INDEX,
            KeyConditionExpression="account = :account",
            ExpressionAttributeValues={":account": {"S": account}},
            ProjectionExpression="digest",
        )
    ]
    items = [
        {"tenant": item["tenant"], "sk": item["sk"]}
        for mode in MODES
        for item in _query(
            TableName=get_settings().leads_table,
            KeyConditionExpression="tenant = :tenant",
            ExpressionAttributeValues={":tenant": {"S": Tenant(account, mode).partition}},
            ProjectionExpression="tenant, sk",
            ConsistentRead=True,
        )
    ]
    _delete(get_settings().api_keys_table, keys)
    _delete(get_settings().leads_table, items)
    return {"keys": len(keys), "items": len(items)}


def _query(**request: Any) -> Iterator[dict[str, Any]]:
    while True:
        page = dynamodb().query(**request)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _delete(table: str, keys: list[dict[str, Any]]) -> None:
    for start in range(0, len(keys), _BATCH_SIZE):
        requests = [{"DeleteRequest": {"Key": key}} for key in keys[start : start + _BATCH_SIZE]]
        for attempt in range(_ATTEMPTS):
            response = dynamodb().batch_write_item(RequestItems={table: requests})
            requests = response.get("UnprocessedItems", {}).get(table, [])
            if not requests:
                break
            time.sleep(min(0.05 * 2**attempt, 2.0))
        else:
            raise RuntimeError(f"{len(requests)} items of {table} were left undeleted")

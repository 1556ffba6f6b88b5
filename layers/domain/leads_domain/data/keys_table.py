"""The API keys table: one item per key, keyed by the key's SHA-256 digest, never the key."""

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from leads_domain.data.attributes import from_item, to_item
from leads_domain.data.clients import dynamodb, error_code
from leads_domain.errors import ServiceUnavailable
from leads_domain.settings import get_settings

BY_ACCOUNT_INDEX = "by_account"
BY_KEY_ID_INDEX = "by_key_id"


def find_by_digest(digest: str) -> dict[str, Any] | None:
    """The key's owner, state, scope and the tenant's API Gateway API key (its usage plan's
    bucket), or None. The authorizer's only read."""
    try:
        response = dynamodb().get_item(
            TableName=get_settings().api_keys_table,
            Key={"digest": {"S": digest}},
            ProjectionExpression=(
                "key_id, account, #mode, revoked_at, expires_at, #scope, usage_key"
            ),
            ExpressionAttributeNames={"#mode": "mode", "#scope": "scope"},
        )
    except (ClientError, BotoCoreError) as error:
        raise ServiceUnavailable() from error
    item = response.get("Item")
    return from_item(item) if item else None


def put_key(record: dict[str, Any]) -> None:
    dynamodb().put_item(
        TableName=get_settings().api_keys_table,
        Item=to_item(record),
        ConditionExpression="attribute_not_exists(digest)",
    )


def list_by_account(account: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {
        "TableName": get_settings().api_keys_table,
        "IndexName": BY_ACCOUNT_INDEX,
        "KeyConditionExpression": "account = :account",
        "ExpressionAttributeValues": {":account": {"S": account}},
    }
    while True:
        page = dynamodb().query(**kwargs)
        items.extend(from_item(item) for item in page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def revoke(key_id: str, revoked_at: str) -> dict[str, Any] | None:
    """Mark the key revoked (once; a second revoke keeps the first time). None if unknown."""
    page = dynamodb().query(
        TableName=get_settings().api_keys_table,
        IndexName=BY_KEY_ID_INDEX,
        KeyConditionExpression="key_id = :key_id",
        ExpressionAttributeValues={":key_id": {"S": key_id}},
    )
    if not page.get("Items"):
        return None
    digest = page["Items"][0]["digest"]
    try:
        response = dynamodb().update_item(
            TableName=get_settings().api_keys_table,
            Key={"digest": digest},
            UpdateExpression="SET revoked_at = :now",
            ConditionExpression="attribute_exists(digest) AND attribute_not_exists(revoked_at)",
            ExpressionAttributeValues={":now": {"S": revoked_at}},
            ReturnValues="ALL_NEW",
        )
        return from_item(response["Attributes"])
    except ClientError as error:
        if error_code(error) != "ConditionalCheckFailedException":
            raise
        response = dynamodb().get_item(
            TableName=get_settings().api_keys_table, Key={"digest": digest}
        )
        return from_item(response["Item"])

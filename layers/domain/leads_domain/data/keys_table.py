"""The API keys table as the authorizer reads it: one item per key, keyed by the key's SHA-256
digest, never the key. (What operators change in it is in key_records.py.)"""

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from leads_domain.data.attributes import from_item
from leads_domain.data.clients import dynamodb
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

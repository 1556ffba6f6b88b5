"""BatchGetItem of one request's worth of keys, retrying only what DynamoDB left unprocessed."""

import time
from typing import Any

from leads_domain.data.clients import dynamodb
from leads_domain.errors import ServiceUnavailable

# BatchGetItem may leave keys unprocessed under load; retry those a few times, then give up.
ATTEMPTS = 4
MAX_KEYS = 100


def batch_get(
    table: str, keys: list[dict[str, Any]], projection: str | None = None
) -> list[dict[str, Any]]:
    """The items found for ``keys`` (at most MAX_KEYS), in no particular order; missing ones
    are left out. ServiceUnavailable if DynamoDB still left some unprocessed at the end."""
    found: list[dict[str, Any]] = []
    pending = keys
    for attempt in range(ATTEMPTS):
        if not pending:
            return found
        if attempt:
            time.sleep(0.05 * 2**attempt)
        request: dict[str, Any] = {"Keys": pending}
        if projection:
            request["ProjectionExpression"] = projection
        response = dynamodb().batch_get_item(RequestItems={table: request})
        found.extend(response.get("Responses", {}).get(table, []))
        pending = response.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
    if pending:
        raise ServiceUnavailable()
    return found

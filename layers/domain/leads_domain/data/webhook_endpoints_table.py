"""The webhook endpoints table: a tenant's endpoints in its partition (``sk`` = the endpoint's
id), and one count item that keeps the tenant under its limit.

The count changes in the same transaction as every create and delete, conditional on staying
within the limit, so concurrent creates can never make a seventeenth endpoint. A tenant has so
few endpoints that listing them is one Query of its partition.
"""

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from leads_domain.data.attributes import from_item, to_attribute, to_item
from leads_domain.data.clients import dynamodb, error_code
from leads_domain.data.transactions import condition_failed_at, transact
from leads_domain.errors import ServiceUnavailable, limit_reached, webhook_endpoint_not_found
from leads_domain.event_settings import get_event_settings
from leads_domain.tenancy import Tenant

ENDPOINT_PREFIX = "we_"
COUNT_SK = "ENDPOINT_COUNT"
MAX_ENDPOINTS = 16
_KEY_ATTRIBUTES = ("tenant", "sk")


def _key(tenant: Tenant, sort_key: str) -> dict[str, Any]:
    return {"tenant": {"S": tenant.partition}, "sk": {"S": sort_key}}


def _count_change(tenant: Tenant, delta: int) -> dict[str, Any]:
    change: dict[str, Any] = {
        "TableName": get_event_settings().webhook_endpoints_table,
        "Key": _key(tenant, COUNT_SK),
        "UpdateExpression": "ADD endpoint_count :delta",
        "ExpressionAttributeValues": {":delta": {"N": str(delta)}},
    }
    if delta > 0:
        change["ConditionExpression"] = (
            "attribute_not_exists(endpoint_count) OR endpoint_count < :max"
        )
        change["ExpressionAttributeValues"][":max"] = {"N": str(MAX_ENDPOINTS)}
    return {"Update": change}


def _to_endpoint(item: dict[str, Any]) -> dict[str, Any]:
    values = from_item(item)
    endpoint_id = values.pop("sk")
    for name in _KEY_ATTRIBUTES:
        values.pop(name, None)
    return {"id": endpoint_id, **values}


def insert(tenant: Tenant, endpoint: dict[str, Any]) -> None:
    """Store a new endpoint (``endpoint`` holds its id and values) and count it, atomically;
    limit_reached if the tenant has its maximum already."""
    item = to_item(endpoint)
    del item["id"]
    item.update(_key(tenant, endpoint["id"]))
    try:
        transact(
            [
                {
                    "Put": {
                        "TableName": get_event_settings().webhook_endpoints_table,
                        "Item": item,
                        "ConditionExpression": "attribute_not_exists(sk)",
                    }
                },
                _count_change(tenant, +1),
            ]
        )
    except ClientError as error:
        if condition_failed_at(error, 1):
            raise limit_reached(MAX_ENDPOINTS) from error
        raise ServiceUnavailable() from error
    except BotoCoreError as error:
        raise ServiceUnavailable() from error


def get(tenant: Tenant, endpoint_id: str) -> dict[str, Any] | None:
    try:
        response = dynamodb().get_item(
            TableName=get_event_settings().webhook_endpoints_table,
            Key=_key(tenant, endpoint_id),
            ConsistentRead=True,
        )
    except (ClientError, BotoCoreError) as error:
        raise ServiceUnavailable() from error
    item = response.get("Item")
    return _to_endpoint(item) if item else None


def all_of(tenant: Tenant) -> list[dict[str, Any]]:
    """Every endpoint of the tenant (at most MAX_ENDPOINTS: one small Query)."""
    request: dict[str, Any] = {
        "TableName": get_event_settings().webhook_endpoints_table,
        "KeyConditionExpression": "tenant = :tenant AND begins_with(sk, :prefix)",
        "ExpressionAttributeValues": {
            ":tenant": {"S": tenant.partition},
            ":prefix": {"S": ENDPOINT_PREFIX},
        },
        "ConsistentRead": True,
    }
    items: list[dict[str, Any]] = []
    try:
        while True:
            response = dynamodb().query(**request)
            items.extend(response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                break
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
    except (ClientError, BotoCoreError) as error:
        raise ServiceUnavailable() from error
    return [_to_endpoint(item) for item in items]


def update(
    tenant: Tenant, endpoint_id: str, set_values: dict[str, Any], remove: tuple[str, ...] = ()
) -> dict[str, Any] | None:
    """Set and remove attributes of the tenant's endpoint: the endpoint as stored afterwards,
    or None if the tenant has no such endpoint."""
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    assignments = []
    for index, (name, value) in enumerate(set_values.items()):
        names[f"#s{index}"] = name
        values[f":s{index}"] = to_attribute(value)
        assignments.append(f"#s{index} = :s{index}")
    expression = "SET " + ", ".join(assignments)
    if remove:
        for index, name in enumerate(remove):
            names[f"#r{index}"] = name
        expression += " REMOVE " + ", ".join(f"#r{index}" for index in range(len(remove)))
    return _update(tenant, endpoint_id, expression, "attribute_exists(sk)", names, values)


def record_failure(tenant: Tenant, endpoint_id: str, at: str) -> None:
    """Note that deliveries to the endpoint fail, since ``at`` unless it failed already."""
    _update(
        tenant,
        endpoint_id,
        "SET failing_since = if_not_exists(failing_since, :at)",
        "attribute_exists(sk)",
        {},
        {":at": {"S": at}},
    )


def record_success(tenant: Tenant, endpoint_id: str) -> None:
    """Forget that the endpoint was failing (a delivery reached it)."""
    _update(
        tenant,
        endpoint_id,
        "REMOVE failing_since",
        "attribute_exists(failing_since)",
        {},
        {},
    )


def disable_if_failing_since(tenant: Tenant, endpoint_id: str, cutoff: str, at: str) -> bool:
    """Disable the endpoint if it is enabled and has failed without a success since before
    ``cutoff``; whether it did. An endpoint re-enabled meanwhile has no failing_since."""
    return (
        _update(
            tenant,
            endpoint_id,
            "SET #status = :disabled, updated_at = :at",
            "#status = :enabled AND failing_since <= :cutoff",
            {"#status": "status"},
            {
                ":disabled": {"S": "disabled"},
                ":enabled": {"S": "enabled"},
                ":cutoff": {"S": cutoff},
                ":at": {"S": at},
            },
        )
        is not None
    )


def _update(
    tenant: Tenant,
    endpoint_id: str,
    expression: str,
    condition: str,
    names: dict[str, str],
    values: dict[str, Any],
) -> dict[str, Any] | None:
    """The endpoint after the update; None when ``condition`` is false (or it is missing)."""
    request: dict[str, Any] = {
        "TableName": get_event_settings().webhook_endpoints_table,
        "Key": _key(tenant, endpoint_id),
        "UpdateExpression": expression,
        "ConditionExpression": condition,
        "ReturnValues": "ALL_NEW",
    }
    if names:
        request["ExpressionAttributeNames"] = names
    if values:
        request["ExpressionAttributeValues"] = values
    try:
        response = dynamodb().update_item(**request)
    except ClientError as error:
        if error_code(error) == "ConditionalCheckFailedException":
            return None
        raise ServiceUnavailable() from error
    except BotoCoreError as error:
        raise ServiceUnavailable() from error
    return _to_endpoint(response["Attributes"])


def delete(tenant: Tenant, endpoint_id: str) -> None:
    """Delete the tenant's endpoint and uncount it, atomically; not found if it has none."""
    try:
        transact(
            [
                {
                    "Delete": {
                        "TableName": get_event_settings().webhook_endpoints_table,
                        "Key": _key(tenant, endpoint_id),
                        "ConditionExpression": "attribute_exists(sk)",
                    }
                },
                _count_change(tenant, -1),
            ]
        )
    except ClientError as error:
        if condition_failed_at(error, 0):
            raise webhook_endpoint_not_found() from error
        raise ServiceUnavailable() from error
    except BotoCoreError as error:
        raise ServiceUnavailable() from error

"""API Gateway's management API, as operators use it (the `leads` CLI; no function calls it, and
no function's role may): API keys, their usage plans, and the stage's authorizer cache.

The endpoint is the Region's, or AWS_ENDPOINT_URL_API_GATEWAY (the local run answers these
calls under /_local/apigateway). API Gateway's refusals are a ManagementFailed naming the call;
the SDK's own failures (no region, no credentials, no connection) stay the SDK's, for the CLI
to explain.
"""

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from leads_domain.container import once_per_container
from leads_domain.data.clients import CLIENT_CONFIG, error_code, session
from leads_domain.errors import ManagementFailed


@once_per_container
def apigateway() -> Any:
    return session().create_client("apigateway", config=CLIENT_CONFIG)


def _call(operation: str, tolerated: tuple[str, ...] = (), **request: Any) -> dict[str, Any] | None:
    """One API Gateway call; None when it failed with a tolerated error code."""
    try:
        return getattr(apigateway(), operation)(**request)
    except ClientError as error:
        if error_code(error) in tolerated:
            return None
        message = error.response.get("Error", {}).get("Message", "")
        raise ManagementFailed(
            f"API Gateway {operation} failed: {error_code(error)} {message}".strip()
        ) from error


def _pages(operation: str, **request: Any) -> Iterator[dict[str, Any]]:
    while True:
        page = _call(operation, **request) or {}
        yield from page.get("items", [])
        if not page.get("position"):
            return
        request["position"] = page["position"]


def create_api_key(name: str, value: str, description: str) -> str:
    """A new enabled API key with this value; its id."""
    created = _call("create_api_key", name=name, value=value, description=description, enabled=True)
    assert created is not None
    return str(created["id"])


def api_key(key_id: str) -> tuple[str, str] | None:
    """(id, value) of the API key, or None if there is no such key or it is disabled."""
    found = _call("get_api_key", ("NotFoundException",), apiKey=key_id, includeValue=True)
    if not found or not found.get("enabled", True):
        return None
    return str(found["id"]), str(found["value"])


def api_key_named(name: str) -> tuple[str, str] | None:
    """(id, value) of the enabled API key of exactly this name (names are ours: one per tenant)."""
    for found in _pages("get_api_keys", nameQuery=name, includeValues=True):
        if found.get("name") == name and found.get("enabled", True):
            return str(found["id"]), str(found["value"])
    return None


def delete_api_key(key_id: str) -> None:
    """Delete the API key (and with it its usage plan keys); an absent one is fine."""
    _call("delete_api_key", ("NotFoundException",), apiKey=key_id)


def usage_plans_of(key_id: str) -> set[str]:
    """The ids of the usage plans the API key is in."""
    return {str(plan["id"]) for plan in _pages("get_usage_plans", keyId=key_id)}


def add_to_usage_plan(plan_id: str, key_id: str) -> None:
    # A ConflictException says the key is in the plan already: what we want.
    _call(
        "create_usage_plan_key",
        ("ConflictException",),
        usagePlanId=plan_id,
        keyId=key_id,
        keyType="API_KEY",
    )


def remove_from_usage_plan(plan_id: str, key_id: str) -> None:
    _call("delete_usage_plan_key", ("NotFoundException",), usagePlanId=plan_id, keyId=key_id)


def flush_authorizer_cache(rest_api_id: str, stage: str) -> None:
    """Drop every answer the stage's authorizers have cached: the next request of every key
    is authorized afresh."""
    _call("flush_stage_authorizers_cache", restApiId=rest_api_id, stageName=stage)

"""The events API Gateway sends the functions: REST API proxy events and TOKEN authorizer
events, as the local run and AWS build them."""

import json
import uuid
from typing import Any

from leads_cli.template import PROJECT_ROOT
from leads_domain.tenancy import Tenant
from support.reference import BATCH, COLLECTION, ITEM

EVENTS = PROJECT_ROOT / "events"
METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/api/crm/lead"


def api_event(
    method: str,
    path: str,
    *,
    tenant: Tenant | None = None,
    body: Any = None,
    raw_body: str | None = None,
    query: dict[str, str | list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A REST API proxy event as API Gateway sends it after the authorizer let it through
    (with ``tenant``), or as its console test sends it (without: no authorizer context).
    Without ``headers``, a body is declared JSON; with them, the headers are exactly those."""
    resource = BATCH if path == BATCH else ITEM if path.count("/") == 4 else COLLECTION
    multi_query = {k: v if isinstance(v, list) else [v] for k, v in (query or {}).items()}
    has_body = body is not None or raw_body is not None
    all_headers = {"Content-Type": "application/json"} if has_body and headers is None else {}
    all_headers.update(headers or {})
    context: dict[str, Any] = {"requestId": f"req-{uuid.uuid4()}", "stage": "dev"}
    if tenant is not None:
        context["authorizer"] = {"account": tenant.account, "mode": tenant.mode, "key_id": "key_t"}
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": {"id": path.rsplit("/", 1)[1]} if resource == ITEM else None,
        "requestContext": context,
        "body": raw_body if raw_body is not None else (None if body is None else json.dumps(body)),
        "isBase64Encoded": False,
    }


def authorizer_event(token: str | None, method_arn: str = METHOD_ARN) -> dict[str, Any]:
    return {"type": "TOKEN", "authorizationToken": token, "methodArn": method_arn}


def sample_event(name: str) -> dict[str, Any]:
    """events/<name>.json, the sample `sam local invoke` is given."""
    return json.loads((EVENTS / f"{name}.json").read_text())


def json_api_event(
    method: str,
    path: str,
    tenant: Tenant,
    *,
    body: Any = None,
    query: dict[str, str | list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """``api_event`` for the caller's tenant, a body (if any) declared JSON beside any other
    headers given."""
    all_headers = {"Content-Type": "application/json"} if body is not None else {}
    all_headers.update(headers or {})
    return api_event(
        method, path, tenant=tenant, body=body, query=query, headers=all_headers or None
    )

"""Helpers for calling the functions in-process with the events API Gateway would send."""

import json
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

from leads_cli.gateway import import_file
from leads_domain.api_keys import Tenant

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS = ROOT / "functions"
EVENTS = ROOT / "events"

_loaded: dict[str, ModuleType] = {}


def load_function(name: str) -> ModuleType:
    """functions/<name>/app.py as a module of its own (every function's file is app.py)."""
    if name not in _loaded:
        _loaded[name] = import_file(FUNCTIONS / name / "app.py", f"fn_{name}")
    return _loaded[name]


class FakeContext:
    function_name = "test"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:test"
    aws_request_id = "test-request"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


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
    """A REST API proxy event as API Gateway sends it after the authorizer let it through."""
    resource = "/api/crm/lead/{id}" if path.count("/") == 4 else "/api/crm/lead"
    multi_query = {k: v if isinstance(v, list) else [v] for k, v in (query or {}).items()}
    if headers is None:
        has_body = body is not None or raw_body is not None
        headers = {"Content-Type": "application/json"} if has_body else {}
    context: dict[str, Any] = {"requestId": f"req-{uuid.uuid4()}", "stage": "dev"}
    if tenant is not None:
        context["authorizer"] = {"account": tenant.account, "mode": tenant.mode, "key_id": "key_t"}
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers or {},
        "multiValueHeaders": {k: [v] for k, v in (headers or {}).items()},
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": {"id": path.rsplit("/", 1)[1]} if resource.endswith("{id}") else None,
        "requestContext": context,
        "body": raw_body if raw_body is not None else (None if body is None else json.dumps(body)),
        "isBase64Encoded": False,
    }


def invoke(function: str, event: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
    """Call functions/<function>'s handler: (status, parsed JSON body, headers)."""
    response = load_function(function).lambda_handler(event, FakeContext())
    body = json.loads(response["body"]) if response.get("body") else None
    headers = dict(response.get("headers") or {})
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[name] = ", ".join(values)
    return response["statusCode"], body, headers

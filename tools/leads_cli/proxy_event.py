"""The Lambda proxy integration of a REST API: the event built from a request, the function's
proxy response read back."""

import base64
import json
import time
from typing import Any
from urllib.parse import parse_qsl

from leads_cli.http_message import Answer, header
from leads_cli.lambda_context import ACCOUNT_ID
from leads_cli.template import Route

# Lambda's limit for a synchronous invocation's event.
MAX_EVENT_BYTES = 6 * 1024 * 1024
API_ID = "local"


def proxy_event(
    *,
    route: Route,
    stage: str,
    method: str,
    path: str,
    query: str,
    headers: list[tuple[str, str]],
    body: bytes | None,
    path_parameters: dict[str, str],
    authorizer_context: dict[str, Any] | None,
    request_id: str,
) -> dict[str, Any]:
    """The event API Gateway sends the route's function for this request."""
    multi_headers: dict[str, list[str]] = {}
    for name, value in headers:
        multi_headers.setdefault(name, []).append(value)
    multi_query: dict[str, list[str]] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        multi_query.setdefault(name, []).append(value)
    text, is_base64 = _body_text(body)
    request_context: dict[str, Any] = {
        "resourceId": "local",
        "resourcePath": route.path,
        "httpMethod": method,
        "path": f"/{stage}{path}",
        "stage": stage,
        "requestId": request_id,
        "extendedRequestId": request_id,
        "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
        "requestTimeEpoch": int(time.time() * 1000),
        "accountId": ACCOUNT_ID,
        "apiId": API_ID,
        "protocol": "HTTP/1.1",
        "domainName": header(headers, "Host") or "localhost",
        "identity": {
            "sourceIp": "127.0.0.1",
            "userAgent": header(headers, "User-Agent"),
        },
    }
    if authorizer_context is not None:
        request_context["authorizer"] = authorizer_context
    return {
        "resource": route.path,
        "path": path,
        "httpMethod": method,
        "headers": {name: values[-1] for name, values in multi_headers.items()} or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": {name: values[-1] for name, values in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": request_context,
        "body": text,
        "isBase64Encoded": is_base64,
    }


def event_too_large(event: dict[str, Any], body: bytes | None) -> bool:
    """Whether Lambda would refuse this event for its size."""
    # Only a large body can make the event too large; only then is it worth measuring.
    return bool(
        body and len(body) > MAX_EVENT_BYTES // 2 and len(json.dumps(event)) > MAX_EVENT_BYTES
    )


def proxy_answer(result: Any, function: str) -> Answer | None:
    """The function's proxy response as the answer to send; None if it is not a proxy response."""
    if not isinstance(result, dict) or not isinstance(result.get("statusCode"), int):
        return None
    headers = [(name, str(value)) for name, value in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((name, str(value)) for value in values)
    body = result.get("body") or ""
    payload = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode("utf-8")
    return Answer(result["statusCode"], _deduplicated(headers), payload, function)


def _body_text(body: bytes | None) -> tuple[str | None, bool]:
    if body is None:
        return None, False
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        # Not text: hand it over base64-encoded, as API Gateway does with binary payloads.
        return base64.b64encode(body).decode(), True


def _deduplicated(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for pair in headers:
        if pair not in seen:
            seen.add(pair)
            unique.append(pair)
    return unique

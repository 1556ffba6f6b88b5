"""What every function shares over HTTP: the request as API Gateway sends it, the caller's
tenant, the JSON body, and the one error map.

Each function serves exactly one route, which API Gateway has already matched, so no router is
needed: ``api_operation`` turns an operation ``(Request) -> Answer`` into a Lambda proxy
handler. (Powertools' event handler did this before; importing it cost ~70 ms of every cold
start for routing we never used. See bench/HISTORY.md.)
"""

import base64
import binascii
import json
import warnings
from collections.abc import Callable
from functools import wraps
from typing import Any, NamedTuple

from leads_domain.api_keys import Tenant
from leads_domain.authentication import authenticate
from leads_domain.cors import allowed_origin
from leads_domain.errors import DomainError, InvalidRequest, UnsupportedMediaType
from leads_domain.logic import VersionedLead
from leads_domain.observability import logger
from leads_domain.settings import get_settings

JSON = "application/json"
# A request that fails before its operation records a metric is normal here, not a warning.
warnings.filterwarnings("ignore", message="No application metrics to publish")


class Answer(NamedTuple):
    status: int
    body: Any
    headers: dict[str, str] = {}


def lead_answer(status: int, result: VersionedLead) -> Answer:
    """A Lead, with the ETag that PATCH and DELETE accept in If-Match."""
    return Answer(status, result.lead, {"ETag": result.etag})


def error_body(
    type_: str, code: str, message: str, param: str | None, request_id: str | None
) -> dict[str, Any]:
    """The API's one error shape; template.yaml's gateway responses use it too."""
    return {
        "error": {
            "type": type_,
            "code": code,
            "message": message,
            "param": param,
            "request_id": request_id,
        }
    }


class Request:
    """A REST API proxy event, read the way the operations need it."""

    def __init__(self, event: dict[str, Any], context: Any) -> None:
        self.event = event
        self.lambda_context = context
        # HTTP header names are case-insensitive.
        self._headers = {
            name.lower(): value for name, value in (event.get("headers") or {}).items()
        }
        self.request_id: str | None = (event.get("requestContext") or {}).get("requestId")

    def header(self, name: str) -> str | None:
        return self._headers.get(name.lower())

    @property
    def path_id(self) -> str:
        # API Gateway's decoded {id}.
        return (self.event.get("pathParameters") or {}).get("id", "")

    def tenant(self) -> Tenant:
        """The tenant the authorizer resolved, passed as strings in its context. Without that
        context (API Gateway's console test skips the authorizer) the key is checked here."""
        context = (self.event.get("requestContext") or {}).get("authorizer") or {}
        account, mode = context.get("account"), context.get("mode")
        if account and mode:
            return Tenant(account, mode)
        return authenticate(self.header("Authorization")).tenant

    def query(self) -> dict[str, str]:
        """Single-valued query parameters; a repeated one is ambiguous, so it is refused."""
        multi = self.event.get("multiValueQueryStringParameters") or {}
        for name, values in multi.items():
            if len(values) > 1:
                raise InvalidRequest(
                    f"Query parameter '{name[:100]}' is given more than once.", param=name[:100]
                )
        return dict(self.event.get("queryStringParameters") or {})

    def json_body(self) -> Any:
        """The JSON body; an absent body is an empty object (no field is required). A body
        must say it is JSON: anything else is refused rather than guessed at."""
        raw = self.event.get("body")
        if raw is None or raw == "":
            return {}
        content_type = self.header("Content-Type") or ""
        if content_type.split(";")[0].strip().lower() != JSON:
            raise UnsupportedMediaType(
                "Send the body as JSON with 'Content-Type: application/json'.",
                param="Content-Type",
            )
        try:
            if self.event.get("isBase64Encoded"):
                raw = base64.b64decode(raw, validate=True).decode("utf-8")
            return json.loads(raw, parse_constant=_reject_constant)
        except (ValueError, RecursionError, binascii.Error):
            # ValueError covers bad JSON and bytes that are not UTF-8.
            raise InvalidRequest(
                "The request body is not valid JSON.", code="body_invalid_json"
            ) from None


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON, though Python's parser would accept them.
    raise ValueError(f"{name} is not valid JSON")


def api_operation(operation: Callable[[Request], Answer]) -> Callable[[dict[str, Any], Any], dict]:
    """A Lambda proxy handler that runs ``operation`` and maps every error to the API's error
    shape: domain errors to their status, anything unexpected to a 500 without internals."""

    @wraps(operation)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        request = Request(event, context)
        try:
            answer = operation(request)
        except DomainError as error:
            retry_after = getattr(error, "retry_after", None)
            answer = Answer(
                error.status,
                error_body(error.type, error.code, error.message, error.param, request.request_id),
                {"Retry-After": str(retry_after)} if retry_after else {},
            )
        except Exception:
            # The traceback goes to the log under the request id; the client sees neither.
            logger.exception("Unexpected error", extra={"request_id": request.request_id})
            answer = Answer(
                500,
                error_body(
                    "api_error",
                    "internal_error",
                    "An unexpected error occurred. Quote the request_id if you contact us.",
                    None,
                    request.request_id,
                ),
            )
        return _proxy_response(answer, request)

    return handler


# Answers carry personal data: no cache may keep them, and no browser may sniff them as HTML.
_SAFE_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def _proxy_response(answer: Answer, request: Request) -> dict[str, Any]:
    headers = {"Content-Type": JSON, **_SAFE_HEADERS, **answer.headers, **_cors_headers(request)}
    return {
        "statusCode": answer.status,
        "headers": headers,
        "body": json.dumps(answer.body, ensure_ascii=False),
        "isBase64Encoded": False,
    }


def _cors_headers(request: Request) -> dict[str, str]:
    if not get_settings().cors_allowed_origins:
        return {}
    origin = allowed_origin(request.header("Origin"))
    if not origin:
        return {"Vary": "Origin"}
    # Browsers hide response headers from scripts unless they are exposed.
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Expose-Headers": "ETag, Retry-After",
        "Vary": "Origin",
    }

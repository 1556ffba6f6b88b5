"""What every function shares over HTTP: the resolver, the one error map, the caller's tenant
and the JSON body."""

import json
import warnings
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError

from leads_domain.api_keys import Tenant
from leads_domain.authentication import authenticate
from leads_domain.errors import DomainError, InvalidRequest, UnsupportedMediaType
from leads_domain.logic import VersionedLead
from leads_domain.settings import get_settings

logger = Logger()
JSON = "application/json"
# A request that fails before its operation records a metric is normal here, not a warning.
warnings.filterwarnings("ignore", message="No application metrics to publish")


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(status, JSON, json.dumps(body, ensure_ascii=False), headers=headers)


def lead_response(status: int, result: VersionedLead) -> Response:
    """A Lead, with the ETag that PATCH and DELETE accept in If-Match."""
    return json_response(status, result.lead, {"ETag": result.etag})


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


def create_resolver() -> APIGatewayRestResolver:
    origins = get_settings().cors_allowed_origins
    cors = (
        CORSConfig(
            allow_origin=origins[0],
            extra_origins=list(origins[1:]),
            allow_headers=["Authorization", "Content-Type"],
        )
        if origins
        else None
    )
    app = APIGatewayRestResolver(cors=cors)

    def request_id() -> str | None:
        return app.current_event.request_context.request_id

    @app.exception_handler(DomainError)
    def domain_error(error: DomainError) -> Response:
        retry_after = getattr(error, "retry_after", None)
        return json_response(
            error.status,
            error_body(error.type, error.code, error.message, error.param, request_id()),
            {"Retry-After": str(retry_after)} if retry_after else None,
        )

    @app.not_found
    def route_not_found(_: NotFoundError) -> Response:
        return json_response(
            404,
            error_body(
                "invalid_request_error",
                "route_not_found",
                f"Unrecognized request URL ({app.current_event.http_method} "
                f"{app.current_event.path}).",
                None,
                request_id(),
            ),
        )

    @app.exception_handler(Exception)
    def unexpected_error(error: Exception) -> Response:
        # The traceback goes to the log under the request id; the client sees neither.
        logger.exception("Unexpected error", extra={"request_id": request_id()})
        return json_response(
            500,
            error_body(
                "api_error",
                "internal_error",
                "An unexpected error occurred. Quote the request_id if you contact us.",
                None,
                request_id(),
            ),
        )

    return app


def caller_tenant(app: APIGatewayRestResolver) -> Tenant:
    """The tenant the authorizer resolved, passed as strings in its context. Without that
    context (API Gateway's console test skips the authorizer) the key is checked here."""
    context = app.current_event.raw_event.get("requestContext", {}).get("authorizer") or {}
    account, mode = context.get("account"), context.get("mode")
    if account and mode:
        return Tenant(account, mode)
    # Powertools' headers mapping is case-insensitive, as HTTP header names are.
    return authenticate(app.current_event.headers.get("Authorization")).tenant


def json_body(app: APIGatewayRestResolver) -> Any:
    """The request's JSON body; an absent body is an empty object (no field is required).
    A body must say it is JSON: anything else is refused rather than guessed at."""
    raw = app.current_event.body
    if raw is None or raw == "":
        return {}
    content_type = app.current_event.headers.get("Content-Type") or ""
    if content_type.split(";")[0].strip().lower() != JSON:
        raise UnsupportedMediaType(
            "Send the body as JSON with 'Content-Type: application/json'.",
            param="Content-Type",
        )
    try:
        if app.current_event.is_base64_encoded:
            raw = app.current_event.decoded_body or ""
        return json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise InvalidRequest(
            "The request body is not valid JSON.", code="body_invalid_json"
        ) from None


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON, though Python's parser would accept them.
    raise ValueError(f"{name} is not valid JSON")


def if_match(app: APIGatewayRestResolver) -> str | None:
    return app.current_event.headers.get("If-Match")


def path_id(app: APIGatewayRestResolver) -> str:
    # API Gateway's decoded {id}, not the router's match on the raw path.
    return (app.current_event.path_parameters or {}).get("id", "")


def query_parameters(app: APIGatewayRestResolver) -> dict[str, str]:
    """Single-valued query parameters; a repeated one is ambiguous, so it is refused."""
    multi = app.current_event.multi_value_query_string_parameters or {}
    for name, values in multi.items():
        if len(values) > 1:
            raise InvalidRequest(f"Query parameter '{name}' is given more than once.", param=name)
    return dict(app.current_event.query_string_parameters or {})

"""The examples the OpenAPI document shows: the API reference's own example lead, body and
answers, and each error as the code that answers it really words it.

The reference writes its example timestamps as "2024-01-15T09: 30: 00Z"; the document shows
them in the form the API answers (fixed width, microseconds), so that every example is valid
against its schema.
"""

import json
from typing import Any

from leads_cli import template as template_module
from leads_cli.gateway_responses import GatewayResponses
from leads_cli.local_server import HEADERS_TOO_LARGE, URI_TOO_LONG
from leads_domain.authentication import authenticate
from leads_domain.errors import (
    DomainError,
    ServiceUnavailable,
    lead_busy,
    lead_changed,
    lead_not_found,
)
from leads_domain.fields import DEFAULTS, FIELDS
from leads_domain.http.answers import error_body
from leads_domain.http.operation import INTERNAL_ERROR_MESSAGE
from leads_domain.http.request import Request
from leads_domain.models import parse_fields

EXAMPLE_LEAD_ID = "lead_abc123"
EXAMPLE_TIMESTAMP = "2024-01-15T09:30:00.000000Z"
EXAMPLE_REQUEST_ID = "7a3e8ef5-2c4b-4f0e-9d51-8a6f3e2b1c90"
EXAMPLE_ETAG = '"v1"'

# The reference's example body (its PATCH example).
REFERENCE_BODY: dict[str, Any] = {"lead_name": "lead_name_example", "company_name": "Example Corp"}

# The reference's Lead object: "<field>_example" for every text field, but for these.
_REFERENCE_VALUES: dict[str, Any] = {
    **DEFAULTS,
    "company_name": "Example Corp",
    "email_id": "[email protected]",
    "company": "Example Corp",
    "annual_revenue": 0,
}
REFERENCE_LEAD: dict[str, Any] = {
    "id": EXAMPLE_LEAD_ID,
    "created_at": EXAMPLE_TIMESTAMP,
    "updated_at": EXAMPLE_TIMESTAMP,
    **{name: _REFERENCE_VALUES.get(name, f"{name}_example") for name in FIELDS},
}
REFERENCE_LIST: dict[str, Any] = {"data": [REFERENCE_LEAD], "has_more": False, "total": 1}
REFERENCE_DELETED: dict[str, Any] = {"id": EXAMPLE_LEAD_ID, "deleted": True}
# The reference's example body as a batch of one; and a second lead a batch refuses.
BATCH_BODY: dict[str, Any] = {"leads": [REFERENCE_BODY]}
BATCH_REFUSED_LEAD: dict[str, Any] = {"first_name": "Ada", "annual_revenue": "a lot"}


def _domain_error(error: DomainError) -> dict[str, Any]:
    return error_body(error.type, error.code, error.message, error.param, EXAMPLE_REQUEST_ID)


def _raised(action: Any) -> dict[str, Any]:
    """The error an operation's own code raises for a bad request, as it answers it."""
    try:
        action()
    except DomainError as error:
        return _domain_error(error)
    raise AssertionError("the example request was not refused")


def _gateway(response_type: str, message: str) -> dict[str, Any]:
    """API Gateway's own answer, from template.yaml's gateway response."""
    responses = GatewayResponses(template_module.load().gateway_responses)
    answer = responses.answer(response_type, EXAMPLE_REQUEST_ID, message)
    body: dict[str, Any] = json.loads(answer.body)
    return body


def _front_door(refusal: tuple[Any, str, str]) -> dict[str, Any]:
    _, code, message = refusal
    return error_body("invalid_request_error", code, message, None, EXAMPLE_REQUEST_ID)


def error_examples() -> dict[str, dict[str, dict[str, Any]]]:
    """Status -> example name -> (summary, value), for each error response of the document."""

    def named(summary: str, value: dict[str, Any]) -> dict[str, Any]:
        return {"summary": summary, "value": value}

    not_json = Request({"body": "x", "headers": {"Content-Type": "text/plain"}}, None)
    return {
        "400": {
            "parameter_invalid": named(
                "A field of the wrong JSON type",
                _raised(lambda: parse_fields({"annual_revenue": "12"})),
            ),
            "parameter_unknown": named(
                "A field the Lead does not have", _raised(lambda: parse_fields({"nickname": "x"}))
            ),
        },
        "401": {
            "api_key_invalid": named(
                "API Gateway: a missing, malformed, unknown or revoked key",
                _gateway("UNAUTHORIZED", "Unauthorized"),
            ),
            "api_key_missing": named(
                "A function's own check, when invoked without the authorizer",
                _raised(lambda: authenticate(None)),
            ),
        },
        "403": {
            "access_denied": named(
                "API Gateway: a restricted (read-only) key sent a write",
                _gateway("ACCESS_DENIED", "Forbidden"),
            ),
            "api_key_not_provisioned": named(
                "API Gateway: the key's tenant has no usage plan yet",
                _gateway("INVALID_API_KEY", "Forbidden"),
            ),
        },
        "404": {
            "resource_missing": named("No such lead", _domain_error(lead_not_found())),
            "route_not_found": named(
                "No such route",
                _gateway("MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token"),
            ),
        },
        "409": {"conflict": named("Retry", _domain_error(lead_busy()))},
        "412": {"precondition_failed": named("A stale If-Match", _domain_error(lead_changed()))},
        "413": {"body_too_large": named("Over 10 MB", _gateway("REQUEST_TOO_LARGE", "Too large"))},
        "414": {"uri_too_long": named("Over 10 KB", _front_door(URI_TOO_LONG))},
        "415": {"content_type_invalid": named("Not JSON", _raised(not_json.json_body))},
        "429": {"rate_limited": named("Throttled", _gateway("THROTTLED", "Too Many Requests"))},
        "431": {"headers_too_large": named("Over 10 KB", _front_door(HEADERS_TOO_LARGE))},
        "500": {
            "internal_error": named(
                "A fault",
                error_body(
                    "api_error", "internal_error", INTERNAL_ERROR_MESSAGE, None, EXAMPLE_REQUEST_ID
                ),
            )
        },
        "502": {
            "integration_failure": named(
                "The function failed", _gateway("INTEGRATION_FAILURE", "Internal server error")
            )
        },
        "503": {"service_unavailable": named("Retry later", _domain_error(ServiceUnavailable()))},
        "504": {
            "integration_timeout": named(
                "The function timed out", _gateway("INTEGRATION_TIMEOUT", "Endpoint timeout")
            )
        },
    }


def _batch_results() -> tuple[dict[str, Any], dict[str, Any]]:
    """The answers a batch makes: to BATCH_BODY, and to BATCH_BODY with BATCH_REFUSED_LEAD
    after it (refused by the validation a batch applies to each lead)."""
    from leads_domain.batch_models import parse_lead
    from leads_domain.logic.rules import new_lead, present

    created = present(new_lead(EXAMPLE_LEAD_ID, parse_fields(REFERENCE_BODY), EXAMPLE_TIMESTAMP))
    refused = _raised(lambda: parse_lead(1, BATCH_REFUSED_LEAD))
    return (
        {"data": [created], "created": 1, "failed": 0},
        {"data": [created, refused], "created": 1, "failed": 1},
    )


BATCH_RESULT, BATCH_RESULT_WITH_A_REFUSAL = _batch_results()

"""The reusable parts of the OpenAPI document: servers, security, parameters, headers, links
and the error responses, each bounded as the API bounds it."""

from typing import Any

from leads_cli.openapi_examples import EXAMPLE_ETAG, EXAMPLE_LEAD_ID, error_examples
from leads_domain.http.parameters import (
    ETAG_PATTERN,
    IDEMPOTENCY_KEY_LENGTH,
    IDEMPOTENCY_KEY_PATTERN,
    IF_MATCH_LENGTH,
    MAX_DIGITS,
)
from leads_domain.ids import LEAD_ID_MAX_LENGTH, LEAD_ID_PATTERN
from leads_domain.paging import DEFAULT_LIMIT, MAX_LIMIT

ERROR_STATUSES = {
    "400": "Invalid request: bad JSON, a wrong type, an unknown or read-only field, a bad query "
    "parameter or header; a webhook URL the SSRF guard refuses (url_invalid), or a 17th "
    "webhook endpoint (limit_reached).",
    "401": "Missing, malformed, unknown, expired or revoked API key: API Gateway answers each "
    "of these "
    "api_key_invalid (a TOKEN authorizer's gateway response cannot tell a missing header "
    "apart). api_key_missing comes only from a function's own check, when it is invoked "
    "without the authorizer (API Gateway's console test).",
    "403": "permission_error: the API key may not perform this request (access_denied: a "
    "restricted key, rk_..., is read-only and may only send GET requests), or API Gateway has "
    "no usage plan for it yet (api_key_not_provisioned).",
    "404": "No such lead, event or webhook endpoint for this API key's tenant, or no such route.",
    "409": "A concurrent request won (retry), or a request with this Idempotency-Key is still "
    "in progress.",
    "412": "The lead has changed since the version named in If-Match.",
    "413": "The request body is too large (over 10 MB).",
    "414": "The request URI is too long (the request line and headers over 10 KB).",
    "415": "A body was sent without Content-Type: application/json.",
    "429": "Too many requests: the API key's tenant (its account in this mode) is over its rate "
    "limit, or the whole API is; retry after Retry-After seconds.",
    "431": "The request headers are too large (the request line and headers over 10 KB).",
    "500": "An unexpected error; nothing internal is shown. Quote the request_id.",
    "502": "The function failed to answer.",
    "503": "DynamoDB was unavailable after retries, the key could not be checked, or a webhook "
    "URL's host could not be resolved just now; retry after Retry-After seconds.",
    "504": "The function took too long to answer.",
}
# Statuses whose answer says how long to wait before a retry.
_RETRY_AFTER = ("429", "503")
_LEAD_ID_SCHEMA = {
    "type": "string",
    "pattern": f"^{LEAD_ID_PATTERN}$",
    "maxLength": LEAD_ID_MAX_LENGTH,
}


def servers() -> list[dict[str, Any]]:
    return [
        {
            "url": "https://{apiId}.execute-api.{region}.amazonaws.com/{stage}",
            "description": "Production or staging: a deployed stack (its ApiBaseUrl output).",
            "x-internal": False,
            "variables": {
                "apiId": {
                    "default": "abcdef1234",
                    "description": "The REST API's id: the first label of ApiBaseUrl.",
                },
                "region": {"default": "us-east-1", "description": "The stack's AWS region."},
                "stage": {
                    "default": "dev",
                    "description": "The stack's Stage parameter (dev, prod, ...).",
                },
            },
        },
        {
            "url": "http://127.0.0.1:3000",
            "description": "Local: `make run` on this machine (plain HTTP, loopback only).",
            "x-internal": True,
        },
    ]


def list_parameters() -> list[dict[str, Any]]:
    cursors = [
        {
            "name": name,
            "in": "query",
            "description": f"A lead id of the caller's: the page {where} it.",
            "schema": _LEAD_ID_SCHEMA,
        }
        for name, where in (
            ("starting_after", "starts just after (older than)"),
            ("ending_before", "ends just before (newer than)"),
        )
    ]
    return [
        {
            "name": "limit",
            "in": "query",
            "description": "Maximum number of leads to return.",
            "schema": {
                "type": "integer",
                "format": "int32",
                "minimum": 1,
                "maximum": MAX_LIMIT,
                "default": DEFAULT_LIMIT,
            },
        },
        {
            "name": "offset",
            "in": "query",
            # No default in the document: a generated client would send it on every call,
            # and offset cannot be combined with a cursor.
            "description": "Number of leads to skip (0 when not sent). Leave it out when "
            "paging with starting_after or ending_before.",
            "schema": {
                "type": "integer",
                "format": "int32",
                "minimum": 0,
                "maximum": 10**MAX_DIGITS - 1,
            },
        },
        *cursors,
    ]


def lead_links() -> dict[str, Any]:
    """From an answer that carries a lead: the operations on it, the changes only while it is
    still at the version the ETag names."""
    by_id = {"id": "$response.body#/id"}
    unchanged = {**by_id, "If-Match": "$response.header.ETag"}
    return {
        "GetLead": {"operationId": "getLead", "parameters": by_id},
        "UpdateLead": {
            "operationId": "updateLead",
            "parameters": unchanged,
            "description": "Change this version of the lead (412 if it changed since).",
        },
        "DeleteLead": {
            "operationId": "deleteLead",
            "parameters": unchanged,
            "description": "Delete this version of the lead (412 if it changed since).",
        },
    }


def _parameters() -> dict[str, Any]:
    return {
        "LeadId": {
            "name": "id",
            "in": "path",
            "required": True,
            "description": "The identifier of the lead, as its create answered it.",
            "schema": _LEAD_ID_SCHEMA,
            "example": EXAMPLE_LEAD_ID,
        },
        "IfMatch": {
            "name": "If-Match",
            "in": "header",
            "required": False,
            "description": "The ETag of the version this change is based on (up to 10 tags, "
            "comma-separated); 412 if the lead is at none of them.",
            "schema": {"type": "string", "maxLength": IF_MATCH_LENGTH},
        },
        "IdempotencyKey": {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "description": "A unique key per create (e.g. a UUID). A retry with the same key "
            "and body answers the first answer for 24 hours.",
            "schema": {
                "type": "string",
                "minLength": 1,
                "maxLength": IDEMPOTENCY_KEY_LENGTH,
                "pattern": IDEMPOTENCY_KEY_PATTERN,
            },
        },
    }


def _headers() -> dict[str, Any]:
    return {
        "ETag": {
            "description": "The version of the lead; send it as If-Match to change only this "
            "version.",
            "schema": {"type": "string", "pattern": ETAG_PATTERN, "maxLength": 15},
            "example": EXAMPLE_ETAG,
        },
        "IdempotentReplayed": {
            "description": "true when the answer is the one remembered for an earlier request "
            "with this Idempotency-Key: nothing was created now.",
            "schema": {"type": "string", "enum": ["true"]},
            "example": "true",
        },
        "RetryAfter": {
            "description": "Seconds to wait before retrying.",
            "required": True,
            "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 3600},
            "example": 1,
        },
    }


def _error_responses() -> dict[str, Any]:
    examples = error_examples()
    responses = {}
    for status, description in ERROR_STATUSES.items():
        response: dict[str, Any] = {
            "description": description,
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/ErrorResponse"},
                    "examples": examples[status],
                }
            },
        }
        if status in _RETRY_AFTER:
            response["headers"] = {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}}
        responses[f"Error{status}"] = response
    return responses


def components() -> dict[str, Any]:
    """Every component but the schemas (openapi.py makes those from the models)."""
    return {
        "securitySchemes": {
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "An API key: sk_test_... or sk_live_... (secret), or rk_test_... "
                "or rk_live_... (restricted: read-only), sent as 'Authorization: Bearer <key>' "
                "(the scheme in any case, RFC 9110).",
            }
        },
        "parameters": _parameters(),
        "headers": _headers(),
        "responses": _error_responses(),
    }

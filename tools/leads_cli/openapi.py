"""The OpenAPI 3.1 document of the API, generated from the pydantic models the functions use.

`leads openapi` prints it; openapi.json at the project root is the checked-in copy, and a test
fails when the two differ. Routes come from template.yaml, so a route added there without a
description here fails too.
"""

import json
from typing import Any

from pydantic.json_schema import models_json_schema

from leads_cli import openapi_events
from leads_cli import template as template_module
from leads_domain.fields import TEXT_LENGTH
from leads_domain.http.parameters import IDEMPOTENCY_KEY_LENGTH
from leads_domain.models import LeadFields
from leads_domain.paging import DEFAULT_LIMIT, MAX_LIMIT
from leads_domain.response_models import DeletedLead, ErrorResponse, Lead, LeadList

OPENAPI_PATH = template_module.PROJECT_ROOT / "openapi.json"
COLLECTION = "/api/crm/lead"
ITEM = "/api/crm/lead/{id}"

_ERRORS = {
    "400": "Invalid request: bad JSON, a wrong type, an unknown or read-only field, a bad query "
    "parameter or header.",
    "401": "Missing, malformed, unknown or revoked API key.",
    "403": "The API key may not perform this request.",
    "404": "No such lead for this API key's tenant, or no such route.",
    "409": "A concurrent request won (retry), or a request with this Idempotency-Key is still "
    "in progress.",
    "412": "The lead has changed since the version named in If-Match.",
    "413": "The request is too large.",
    "415": "A body was sent without Content-Type: application/json.",
    "429": "Too many requests: API Gateway throttled this one.",
    "500": "An unexpected error; nothing internal is shown. Quote the request_id.",
    "502": "The function failed to answer.",
    "503": "DynamoDB was unavailable after retries; retry after Retry-After seconds.",
    "504": "The function took too long to answer.",
}
# Every operation can meet these: the gateway and the platform answer them for any route.
_ALWAYS = ("400", "401", "403", "404", "413", "429", "500", "502", "503", "504")


def _error(status: str) -> dict[str, Any]:
    return {"$ref": f"#/components/responses/Error{status}"}


def _responses(success: str, schema: str, *extra: str, etag: bool = False) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": {"200": "OK", "201": "Created"}[success],
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }
    if etag:
        answer["headers"] = {"ETag": {"$ref": "#/components/headers/ETag"}}
    responses = {success: answer}
    for status in sorted({*_ALWAYS, *extra}):
        responses[status] = _error(status)
    return responses


def _lead_links() -> dict[str, Any]:
    by_id = {"id": "$response.body#/id"}
    return {
        "GetLead": {"operationId": "getLead", "parameters": by_id},
        "UpdateLead": {"operationId": "updateLead", "parameters": by_id},
        "DeleteLead": {"operationId": "deleteLead", "parameters": by_id},
    }


def _body(description: str) -> dict[str, Any]:
    return {
        "required": False,
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LeadFields"}}},
    }


def _operations() -> dict[str, dict[str, Any]]:
    if_match = {"$ref": "#/components/parameters/IfMatch"}
    lead_id = {"$ref": "#/components/parameters/LeadId"}
    return {
        f"POST {COLLECTION}": {
            "operationId": "createLead",
            "summary": "Create a lead",
            "description": "Creates a new lead. No field is required; a missing body is {}. "
            "lead_name, when not sent, is derived from the person's name, else company_name, "
            "else email_id. With an Idempotency-Key, a retry answers the first answer.",
            "parameters": [{"$ref": "#/components/parameters/IdempotencyKey"}],
            "requestBody": _body("The lead's fields."),
            "responses": {
                **_responses("201", "Lead", "409", "415", etag=True),
            },
        },
        f"GET {COLLECTION}": {
            "operationId": "listLeads",
            "summary": "List all leads",
            "description": "The caller's leads, newest first. Page with offset, or with "
            "starting_after / ending_before (a lead id; O(limit) at any depth). At most one "
            "of offset, starting_after and ending_before.",
            "parameters": [
                {
                    "name": "limit",
                    "in": "query",
                    "description": "Maximum number of leads to return.",
                    "schema": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": MAX_LIMIT,
                        "default": DEFAULT_LIMIT,
                    },
                },
                {
                    "name": "offset",
                    "in": "query",
                    "description": "Number of leads to skip.",
                    "schema": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": 999_999_999,
                        "default": 0,
                    },
                },
                *(
                    {
                        "name": name,
                        "in": "query",
                        "description": f"A lead id of the caller's: the page {where} it.",
                        "schema": {"type": "string", "maxLength": TEXT_LENGTH},
                    }
                    for name, where in (
                        ("starting_after", "starts just after (older than)"),
                        ("ending_before", "ends just before (newer than)"),
                    )
                ),
            ],
            "responses": _responses("200", "LeadList"),
        },
        f"GET {ITEM}": {
            "operationId": "getLead",
            "summary": "Retrieve a lead",
            "parameters": [lead_id],
            "responses": _responses("200", "Lead", etag=True),
        },
        f"PATCH {ITEM}": {
            "operationId": "updateLead",
            "summary": "Update a lead",
            "description": "Sets only the fields sent; null clears a field, or restores its "
            "default. With If-Match, only if the lead is still at that version.",
            "parameters": [lead_id, if_match],
            "requestBody": _body("The fields to change."),
            "responses": _responses("200", "Lead", "409", "412", "415", etag=True),
        },
        f"DELETE {ITEM}": {
            "operationId": "deleteLead",
            "summary": "Delete a lead",
            "description": "Permanently deletes a lead. With If-Match, only if the lead is "
            "still at that version.",
            "parameters": [lead_id, if_match],
            "responses": _responses("200", "DeletedLead", "409", "412"),
        },
    }


def document() -> dict[str, Any]:
    _, schemas = models_json_schema(
        [
            (LeadFields, "validation"),
            (Lead, "serialization"),
            (LeadList, "serialization"),
            (DeletedLead, "serialization"),
            (ErrorResponse, "serialization"),
            *openapi_events.MODELS,
        ],
        ref_template="#/components/schemas/{model}",
    )
    operations = {**_operations(), **openapi_events.operations(_responses)}
    routes = {
        f"{route.method} {route.path}"
        for route in template_module.load().routes
        if route.method != "OPTIONS"
    }
    if routes != set(operations):
        difference = sorted(routes ^ set(operations))
        raise SystemExit(f"template.yaml routes and the OpenAPI operations differ: {difference}")
    paths: dict[str, dict[str, Any]] = {}
    for key, operation in operations.items():
        method, path = key.split(" ", 1)
        paths.setdefault(path, {})[method.lower()] = operation
    # Create -> get / update / delete: the chain stateful API testers follow.
    paths[COLLECTION]["post"]["responses"]["201"]["links"] = _lead_links()
    endpoints = paths[openapi_events.ENDPOINTS]["post"]["responses"]["201"]
    endpoints["links"] = openapi_events.links()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Leads API",
            "version": "1.0.0",
            "description": "Create, read, list, update and delete CRM leads. Authenticate with "
            "'Authorization: Bearer sk_test_...' (or sk_live_...); test and live data are "
            "separate. Every error has the shape of the Error schema.",
        },
        "servers": [{"url": "http://127.0.0.1:3000", "description": "make run"}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API key: sk_test_... or sk_live_...",
                }
            },
            "schemas": schemas["$defs"],
            "parameters": {
                "LeadId": {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "description": "The lead's id, e.g. lead_abc123.",
                    "schema": {"type": "string"},
                },
                "IfMatch": {
                    "name": "If-Match",
                    "in": "header",
                    "required": False,
                    "description": "The ETag of the version this change is based on; 412 if "
                    "the lead has changed since.",
                    "schema": {"type": "string"},
                },
                "IdempotencyKey": {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "description": "A unique key per create (e.g. a UUID). A retry with the "
                    "same key and body answers the first answer for 24 hours.",
                    "schema": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": IDEMPOTENCY_KEY_LENGTH,
                    },
                },
            },
            "headers": {
                "ETag": {
                    "description": "The version of the lead; send it as If-Match.",
                    "schema": {"type": "string"},
                }
            },
            "responses": {
                f"Error{status}": {
                    "description": description,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/ErrorResponse"}
                        }
                    },
                }
                for status, description in _ERRORS.items()
            },
        },
    }


def render() -> str:
    return json.dumps(document(), indent=2, ensure_ascii=False) + "\n"

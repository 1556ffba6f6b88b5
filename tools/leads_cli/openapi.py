"""The OpenAPI 3.1 document of the API, generated from the pydantic models the functions use.

`leads openapi` prints it; openapi.json at the project root is the checked-in copy, and a test
fails when the two differ. Routes come from template.yaml, so a route added there without a
description here fails too. Reusable parts (parameters, headers, responses, servers) are in
``openapi_components``; examples in ``openapi_examples``.
"""

import copy
import json
from typing import Any

from pydantic.json_schema import models_json_schema

from leads_cli import openapi_events
from leads_cli import template as template_module
from leads_cli.openapi_components import components, lead_links, list_parameters, servers
from leads_cli.openapi_examples import (
    BATCH_BODY,
    BATCH_REFUSED_LEAD,
    BATCH_RESULT,
    BATCH_RESULT_WITH_A_REFUSAL,
    REFERENCE_BODY,
    REFERENCE_DELETED,
    REFERENCE_LEAD,
    REFERENCE_LIST,
)
from leads_domain.batch_models import BATCH_LIMIT
from leads_domain.fields import DEFAULTS
from leads_domain.models import LeadFields
from leads_domain.response_models import (
    DeletedLead,
    ErrorResponse,
    Lead,
    LeadBatch,
    LeadBatchResult,
    LeadList,
)

OPENAPI_PATH = template_module.PROJECT_ROOT / "openapi.json"
COLLECTION = "/api/crm/lead"
ITEM = "/api/crm/lead/{id}"
BATCH = "/api/crm/lead/batch"
TAG = "Leads"

# Every operation can meet these: the gateway and the platform answer them for any route.
_ALWAYS = ("400", "401", "403", "404", "413", "414", "429", "431", "500", "502", "503", "504")


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _json(schema: str, example: dict[str, Any], summary: str) -> dict[str, Any]:
    return {
        "application/json": {
            "schema": _ref("schemas", schema),
            "examples": {"reference": {"summary": summary, "value": example}},
        }
    }


def _responses(
    success: str, schema: str, example: dict[str, Any], *extra: str, etag: bool = False
) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": {"200": "OK", "201": "Created"}[success],
        "content": _json(schema, example, "The API reference's example"),
    }
    if etag:
        answer["headers"] = {"ETag": _ref("headers", "ETag")}
        answer["links"] = lead_links()
    responses = {success: answer}
    for status in sorted({*_ALWAYS, *extra}):
        responses[status] = _ref("responses", f"Error{status}")
    return responses


def _body(schema: str, description: str) -> dict[str, Any]:
    return {
        "required": False,
        "description": description,
        "content": _json(schema, REFERENCE_BODY, "The API reference's example body"),
    }


def _batch_operation() -> dict[str, Any]:
    responses = _responses("200", "LeadBatchResult", BATCH_RESULT, "409", "415")
    responses["200"]["content"]["application/json"]["examples"]["one_refused"] = {
        "summary": f"With a second lead, {json.dumps(BATCH_REFUSED_LEAD)}: refused in its own "
        "entry, the first created",
        "value": BATCH_RESULT_WITH_A_REFUSAL,
    }
    responses["200"]["headers"] = {"Idempotent-Replayed": _ref("headers", "IdempotentReplayed")}
    return {
        "operationId": "createLeadsBatch",
        "summary": "Create leads in a batch",
        "description": f"Creates 1 to {BATCH_LIMIT} leads, each validated as a single create "
        "validates it: data has one entry per lead sent, in order, the Lead created or an error "
        "whose param names the lead and field (leads[3].annual_revenue); the valid leads are "
        f"created even when others are not. A body that is not an object holding 1 to "
        f"{BATCH_LIMIT} lead objects is a 400 for the whole request. With an Idempotency-Key, a "
        "retry answers the first answer (with Idempotent-Replayed: true) and creates nothing, "
        "even after a 503 part-way: the retry creates only what the first attempt did not. "
        "Without one, a failure part-way answers which leads were created and gives each of "
        "the others a retryable service_unavailable error.",
        "parameters": [_ref("parameters", "IdempotencyKey")],
        "requestBody": {
            "required": True,
            "description": "The leads to create.",
            "content": _json("LeadBatch", BATCH_BODY, "The API reference's example body, batched"),
        },
        "responses": responses,
    }


def _operations() -> dict[str, dict[str, Any]]:
    if_match = _ref("parameters", "IfMatch")
    lead_id = _ref("parameters", "LeadId")
    return {
        f"POST {COLLECTION}": {
            "operationId": "createLead",
            "summary": "Create a lead",
            "description": "Creates a new lead object. No field is required; a missing body is "
            "{}. Fields not sent take their defaults. lead_name, when not sent, is derived from "
            "the person's name (salutation, first, middle, last), else company_name, else "
            "email_id. With an Idempotency-Key, a retry answers the first answer.",
            "parameters": [_ref("parameters", "IdempotencyKey")],
            "requestBody": _body("LeadFields", "The lead's fields."),
            "responses": _responses("201", "Lead", REFERENCE_LEAD, "409", "415", etag=True),
        },
        f"GET {COLLECTION}": {
            "operationId": "listLeads",
            "summary": "List all leads",
            "description": "Returns a list of leads, sorted by creation date, the most "
            "recently created first. Page with offset, or with starting_after / ending_before "
            "(a lead id; O(limit) at any depth). At most one of offset, starting_after and "
            "ending_before.",
            "parameters": list_parameters(),
            "responses": _responses("200", "LeadList", REFERENCE_LIST),
        },
        f"GET {ITEM}": {
            "operationId": "getLead",
            "summary": "Retrieve a lead",
            "description": "Retrieves the details of an existing lead. Supply the unique lead "
            "ID that was returned from a previous request. The ETag is the lead's version, for "
            "If-Match.",
            "parameters": [lead_id],
            "responses": _responses("200", "Lead", REFERENCE_LEAD, etag=True),
        },
        f"PATCH {ITEM}": {
            "operationId": "updateLead",
            "summary": "Update a lead",
            "description": "Updates the specified lead by setting the values of the fields "
            "sent; fields not sent are left unchanged, and null clears a field or restores its "
            "default. A lead_name derived from the name fields is derived again when they "
            "change; one the client chose stays until changed or cleared. With If-Match, only "
            "if the lead is still at that version.",
            "parameters": [lead_id, if_match],
            "requestBody": _body("LeadUpdate", "The fields to change."),
            "responses": _responses("200", "Lead", REFERENCE_LEAD, "409", "412", "415", etag=True),
        },
        f"DELETE {ITEM}": {
            "operationId": "deleteLead",
            "summary": "Delete a lead",
            "description": "Permanently deletes a lead. This cannot be undone. With If-Match, "
            "only if the lead is still at that version.",
            "parameters": [lead_id, if_match],
            "responses": _responses("200", "DeletedLead", REFERENCE_DELETED, "409", "412"),
        },
        f"POST {BATCH}": _batch_operation(),
    }


def _schemas() -> dict[str, Any]:
    """The models' JSON schemas, with the defaults and examples the reference states."""
    _, generated = models_json_schema(
        [
            (LeadFields, "validation"),
            (LeadBatch, "validation"),
            (Lead, "serialization"),
            (LeadBatchResult, "serialization"),
            (LeadList, "serialization"),
            (DeletedLead, "serialization"),
            (ErrorResponse, "serialization"),
            *openapi_events.MODELS,
        ],
        ref_template="#/components/schemas/{model}",
    )
    schemas: dict[str, Any] = generated["$defs"]
    # An update sends only what changes: no defaults, which a generated client would send.
    update = copy.deepcopy(schemas["LeadFields"])
    for spec in update["properties"].values():
        spec.pop("default", None)
    for name, default in DEFAULTS.items():
        restores = f"null restores the default, {json.dumps(default)}."
        update["properties"][name]["description"] = restores
        for schema in (schemas["LeadFields"], schemas["Lead"]):
            schema["properties"][name]["default"] = default
    schemas["LeadFields"]["description"] = (
        "A new lead's fields. None is required; one not sent (or sent as null) takes its "
        "default, or stays null."
    )
    update["title"] = "LeadUpdate"
    update["description"] = (
        "The fields to change: only those sent change; null clears a field or restores its default."
    )
    schemas["LeadUpdate"] = update
    schemas["Lead"]["description"] = "A lead: every field, unset ones as null."
    examples = {
        "Lead": REFERENCE_LEAD,
        "LeadFields": REFERENCE_BODY,
        "LeadUpdate": REFERENCE_BODY,
        "LeadList": REFERENCE_LIST,
        "DeletedLead": REFERENCE_DELETED,
        "LeadBatch": BATCH_BODY,
        "LeadBatchResult": BATCH_RESULT,
    }
    for name, example in {**examples, **openapi_events.EXAMPLES}.items():
        schemas[name]["examples"] = [example]
    error = components()["responses"]["Error404"]["content"]["application/json"]["examples"]
    schemas["ErrorResponse"]["examples"] = [error["resource_missing"]["value"]]
    schemas["ErrorDetail"]["examples"] = [error["resource_missing"]["value"]["error"]]
    return dict(sorted(schemas.items()))


def document() -> dict[str, Any]:
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
        paths.setdefault(path, {})[method.lower()] = {"tags": [TAG], **operation}
    # Create an endpoint -> retrieve / update / delete it.
    created = paths[openapi_events.ENDPOINTS]["post"]["responses"]["201"]
    created["links"] = openapi_events.links()
    parts = components()
    parts["schemas"] = _schemas()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Leads API",
            "version": "1.0.0",
            "description": "Create, read, list, update and delete CRM leads, and follow every "
            "change to them as events (a feed, and signed webhooks). Authenticate with "
            "'Authorization: Bearer sk_test_...' (or sk_live_...; the scheme in any case; a "
            "restricted rk_ key may only read); test and live data are separate. Each tenant "
            "has its own rate limit (429 with Retry-After beyond it). Every error has the shape "
            "of the ErrorResponse schema.",
        },
        "servers": servers(),
        "security": [{"bearerAuth": []}],
        "tags": [
            {"name": TAG, "description": "CRM leads, each under its API key's tenant."},
            *openapi_events.TAGS,
        ],
        "paths": paths,
        "components": parts,
    }


def render() -> str:
    return json.dumps(document(), indent=2, ensure_ascii=False) + "\n"

"""The events and webhook endpoint routes of the OpenAPI document: their operations, the models
their answers and bodies are made of, their examples, and the links between them (openapi.py
merges these into the document)."""

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from leads_cli.openapi_examples import EXAMPLE_REQUEST_ID, EXAMPLE_TIMESTAMP, REFERENCE_LEAD
from leads_domain.event_response_models import (
    CreatedWebhookEndpoint,
    DeletedWebhookEndpoint,
    Event,
    EventList,
    WebhookEndpoint,
    WebhookEndpointList,
)
from leads_domain.event_types import EVENT_TYPES
from leads_domain.ids import EVENT_ID, LEAD_ID_MAX_LENGTH, LEAD_ID_PATTERN, WEBHOOK_ENDPOINT_ID
from leads_domain.paging import DEFAULT_LIMIT, MAX_LIMIT
from leads_domain.webhook_models import WebhookEndpointCreate, WebhookEndpointUpdate

EVENTS = "/api/crm/event"
EVENT = "/api/crm/event/{id}"
ENDPOINTS = "/api/crm/webhook_endpoint"
ENDPOINT = "/api/crm/webhook_endpoint/{id}"
EVENTS_TAG = "Events"
ENDPOINTS_TAG = "Webhook endpoints"
TAGS = [
    {"name": EVENTS_TAG, "description": "Every committed change to a lead, kept 30 days."},
    {"name": ENDPOINTS_TAG, "description": "Where events are POSTed, signed."},
]

MODELS: list[tuple[type[BaseModel], str]] = [
    (Event, "serialization"),
    (EventList, "serialization"),
    (WebhookEndpoint, "serialization"),
    (CreatedWebhookEndpoint, "serialization"),
    (WebhookEndpointList, "serialization"),
    (DeletedWebhookEndpoint, "serialization"),
    (WebhookEndpointCreate, "validation"),
    (WebhookEndpointUpdate, "validation"),
]

# --- examples ----------------------------------------------------------------------------

EXAMPLE_EVENT_ID = "evt_3TbQp0vX2mLkq8W1nRzY7cJd"
EXAMPLE_ENDPOINT_ID = "we_9XwYp1aQ7rTz3LmK5nB2cD8e"
_LATER = "2024-01-15T09:31:00.000000Z"
PREVIOUS = {"city": "city_example", "updated_at": EXAMPLE_TIMESTAMP}
EVENT_DATA = {
    "object": {**REFERENCE_LEAD, "city": "Oslo", "updated_at": _LATER},
    "previous_attributes": PREVIOUS,
}
REQUEST = {"id": EXAMPLE_REQUEST_ID, "idempotency_key": None}
EXAMPLE_EVENT = {
    "id": EXAMPLE_EVENT_ID,
    "type": "lead.updated",
    "created_at": _LATER,
    "data": EVENT_DATA,
    "request": REQUEST,
}
EXAMPLE_ENDPOINT = {
    "id": EXAMPLE_ENDPOINT_ID,
    "url": "https://hooks.example.com/leads",
    "enabled_events": ["lead.created", "lead.deleted"],
    "description": "CRM sync",
    "status": "enabled",
    "created_at": EXAMPLE_TIMESTAMP,
    "updated_at": EXAMPLE_TIMESTAMP,
}
CREATE_BODY = {
    "url": "https://hooks.example.com/leads",
    "enabled_events": ["lead.created", "lead.deleted"],
    "description": "CRM sync",
}
UPDATE_BODY = {"status": "disabled"}
EXAMPLES: dict[str, Any] = {
    "Event": EXAMPLE_EVENT,
    "EventData": EVENT_DATA,
    "EventRequest": REQUEST,
    "LeadAttributes": PREVIOUS,
    "EventList": {"data": [EXAMPLE_EVENT], "has_more": False},
    "WebhookEndpoint": EXAMPLE_ENDPOINT,
    "CreatedWebhookEndpoint": {
        **EXAMPLE_ENDPOINT,
        "secret": "whsec_5Vq8Zr2LkT0mNbX7cW4dJ9sF1gH6pA3e",
    },
    "WebhookEndpointList": {"data": [EXAMPLE_ENDPOINT], "has_more": False},
    "DeletedWebhookEndpoint": {"id": EXAMPLE_ENDPOINT_ID, "deleted": True},
    "WebhookEndpointCreate": CREATE_BODY,
    "WebhookEndpointUpdate": UPDATE_BODY,
}

# --- operations --------------------------------------------------------------------------

# One event type, as a pattern.
TYPE = "lead\\.(created|updated|deleted)"

Responses = Callable[..., dict[str, Any]]


def _id(what: str, pattern: str, example: str) -> dict[str, Any]:
    return {
        "name": "id",
        "in": "path",
        "required": True,
        "description": f"The {what}'s id.",
        "schema": {"type": "string", "pattern": f"^{pattern}$", "maxLength": 70},
        "example": example,
    }


def _paging(what: str, pattern: str) -> list[dict[str, Any]]:
    return [
        {
            "name": "limit",
            "in": "query",
            "description": f"Maximum number of {what}s to return.",
            "schema": {
                "type": "integer",
                "format": "int32",
                "minimum": 1,
                "maximum": MAX_LIMIT,
                "default": DEFAULT_LIMIT,
            },
        },
        *(
            {
                "name": name,
                "in": "query",
                "description": f"A {what} id of this list: the page {where} it.",
                "schema": {"type": "string", "pattern": f"^{pattern}$", "maxLength": 70},
            }
            for name, where in (
                ("starting_after", "starts just after (older than)"),
                ("ending_before", "ends just before (newer than)"),
            )
        ),
    ]


def _body(schema: str, description: str, example: dict[str, Any]) -> dict[str, Any]:
    return {
        "required": True,
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": f"#/components/schemas/{schema}"},
                "examples": {"example": {"summary": description, "value": example}},
            }
        },
    }


def operations(responses: Responses) -> dict[str, dict[str, Any]]:
    """``responses(success, schema, example, *extra)``: openapi.py's responses of an operation."""
    endpoint_id = _id("webhook endpoint", WEBHOOK_ENDPOINT_ID.pattern, EXAMPLE_ENDPOINT_ID)
    created = {**EXAMPLE_ENDPOINT, "secret": EXAMPLES["CreatedWebhookEndpoint"]["secret"]}
    events = [EVENTS_TAG]
    endpoints = [ENDPOINTS_TAG]
    return {
        f"GET {EVENTS}": {
            "tags": events,
            "operationId": "listEvents",
            "summary": "List all events",
            "description": "The caller's events, newest first, kept 30 days: one per committed "
            "change to a lead (lead.created, lead.updated, lead.deleted). Page with "
            "starting_after / ending_before (an event id of this list; O(limit) at any depth). "
            "With lead, that lead's whole history in the order its changes were committed.",
            "parameters": [
                *_paging("event", EVENT_ID.pattern),
                {
                    "name": "type",
                    "in": "query",
                    "description": f"Only events of these types: {', '.join(EVENT_TYPES)}. "
                    "Repeat it, or give a comma list (type=lead.created,lead.deleted).",
                    "style": "form",
                    "explode": True,
                    "schema": {
                        "type": "array",
                        "items": {
                            "type": "string",
                            "pattern": f"^{TYPE}(,{TYPE}){{0,{len(EVENT_TYPES) - 1}}}$",
                            "maxLength": 40,
                        },
                        "minItems": 1,
                        "maxItems": len(EVENT_TYPES),
                    },
                },
                {
                    "name": "lead",
                    "in": "query",
                    "description": "Only this lead's events (a deleted lead's too).",
                    "schema": {
                        "type": "string",
                        "pattern": f"^{LEAD_ID_PATTERN}$",
                        "maxLength": LEAD_ID_MAX_LENGTH,
                    },
                },
            ],
            "responses": responses("200", "EventList", EXAMPLES["EventList"]),
        },
        f"GET {EVENT}": {
            "tags": events,
            "operationId": "getEvent",
            "summary": "Retrieve an event",
            "description": "One event of the caller's, by its id (404 after 30 days).",
            "parameters": [_id("event", EVENT_ID.pattern, EXAMPLE_EVENT_ID)],
            "responses": responses("200", "Event", EXAMPLE_EVENT),
        },
        f"POST {ENDPOINTS}": {
            "tags": endpoints,
            "operationId": "createWebhookEndpoint",
            "summary": "Create a webhook endpoint",
            "description": "Events of the enabled types are POSTed to the URL, signed with the "
            "secret answered here (and only here). Live mode: https to a public address (no "
            "loopback, private, link-local or other non-public address; checked again at every "
            "delivery). Test mode also takes http://127.0.0.1 and localhost where the deployment "
            "allows it (the local run does). At most 16 endpoints per account and mode.",
            "requestBody": _body("WebhookEndpointCreate", "The endpoint.", CREATE_BODY),
            "responses": responses("201", "CreatedWebhookEndpoint", created, "415"),
        },
        f"GET {ENDPOINTS}": {
            "tags": endpoints,
            "operationId": "listWebhookEndpoints",
            "summary": "List all webhook endpoints",
            "description": "The caller's webhook endpoints, newest first; never their secrets.",
            "parameters": _paging("webhook endpoint", WEBHOOK_ENDPOINT_ID.pattern),
            "responses": responses("200", "WebhookEndpointList", EXAMPLES["WebhookEndpointList"]),
        },
        f"GET {ENDPOINT}": {
            "tags": endpoints,
            "operationId": "getWebhookEndpoint",
            "summary": "Retrieve a webhook endpoint",
            "description": "One webhook endpoint of the caller's; never its secret.",
            "parameters": [endpoint_id],
            "responses": responses("200", "WebhookEndpoint", EXAMPLE_ENDPOINT),
        },
        f"PATCH {ENDPOINT}": {
            "tags": endpoints,
            "operationId": "updateWebhookEndpoint",
            "summary": "Update a webhook endpoint",
            "description": "Sets only what is sent. status disabled stops deliveries (queued "
            "ones included); enabled starts them again and forgets past failures.",
            "parameters": [endpoint_id],
            "requestBody": _body("WebhookEndpointUpdate", "What to change.", UPDATE_BODY),
            "responses": responses(
                "200", "WebhookEndpoint", {**EXAMPLE_ENDPOINT, "status": "disabled"}, "415"
            ),
        },
        f"DELETE {ENDPOINT}": {
            "tags": endpoints,
            "operationId": "deleteWebhookEndpoint",
            "summary": "Delete a webhook endpoint",
            "description": "Deletes the endpoint: it gets nothing more, queued deliveries "
            "included.",
            "parameters": [endpoint_id],
            "responses": responses(
                "200", "DeletedWebhookEndpoint", EXAMPLES["DeletedWebhookEndpoint"]
            ),
        },
    }


def links() -> dict[str, dict[str, Any]]:
    """Create endpoint -> retrieve / update / delete it: the chain stateful testers follow."""
    by_id = {"id": "$response.body#/id"}
    return {
        "GetWebhookEndpoint": {"operationId": "getWebhookEndpoint", "parameters": by_id},
        "UpdateWebhookEndpoint": {"operationId": "updateWebhookEndpoint", "parameters": by_id},
        "DeleteWebhookEndpoint": {"operationId": "deleteWebhookEndpoint", "parameters": by_id},
    }

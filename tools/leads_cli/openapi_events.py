"""The events and webhook endpoint routes of the OpenAPI document: their operations, the models
their answers and bodies are made of, and the links between them (openapi.py merges these)."""

from typing import Any

from pydantic import BaseModel

from leads_domain.event_response_models import (
    CreatedWebhookEndpoint,
    DeletedWebhookEndpoint,
    Event,
    EventList,
    WebhookEndpoint,
    WebhookEndpointList,
)
from leads_domain.event_types import EVENT_TYPES
from leads_domain.ids import EVENT_ID, LEAD_ID, WEBHOOK_ENDPOINT_ID
from leads_domain.paging import DEFAULT_LIMIT, MAX_LIMIT
from leads_domain.webhook_models import WebhookEndpointCreate, WebhookEndpointUpdate

EVENTS = "/api/crm/event"
EVENT = "/api/crm/event/{id}"
ENDPOINTS = "/api/crm/webhook_endpoint"
ENDPOINT = "/api/crm/webhook_endpoint/{id}"

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


def _id(what: str, pattern: str) -> dict[str, Any]:
    return {
        "name": "id",
        "in": "path",
        "required": True,
        "description": f"The {what}'s id.",
        "schema": {"type": "string", "pattern": f"^{pattern}$"},
    }


def _paging(what: str, pattern: str) -> list[dict[str, Any]]:
    return [
        {
            "name": "limit",
            "in": "query",
            "description": f"Maximum number of {what}s to return.",
            "schema": {
                "type": "integer",
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
                "schema": {"type": "string", "pattern": f"^{pattern}$"},
            }
            for name, where in (
                ("starting_after", "starts just after (older than)"),
                ("ending_before", "ends just before (newer than)"),
            )
        ),
    ]


def _body(schema: str, description: str) -> dict[str, Any]:
    return {
        "required": True,
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def operations(responses: Any) -> dict[str, dict[str, Any]]:
    """``responses(success, schema, *extra)``: openapi.py's responses of an operation."""
    endpoint_id = _id("webhook endpoint", WEBHOOK_ENDPOINT_ID.pattern)
    return {
        f"GET {EVENTS}": {
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
                    "description": "Only events of these types (repeat it, or a comma list).",
                    "style": "form",
                    "explode": True,
                    "schema": {
                        "type": "array",
                        "items": {"type": "string", "enum": list(EVENT_TYPES)},
                        "minItems": 1,
                    },
                },
                {
                    "name": "lead",
                    "in": "query",
                    "description": "Only this lead's events (a deleted lead's too).",
                    "schema": {"type": "string", "pattern": f"^{LEAD_ID.pattern}$"},
                },
            ],
            "responses": responses("200", "EventList"),
        },
        f"GET {EVENT}": {
            "operationId": "getEvent",
            "summary": "Retrieve an event",
            "parameters": [_id("event", EVENT_ID.pattern)],
            "responses": responses("200", "Event"),
        },
        f"POST {ENDPOINTS}": {
            "operationId": "createWebhookEndpoint",
            "summary": "Create a webhook endpoint",
            "description": "Events of the enabled types are POSTed to the URL, signed with the "
            "secret answered here (and only here). Live mode: https to a public address (no "
            "loopback, private, link-local or other non-public address; checked again at every "
            "delivery). Test mode also takes http://127.0.0.1 and localhost where the deployment "
            "allows it (the local run does). At most 16 endpoints per account and mode.",
            "requestBody": _body("WebhookEndpointCreate", "The endpoint."),
            "responses": responses("201", "CreatedWebhookEndpoint", "415"),
        },
        f"GET {ENDPOINTS}": {
            "operationId": "listWebhookEndpoints",
            "summary": "List all webhook endpoints",
            "description": "The caller's webhook endpoints, newest first; never their secrets.",
            "parameters": _paging("webhook endpoint", WEBHOOK_ENDPOINT_ID.pattern),
            "responses": responses("200", "WebhookEndpointList"),
        },
        f"GET {ENDPOINT}": {
            "operationId": "getWebhookEndpoint",
            "summary": "Retrieve a webhook endpoint",
            "parameters": [endpoint_id],
            "responses": responses("200", "WebhookEndpoint"),
        },
        f"PATCH {ENDPOINT}": {
            "operationId": "updateWebhookEndpoint",
            "summary": "Update a webhook endpoint",
            "description": "Sets only what is sent. status disabled stops deliveries (queued "
            "ones included); enabled starts them again and forgets past failures.",
            "parameters": [endpoint_id],
            "requestBody": _body("WebhookEndpointUpdate", "What to change."),
            "responses": responses("200", "WebhookEndpoint", "415"),
        },
        f"DELETE {ENDPOINT}": {
            "operationId": "deleteWebhookEndpoint",
            "summary": "Delete a webhook endpoint",
            "parameters": [endpoint_id],
            "responses": responses("200", "DeletedWebhookEndpoint"),
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

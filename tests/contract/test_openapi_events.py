"""The events and webhook endpoint routes answer what openapi.json says they answer."""

import jsonschema

from leads_cli import openapi
from leads_domain.tenancy import Tenant
from support.pipeline import Pipeline


def schema(name: str) -> dict:
    document = openapi.document()
    return {"$ref": f"#/components/schemas/{name}", "components": document["components"]}


def test_real_answers_match_their_documented_schemas(pipeline: Pipeline, tenant: Tenant):
    created = pipeline.call(
        "CreateWebhookEndpointFunction",
        "POST",
        "/api/crm/webhook_endpoint",
        tenant,
        body={"url": "http://127.0.0.1:9/h", "enabled_events": ["*"], "description": "d"},
    )
    path = f"/api/crm/webhook_endpoint/{created.body['id']}"
    lead = pipeline.call("CreateLeadFunction", "POST", "/api/crm/lead", tenant, body={"city": "A"})
    lead_path = f"/api/crm/lead/{lead.body['id']}"
    pipeline.call(
        "UpdateLeadFunction", "PATCH", lead_path, tenant, body={"city": "B", "disabled": True}
    )
    pipeline.call("DeleteLeadFunction", "DELETE", lead_path, tenant)
    pipeline.publish()
    events = pipeline.call("ListEventsFunction", "GET", "/api/crm/event", tenant)
    answers = [
        (created, 201, "CreatedWebhookEndpoint"),
        (
            pipeline.call(
                "ListWebhookEndpointsFunction", "GET", "/api/crm/webhook_endpoint", tenant
            ),
            200,
            "WebhookEndpointList",
        ),
        (pipeline.call("GetWebhookEndpointFunction", "GET", path, tenant), 200, "WebhookEndpoint"),
        (
            pipeline.call(
                "UpdateWebhookEndpointFunction", "PATCH", path, tenant, body={"status": "disabled"}
            ),
            200,
            "WebhookEndpoint",
        ),
        (events, 200, "EventList"),
        (
            pipeline.call(
                "GetEventFunction", "GET", f"/api/crm/event/{events.body['data'][0]['id']}", tenant
            ),
            200,
            "Event",
        ),
        (
            pipeline.call("DeleteWebhookEndpointFunction", "DELETE", path, tenant),
            200,
            "DeletedWebhookEndpoint",
        ),
        (
            pipeline.call("GetEventFunction", "GET", "/api/crm/event/evt_nope", tenant),
            404,
            "ErrorResponse",
        ),
    ]
    assert [event["type"] for event in events.body["data"]] == [
        "lead.deleted",
        "lead.updated",
        "lead.created",
    ]
    for answer, status, name in answers:
        assert answer.status == status, (name, answer.body)
        jsonschema.validate(answer.body, schema(name))


def test_the_event_schema_refuses_what_an_event_never_is():
    event_schema = schema("Event")
    for bad in (
        {"id": "evt_1", "type": "lead.exploded", "created_at": "x", "data": {}, "request": {}},
        {"id": "evt_1"},
    ):
        try:
            jsonschema.validate(bad, event_schema)
        except jsonschema.ValidationError:
            continue
        raise AssertionError(f"schema accepts {bad}")

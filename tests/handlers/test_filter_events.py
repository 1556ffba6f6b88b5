"""Events carry this issue's writes like any other (issue 9's pipeline: the leads table's real
stream, read by the local run's mapping): an upsert makes lead.created, then lead.updated; a
status change made by PATCH is a lead.updated naming the old status; and the items that file a
lead for the filters (counts per value, time buckets, the backfill's marks) make no event."""

from typing import Any

from leads_cli.backfill import backfill
from leads_domain.tenancy import Tenant
from support.pipeline import Pipeline

LEADS = "/api/crm/lead"
EVENTS = "/api/crm/event"


def _events(pipeline: Pipeline, tenant: Tenant) -> list[dict[str, Any]]:
    """The tenant's events, oldest first."""
    answer = pipeline.call("ListEventsFunction", "GET", EVENTS, tenant, query={"limit": "100"})
    assert answer.status == 200, answer.body
    return list(answer.body["data"])[::-1]


def _upsert(pipeline: Pipeline, tenant: Tenant, body: dict[str, Any], **headers: str) -> Any:
    path = f"{LEADS}/by_email/ada%40example.com"
    all_headers = {"Content-Type": "application/json", **headers}
    return pipeline.call("UpsertLeadFunction", "PUT", path, tenant, body=body, headers=all_headers)


def test_upserts_and_status_changes_make_lead_events(pipeline: Pipeline, tenant: Tenant) -> None:
    # Given an upsert that creates, one that updates, and a PATCH of the status
    created = _upsert(pipeline, tenant, {"city": "Oslo"}, **{"Idempotency-Key": "up-1"})
    assert created.status == 201, created.body
    updated = _upsert(pipeline, tenant, {"city": "Rome"})
    assert updated.status == 200, updated.body
    lead_id = created.body["id"]
    patched = pipeline.call(
        "UpdateLeadFunction", "PATCH", f"{LEADS}/{lead_id}", tenant, body={"status": "Open"}
    )
    assert patched.status == 200, patched.body

    # When the stream is published
    pipeline.publish()

    # Then there is one event per change, in order, and none for the counts the writes moved
    events = _events(pipeline, tenant)
    assert [event["type"] for event in events] == ["lead.created", "lead.updated", "lead.updated"]
    creation, upsert, status = events
    assert creation["data"]["object"]["email_id"] == "ada@example.com"
    assert creation["request"]["idempotency_key"] == "up-1"
    assert upsert["data"]["previous_attributes"]["city"] == "Oslo"
    assert upsert["request"]["id"] and upsert["request"]["idempotency_key"] is None
    assert status["data"]["previous_attributes"]["status"] == "Lead"
    assert status["data"]["object"]["status"] == "Open"
    # No internal attribute of the filing is shown in an event
    for event in events:
        for name in ("filed", "status_key", "owner_key", "email_key", "write_token"):
            assert name not in event["data"]["object"]
            assert name not in event["data"]["previous_attributes"]


def test_filing_items_make_no_event(pipeline: Pipeline, tenant: Tenant) -> None:
    # Given a create that moves a dozen count items, and a lead stored before filters existed
    pipeline.call("CreateLeadFunction", "POST", LEADS, tenant, body={"status": "Open"})
    legacy_id = "lead_legacy0000000000000000"
    dynamodb = pipeline.client()
    table = pipeline.template.functions["ListLeadsFunction"].environment["LEADS_TABLE_NAME"]
    dynamodb.put_item(
        TableName=table,
        Item={
            "tenant": {"S": tenant.partition},
            "sk": {"S": f"LEAD#{legacy_id}"},
            "created_key": {"S": f"2025-01-01T00:00:00.000000Z#{legacy_id}"},
            "created_at": {"S": "2025-01-01T00:00:00.000000Z"},
            "updated_at": {"S": "2025-01-01T00:00:00.000000Z"},
            "status": {"S": "Open"},
            "version": {"N": "1"},
        },
    )
    dynamodb.update_item(
        TableName=table,
        Key={"tenant": {"S": tenant.partition}, "sk": {"S": "COUNTER"}},
        UpdateExpression="ADD lead_count :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )
    pipeline.publish()
    before = _events(pipeline, tenant)
    assert [event["type"] for event in before] == ["lead.created", "lead.created"]

    # When the backfill files the old lead (its marks, and a dozen more count items)
    assert backfill(segments=1).filed >= 1

    # Then the stream's records of the count items are kept from the publisher, the lead's
    # own record (a write of internal attributes only) makes no event
    pipeline.publish()
    assert _events(pipeline, tenant) == before
    records = pipeline.stream_records()
    mine = [r for r in records if tenant.partition in str(r["dynamodb"]["Keys"])]
    assert mine and all(r["dynamodb"]["Keys"]["sk"]["S"].startswith("LEAD#") for r in mine)

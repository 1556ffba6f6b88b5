"""The events publisher, fed by the leads table's real stream (moto's server, read by the local
run's stream mapping from template.yaml): one event per committed change, in Stripe's shape,
with previous_attributes and the request that made it; each lead's events in commit order;
nothing for items that are no lead."""

import uuid

from leads_domain.tenancy import Tenant
from support.concurrency import all_at_once
from support.pipeline import Pipeline
from support.reference import RESPONSE_FIELDS

LEADS = "/api/crm/lead"
EVENTS = "/api/crm/event"


def events_of(pipeline: Pipeline, tenant: Tenant, **query: str) -> list[dict]:
    """Every event the API lists for the tenant, newest first, paging by cursor."""
    found: list[dict] = []
    while True:
        page_query = {"limit": "100", **query}
        if found:
            page_query["starting_after"] = found[-1]["id"]
        answer = pipeline.call("ListEventsFunction", "GET", EVENTS, tenant, query=page_query)
        assert answer.status == 200, answer.body
        found.extend(answer.body["data"])
        if not answer.body["has_more"]:
            return found


def test_every_change_makes_one_event_with_its_previous_attributes_and_request(pipeline, tenant):
    created = pipeline.call(
        "CreateLeadFunction",
        "POST",
        LEADS,
        tenant,
        body={"first_name": "Ada", "city": "Oslo", "phone": "+47 1"},
        headers={"Content-Type": "application/json", "Idempotency-Key": "create-ada-1"},
    )
    assert created.status == 201, created.body
    lead = created.body
    path = f"{LEADS}/{lead['id']}"
    updated = pipeline.call(
        "UpdateLeadFunction", "PATCH", path, tenant, body={"city": "Rome", "phone": None}
    )
    assert updated.status == 200, updated.body
    deleted = pipeline.call("DeleteLeadFunction", "DELETE", path, tenant)
    assert deleted.status == 200, deleted.body

    assert pipeline.publish() == 3
    newest_first = events_of(pipeline, tenant)

    assert [event["type"] for event in newest_first] == [
        "lead.deleted",
        "lead.updated",
        "lead.created",
    ]
    deletion, update, creation = newest_first
    for event in newest_first:
        assert set(event) == {"id", "type", "created_at", "data", "request"}
        assert set(event["data"]) == {"object", "previous_attributes"}
        assert set(event["data"]["object"]) == set(RESPONSE_FIELDS)
        assert event["id"].startswith("evt_")
    assert creation["data"]["object"] == lead
    assert creation["data"]["previous_attributes"] == {}
    assert creation["request"]["idempotency_key"] == "create-ada-1"
    assert creation["request"]["id"] and creation["request"]["id"].startswith("req-")

    assert update["data"]["object"] == updated.body
    assert update["data"]["previous_attributes"] == {
        "city": "Oslo",
        "phone": "+47 1",
        "updated_at": lead["updated_at"],
    }
    assert update["request"]["id"] and update["request"]["id"] != creation["request"]["id"]
    assert update["request"]["idempotency_key"] is None

    # As it was when deleted; the stream does not say who deleted (README, "Events").
    assert deletion["data"]["object"] == updated.body
    assert deletion["data"]["previous_attributes"] == {}
    assert deletion["request"] == {"id": None, "idempotency_key": None}

    # Each event is also retrievable by its id, and the same.
    for event in newest_first:
        got = pipeline.call("GetEventFunction", "GET", f"{EVENTS}/{event['id']}", tenant)
        assert got.status == 200 and got.body == event


def test_a_write_no_client_can_see_makes_no_event(pipeline, tenant):
    lead = pipeline.call("CreateLeadFunction", "POST", LEADS, tenant, body={"city": "Oslo"}).body
    # An empty PATCH changes nothing (no write); the lead's counter item changes with every
    # create, and is no lead.
    assert (
        pipeline.call("UpdateLeadFunction", "PATCH", f"{LEADS}/{lead['id']}", tenant).status == 200
    )

    pipeline.publish()

    assert [event["type"] for event in events_of(pipeline, tenant)] == ["lead.created"]


def test_a_record_published_twice_is_one_event(pipeline, tenant):
    pipeline.call("CreateLeadFunction", "POST", LEADS, tenant, body={"city": "Oslo"})
    pipeline.publish()
    (record,) = [r for r in pipeline.stream_records() if tenant.partition in str(r)]
    publisher = pipeline.functions["EventsPublisherFunction"]

    # Lambda may deliver a batch again (at-least-once): the same record, the same event.
    assert publisher.invoke({"Records": [record]}) == {"batchItemFailures": []}

    assert len(events_of(pipeline, tenant)) == 1


def test_concurrent_updates_make_one_event_each_in_commit_order(pipeline, tenant):
    lead = pipeline.call("CreateLeadFunction", "POST", LEADS, tenant, body={"city": "x0"}).body
    path = f"{LEADS}/{lead['id']}"

    answers = all_at_once(
        12,
        lambda n: pipeline.call(
            "UpdateLeadFunction",
            "PATCH",
            path,
            Tenant(tenant.account, tenant.mode),
            body={"city": f"city {n}"},
        ),
    )
    assert all(answer.status == 200 for answer in answers)
    pipeline.publish()

    history = events_of(pipeline, tenant, lead=lead["id"])[::-1]  # oldest first
    assert [event["type"] for event in history] == ["lead.created"] + ["lead.updated"] * 12
    # Commit order: each update's previous city is the city the one before it set.
    cities = [event["data"]["object"]["city"] for event in history]
    for before, after, event in zip(cities, cities[1:], history[1:], strict=False):
        assert event["data"]["previous_attributes"]["city"] == before
        assert event["data"]["object"]["city"] == after
    assert sorted(cities[1:]) == sorted(f"city {n}" for n in range(12))
    # The tenant's whole list holds the same thirteen events, each once.
    assert sorted(event["id"] for event in events_of(pipeline, tenant)) == sorted(
        event["id"] for event in history
    )


def test_events_of_other_tenants_and_the_other_mode_are_invisible(pipeline, tenant):
    live = Tenant(tenant.account, "live")
    other = Tenant(f"acct_{uuid.uuid4().hex[:12]}", "test")
    mine = pipeline.call("CreateLeadFunction", "POST", LEADS, tenant, body={"city": "A"}).body
    pipeline.call("CreateLeadFunction", "POST", LEADS, live, body={"city": "B"})
    pipeline.call("CreateLeadFunction", "POST", LEADS, other, body={"city": "C"})
    pipeline.publish()

    (event,) = events_of(pipeline, tenant)
    assert event["data"]["object"]["id"] == mine["id"]
    for stranger in (live, other):
        assert [e["id"] for e in events_of(pipeline, stranger)] != [event["id"]]
        got = pipeline.call("GetEventFunction", "GET", f"{EVENTS}/{event['id']}", stranger)
        assert got.status == 404 and got.body["error"]["code"] == "resource_missing"
        listed = pipeline.call(
            "ListEventsFunction", "GET", EVENTS, stranger, query={"starting_after": event["id"]}
        )
        assert listed.status == 400 and listed.body["error"]["param"] == "starting_after"


def test_leads_of_a_batch_make_events_that_name_the_batch_request(pipeline, tenant):
    answer = pipeline.call(
        "CreateLeadsBatchFunction",
        "POST",
        f"{LEADS}/batch",
        tenant,
        body={"leads": [{"city": "A"}, {"city": "B"}]},
        headers={"Content-Type": "application/json", "Idempotency-Key": "import-1"},
    )
    assert answer.status in (200, 201), answer.body

    pipeline.publish()

    events = events_of(pipeline, tenant)
    assert sorted(event["data"]["object"]["city"] for event in events) == ["A", "B"]
    assert {event["request"]["idempotency_key"] for event in events} == {"import-1"}
    assert len({event["request"]["id"] for event in events}) == 1
    assert events[0]["request"]["id"].startswith("req-")

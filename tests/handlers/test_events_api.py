"""The events routes, in-process, over events the real pipeline made: newest first, cursors
both ways, type filters (repeated or comma lists) merged, a lead's history in commit order,
30 days kept, every refusal a 400 naming its parameter."""

import pytest

from leads_domain.data import events_table
from leads_domain.tenancy import Tenant
from support.pipeline import Pipeline

LEADS = "/api/crm/lead"
EVENTS = "/api/crm/event"


def listing(pipeline: Pipeline, tenant: Tenant, **query):
    answer = pipeline.call("ListEventsFunction", "GET", EVENTS, tenant, query=query)
    assert answer.status == 200, answer.body
    return answer.body


def ids(page) -> list[str]:
    return [event["id"] for event in page["data"]]


@pytest.fixture
def history(pipeline, tenant):
    """Two leads: A created, updated twice, deleted; B created and updated. Answers every
    event newest first, and the two lead ids."""
    a = pipeline.call("CreateLeadFunction", "POST", LEADS, tenant, body={"city": "a0"}).body
    b = pipeline.call("CreateLeadFunction", "POST", LEADS, tenant, body={"city": "b0"}).body
    for city in ("a1", "a2"):
        pipeline.call(
            "UpdateLeadFunction", "PATCH", f"{LEADS}/{a['id']}", tenant, body={"city": city}
        )
    pipeline.call("UpdateLeadFunction", "PATCH", f"{LEADS}/{b['id']}", tenant, body={"city": "b1"})
    pipeline.call("DeleteLeadFunction", "DELETE", f"{LEADS}/{a['id']}", tenant)
    pipeline.publish()
    events = listing(pipeline, tenant, limit="100")["data"]
    assert len(events) == 6
    return events, a["id"], b["id"]


def test_pages_by_cursor_in_both_directions(pipeline, tenant, history):
    events, _, _ = history
    every = [event["id"] for event in events]
    first = listing(pipeline, tenant, limit="4")
    assert ids(first) == every[:4] and first["has_more"]
    second = listing(pipeline, tenant, limit="4", starting_after=every[3])
    assert ids(second) == every[4:] and not second["has_more"]
    back = listing(pipeline, tenant, limit="2", ending_before=every[4])
    assert ids(back) == every[2:4] and back["has_more"]
    top = listing(pipeline, tenant, limit="2", ending_before=every[1])
    assert ids(top) == every[:1] and not top["has_more"]


def test_type_filters_merge_in_order(pipeline, tenant, history):
    events, _, _ = history
    for query in (
        {"type": "lead.created,lead.deleted"},
        {"type": ["lead.deleted", "lead.created"]},
    ):
        page = listing(pipeline, tenant, **query)
        assert ids(page) == [
            e["id"] for e in events if e["type"] in ("lead.created", "lead.deleted")
        ]
    updates = [e["id"] for e in events if e["type"] == "lead.updated"]
    page = listing(pipeline, tenant, type="lead.updated", limit="2")
    assert ids(page) == updates[:2] and page["has_more"]
    rest = listing(pipeline, tenant, type="lead.updated", limit="2", starting_after=updates[1])
    assert ids(rest) == updates[2:] and not rest["has_more"]


def test_a_leads_whole_history_even_after_its_deletion(pipeline, tenant, history):
    events, a, b = history
    page = listing(pipeline, tenant, lead=a)
    assert [e["type"] for e in page["data"]] == [
        "lead.deleted",
        "lead.updated",
        "lead.updated",
        "lead.created",
    ]
    assert [e["data"]["object"]["city"] for e in page["data"]] == ["a2", "a2", "a1", "a0"]
    # Oldest to newest, a page at a time.
    oldest = page["data"][-1]["id"]
    newer = listing(pipeline, tenant, lead=a, limit="2", ending_before=oldest)
    assert [e["data"]["object"]["city"] for e in newer["data"]] == ["a2", "a1"]
    assert ids(listing(pipeline, tenant, lead=a, type="lead.updated")) == ids(page)[1:3]
    # A cursor must be an event of this list: of this lead.
    of_b = next(e["id"] for e in events if e["data"]["object"]["id"] == b)
    refused = pipeline.call(
        "ListEventsFunction", "GET", EVENTS, tenant, query={"lead": a, "starting_after": of_b}
    )
    assert refused.status == 400 and refused.body["error"]["param"] == "starting_after"
    assert listing(pipeline, tenant, lead="lead_neverexisted")["data"] == []


def test_an_event_older_than_thirty_days_is_gone(pipeline, tenant, history, monkeypatch):
    events, _, _ = history
    later = events_table.time.time() + events_table.RETENTION_SECONDS + 60
    monkeypatch.setattr(events_table.time, "time", lambda: later)
    assert listing(pipeline, tenant)["data"] == []
    answer = pipeline.call("GetEventFunction", "GET", f"{EVENTS}/{events[0]['id']}", tenant)
    assert answer.status == 404


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ({"type": "lead.exploded"}, "type"),
        ({"lead": "not-a-lead"}, "lead"),
        ({"limit": "101"}, "limit"),
        ({"offset": "3"}, "offset"),
        ({"starting_after": "evt_doesnotexist"}, "starting_after"),
        ({"ending_before": "nope"}, "ending_before"),
        ({"starting_after": "evt_a", "ending_before": "evt_b"}, "ending_before"),
    ],
)
def test_refusals_are_400s_naming_the_parameter(pipeline, tenant, query, param):
    answer = pipeline.call("ListEventsFunction", "GET", EVENTS, tenant, query=query)
    assert answer.status == 400, answer.body
    assert answer.body["error"]["param"] == param


def test_unknown_and_malformed_event_ids_are_404(pipeline, tenant):
    for event_id in ("evt_unknown", "nope", "lead_abc"):
        answer = pipeline.call("GetEventFunction", "GET", f"{EVENTS}/{event_id}", tenant)
        assert answer.status == 404 and answer.body["error"]["code"] == "resource_missing"

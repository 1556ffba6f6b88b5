"""Events made from lead changes, pure: each type's shape, previous_attributes, the request,
ids derived from the stream record, and no event for a change no client can see."""

import re

from leads_domain.data.lead_stream import LeadChange, lead_change
from leads_domain.logic.lead_events import event_id, event_of
from leads_domain.request_origin import NO_ORIGIN, RequestOrigin
from leads_domain.tenancy import Tenant
from support.reference import RESPONSE_FIELDS

TENANT = Tenant("acct_a", "test")
BEFORE = {
    "id": "lead_1",
    "created_at": "2025-01-01T00:00:00.000000Z",
    "updated_at": "2025-01-01T00:00:00.000000Z",
    "city": "Oslo",
    "phone": "+47",
    "annual_revenue": 10,
    "disabled": False,
    "version": 1,
    "request_id": "r1",
}


def change(before, after, origin=NO_ORIGIN, record="rec-1"):
    return LeadChange(record, "100", 1735689600.0, TENANT, "lead_1", before, after, origin)


def test_created_shows_the_lead_and_no_previous_attributes():
    event = event_of(change(None, BEFORE, RequestOrigin("r1", "k1")))
    assert event["type"] == "lead.created"
    assert set(event["data"]["object"]) == RESPONSE_FIELDS
    assert event["data"]["object"]["city"] == "Oslo"
    assert event["data"]["previous_attributes"] == {}
    assert event["request"] == {"id": "r1", "idempotency_key": "k1"}
    assert event["created_at"] == "2025-01-01T00:00:00.000000Z"


def test_updated_names_only_changed_fields_with_their_old_values():
    after = {
        **BEFORE,
        "updated_at": "2025-01-02T00:00:00.000000Z",
        "city": "Rome",
        "annual_revenue": 10.0,  # the same number
        "status": "Open",  # newly set
        "version": 2,  # not a Lead field
        "request_id": "r2",
    }
    del after["phone"]  # cleared
    event = event_of(change(BEFORE, after, RequestOrigin("r2")))
    assert event["type"] == "lead.updated"
    assert event["data"]["previous_attributes"] == {
        "updated_at": "2025-01-01T00:00:00.000000Z",
        "city": "Oslo",
        "phone": "+47",
        "status": None,
    }
    assert event["data"]["object"]["city"] == "Rome" and event["data"]["object"]["phone"] is None
    assert event["request"] == {"id": "r2", "idempotency_key": None}


def test_deleted_shows_the_lead_as_it_was():
    event = event_of(change(BEFORE, None))
    assert event["type"] == "lead.deleted"
    assert event["data"]["object"]["city"] == "Oslo"
    assert event["data"]["previous_attributes"] == {}
    assert event["request"] == {"id": None, "idempotency_key": None}


def test_a_change_of_internal_attributes_only_makes_no_event():
    assert event_of(change(BEFORE, {**BEFORE, "version": 2, "request_id": "r9"})) is None


def test_the_id_comes_from_the_stream_record():
    assert event_of(change(None, BEFORE, record="rec-7"))["id"] == event_id("rec-7")
    assert event_id("rec-7") == event_id("rec-7") != event_id("rec-8")
    assert re.fullmatch(r"evt_[0-9A-Za-z]{24}", event_id("rec-7"))


def record(sort_key: str, new=None, old=None) -> dict:
    stream = {
        "Keys": {"tenant": {"S": "acct_a#live"}, "sk": {"S": sort_key}},
        "SequenceNumber": "4200000000000000001",
        "ApproximateCreationDateTime": 1735689600,
    }
    if new:
        stream["NewImage"] = new
    if old:
        stream["OldImage"] = old
    return {"eventID": "e1", "eventName": "INSERT", "dynamodb": stream}


def test_a_stream_record_of_an_item_that_is_no_lead_is_no_change():
    for sort_key in ("COUNTER", "COUNTER#7", "SHARD#3", "GUARD#email", "lead_x", "#LEAD#x"):
        assert lead_change(record(sort_key, new={"lead_count": {"N": "1"}})) is None


def test_a_stream_record_of_a_lead_reads_its_tenant_images_and_request():
    image = {
        "tenant": {"S": "acct_a#live"},
        "sk": {"S": "LEAD#lead_9"},
        "city": {"S": "Oslo"},
        "request_id": {"S": "r1"},
        "idempotency_key": {"S": "k"},
    }
    found = lead_change(record("LEAD#lead_9", new=image))
    assert found.tenant == Tenant("acct_a", "live") and found.lead_id == "lead_9"
    assert found.before is None and found.after["city"] == "Oslo"
    assert found.origin == RequestOrigin("r1", "k")
    assert found.sequence == "4200000000000000001" and found.committed_at == 1735689600.0

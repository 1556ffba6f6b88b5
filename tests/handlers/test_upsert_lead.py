"""PUT /api/crm/lead/by_email/{email}: create the lead with the email (201) or update the one
that has it (200), atomically, with Idempotency-Key, and exactly one lead under concurrency."""

import uuid
from typing import Any
from urllib.parse import quote

from leads_domain.tenancy import Tenant
from support.assertions import assert_error, assert_lead
from support.concurrency import all_at_once
from support.events import api_event
from support.functions import Invocation, invoke
from support.reference import COLLECTION
from support.stored import assert_filed, counted, lead_items


def _put(tenant: Tenant, email: str, body: Any, **headers: str) -> Invocation:
    event = api_event(
        "PUT",
        f"{COLLECTION}/by_email/{quote(email, safe='')}",
        tenant=tenant,
        body=body,
        headers={"Content-Type": "application/json", **headers},
    )
    return invoke("upsert_lead", event)


def test_an_upsert_creates_then_updates_one_lead(dynamodb, tenant):
    # When an email nobody has is upserted
    created = _put(tenant, "Ada@Example.com", {"first_name": "Ada", "city": "London"})

    # Then the lead is created with that email, as sent in the path
    assert created.status == 201, created.text
    lead = assert_lead(created.body)
    assert (lead["email_id"], lead["city"], lead["lead_name"]) == (
        "Ada@Example.com",
        "London",
        "Ada",
    )
    assert created.header("ETag") == '"v1"'

    # When it is upserted again, in another spelling, with other fields
    updated = _put(tenant, " ada@example.COM", {"city": "Paris", "status": "Open"})

    # Then that lead is updated with the fields sent, the others kept
    assert updated.status == 200, updated.text
    assert updated.body["id"] == lead["id"] and updated.header("ETag") == '"v2"'
    assert (updated.body["city"], updated.body["status"], updated.body["first_name"]) == (
        "Paris",
        "Open",
        "Ada",
    )
    assert updated.body["email_id"] == "Ada@Example.com"
    assert list(lead_items(dynamodb, tenant)) == [lead["id"]] and counted(dynamodb, tenant) == 1
    assert_filed(dynamodb, tenant)


def test_an_upsert_with_an_empty_body_creates_a_lead_of_just_the_email(dynamodb, tenant):
    created = _put(tenant, "grace@example.com", {})
    assert created.status == 201 and created.body["email_id"] == "grace@example.com"
    # And again changes nothing but answers the lead
    again = _put(tenant, "grace@example.com", {})
    assert again.status == 200 and again.body["id"] == created.body["id"]


def test_upserts_are_per_tenant(dynamodb, tenant):
    other = Tenant(tenant.account, "live")
    mine = _put(tenant, "ada@example.com", {"city": "Oslo"})
    theirs = _put(other, "ada@example.com", {"city": "Rome"})
    assert (mine.status, theirs.status) == (201, 201)
    assert mine.body["id"] != theirs.body["id"]


def test_an_idempotent_upsert_replays_its_first_answer(dynamodb, tenant):
    key = str(uuid.uuid4())
    first = _put(tenant, "ada@example.com", {"city": "Oslo"}, **{"Idempotency-Key": key})
    again = _put(tenant, "ada@example.com", {"city": "Oslo"}, **{"Idempotency-Key": key})

    assert (first.status, again.status) == (201, 201)
    assert first.body == again.body and first.header("ETag") == again.header("ETag")
    assert first.header("Idempotent-Replayed") is None
    assert again.header("Idempotent-Replayed") == "true"
    assert counted(dynamodb, tenant) == 1

    # And an update under a key replays its 200 without changing the lead again
    key = str(uuid.uuid4())
    changed = _put(tenant, "ada@example.com", {"city": "Rome"}, **{"Idempotency-Key": key})
    replayed = _put(tenant, "ada@example.com", {"city": "Rome"}, **{"Idempotency-Key": key})
    assert (changed.status, replayed.status) == (200, 200)
    assert replayed.body == changed.body and replayed.header("ETag") == '"v2"'
    # And the key with another body, or another email, is refused
    for email, body in (
        ("ada@example.com", {"city": "Oslo"}),
        ("bo@example.com", {"city": "Rome"}),
    ):
        answer = _put(tenant, email, body, **{"Idempotency-Key": key})
        assert_error(answer, 400, type_="idempotency_error", param="Idempotency-Key")


def test_a_body_email_must_be_the_path_email(dynamodb, tenant):
    # The same email in another spelling is fine, and is what the lead keeps
    same = _put(tenant, "ada@example.com", {"email_id": "Ada@Example.com"})
    assert same.status == 201 and same.body["email_id"] == "Ada@Example.com"
    for body in ({"email_id": "grace@example.com"}, {"email_id": None}):
        assert_error(_put(tenant, "ada@example.com", body), 400, param="email_id")


def test_bad_upserts_are_400(dynamodb, tenant):
    assert_error(_put(tenant, "   ", {}), 400, param="email")
    assert_error(_put(tenant, "a@b.co", {"city": 5}), 400, param="city")
    assert_error(_put(tenant, "a@b.co", [1]), 400)
    with_query = api_event(
        "PUT", f"{COLLECTION}/by_email/a@b.co", tenant=tenant, body={}, query={"x": "1"}
    )
    assert_error(invoke("upsert_lead", with_query), 400, param="x")
    assert lead_items(dynamodb, tenant) == {}


def test_an_email_several_leads_have_is_409_naming_one(dynamodb, tenant):
    made = [
        invoke(
            "create_lead",
            api_event("POST", COLLECTION, tenant=tenant, body={"email_id": "ada@example.com"}),
        ).body["id"]
        for _ in range(2)
    ]
    error = assert_error(
        _put(tenant, "ada@example.com", {"city": "Oslo"}), 409, code="lead_duplicate"
    )
    assert error["lead_id"] in made


def test_concurrent_upserts_of_a_new_email_make_one_lead(embedded_dynamodb):
    from leads_domain.data import clients

    tenant = Tenant(f"acct_{uuid.uuid4().hex[:12]}", "test")

    # When eight upserts of one new email arrive at once
    answers = all_at_once(8, lambda n: _put(tenant, "ada@example.com", {"city": f"City {n}"}))

    # Then one created the lead and every other updated that same lead
    statuses = sorted(answer.status for answer in answers)
    assert statuses == [200] * 7 + [201], [(a.status, a.text[:200]) for a in answers]
    assert len({answer.body["id"] for answer in answers}) == 1
    items = lead_items(clients.dynamodb(), tenant)
    assert len(items) == 1 and counted(clients.dynamodb(), tenant) == 1
    (item,) = items.values()
    assert int(item["version"]["N"]) == 8
    assert_filed(clients.dynamodb(), tenant)

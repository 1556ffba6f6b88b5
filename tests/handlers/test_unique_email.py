"""?unique=email_id on POST and PATCH /api/crm/lead: a lead only if no other lead of the tenant
has its email (case and surrounding spaces aside), else 409 lead_duplicate naming that lead;
exactly one winner among concurrent creates; without the flag, the reference's behaviour."""

import uuid
from typing import Any

import pytest

from leads_domain.tenancy import Tenant
from support.assertions import assert_error
from support.concurrency import all_at_once
from support.events import api_event
from support.functions import Invocation, invoke
from support.reference import COLLECTION
from support.stored import assert_filed, lead_items

UNIQUE = {"unique": "email_id"}


def _post(tenant: Tenant, body: dict[str, Any], **headers: str) -> Invocation:
    return invoke(
        "create_lead",
        api_event(
            "POST",
            COLLECTION,
            tenant=tenant,
            body=body,
            query=UNIQUE,
            headers={"Content-Type": "application/json", **headers},
        ),
    )


def _patch(tenant: Tenant, lead_id: str, body: dict[str, Any]) -> Invocation:
    event = api_event("PATCH", f"{COLLECTION}/{lead_id}", tenant=tenant, body=body, query=UNIQUE)
    return invoke("update_lead", event)


def _emails(dynamodb: Any, tenant: Tenant) -> list[str]:
    return sorted(item["email_id"]["S"] for item in lead_items(dynamodb, tenant).values())


def test_a_unique_create_of_a_taken_email_is_409_naming_the_lead(dynamodb, tenant):
    # Given a lead with an email
    first = _post(tenant, {"email_id": "Ada@Example.com", "city": "Oslo"})
    assert first.status == 201, first.text

    # When another unique create sends the same email in another case, with spaces
    again = _post(tenant, {"email_id": "  ada@example.COM ", "city": "Rome"})

    # Then it is refused with lead_duplicate and the existing lead's id, and nothing is stored
    error = assert_error(again, 409, type_="invalid_request_error", code="lead_duplicate")
    assert error["param"] == "email_id" and error["lead_id"] == first.body["id"]
    assert _emails(dynamodb, tenant) == ["Ada@Example.com"]
    assert_filed(dynamodb, tenant)


def test_without_the_flag_duplicates_are_created_as_the_reference_says(dynamodb, tenant):
    _post(tenant, {"email_id": "ada@example.com"})
    plain = invoke(
        "create_lead",
        api_event("POST", COLLECTION, tenant=tenant, body={"email_id": "ada@example.com"}),
    )
    assert plain.status == 201, plain.text
    # And once two leads have it, a unique create still refuses, naming one of them
    error = assert_error(_post(tenant, {"email_id": "ADA@example.com"}), 409, code="lead_duplicate")
    assert error["lead_id"] in {item for item in lead_items(dynamodb, tenant)}
    assert len(_emails(dynamodb, tenant)) == 2


def test_unique_emails_are_per_tenant_and_a_lead_without_email_is_never_a_duplicate(
    dynamodb, tenant
):
    assert _post(tenant, {"email_id": "ada@example.com"}).status == 201
    assert _post(Tenant(tenant.account, "live"), {"email_id": "ada@example.com"}).status == 201
    assert _post(tenant, {"city": "Oslo"}).status == 201
    assert _post(tenant, {"city": "Rome"}).status == 201


def test_a_deleted_lead_frees_its_email(dynamodb, tenant):
    lead = _post(tenant, {"email_id": "ada@example.com"}).body
    invoke("delete_lead", api_event("DELETE", f"{COLLECTION}/{lead['id']}", tenant=tenant))
    assert _post(tenant, {"email_id": "ada@example.com"}).status == 201


@pytest.mark.parametrize(
    ("query", "param"),
    [({"unique": "phone"}, "unique"), ({"unique": ""}, "unique"), ({"uniq": "email_id"}, "uniq")],
)
def test_a_misspelt_flag_is_400(dynamodb, tenant, query, param):
    event = api_event("POST", COLLECTION, tenant=tenant, body={"email_id": "a@b.co"}, query=query)
    assert_error(invoke("create_lead", event), 400, param=param)
    assert lead_items(dynamodb, tenant) == {}


def test_a_unique_patch_refuses_an_email_another_lead_has(dynamodb, tenant):
    # Given two leads with their own emails
    ada = _post(tenant, {"email_id": "ada@example.com"}).body
    grace = _post(tenant, {"email_id": "grace@example.com", "city": "Arlington"}).body

    # When grace's lead takes ada's email with the flag
    refused = _patch(tenant, grace["id"], {"email_id": "ADA@example.com", "city": "Rome"})

    # Then 409 names ada's lead and grace's lead is unchanged
    error = assert_error(refused, 409, code="lead_duplicate", param="email_id")
    assert error["lead_id"] == ada["id"]
    stored = invoke("get_lead", api_event("GET", f"{COLLECTION}/{grace['id']}", tenant=tenant))
    assert stored.body == grace

    # And a change of its own email's case, or of a new email, is allowed
    assert _patch(tenant, grace["id"], {"email_id": "Grace@Example.com"}).status == 200
    assert _patch(tenant, grace["id"], {"email_id": "grace.h@example.com"}).status == 200
    # And without the flag the reference's PATCH takes the email regardless
    plain = api_event(
        "PATCH", f"{COLLECTION}/{grace['id']}", tenant=tenant, body={"email_id": "ada@example.com"}
    )
    assert invoke("update_lead", plain).status == 200
    assert_filed(dynamodb, tenant)


def test_an_idempotent_unique_create_replays_its_answer(dynamodb, tenant):
    key = str(uuid.uuid4())
    first = _post(tenant, {"email_id": "ada@example.com"}, **{"Idempotency-Key": key})
    again = _post(tenant, {"email_id": "ada@example.com"}, **{"Idempotency-Key": key})

    # The retry is the first answer, marked as a replay, not a duplicate of itself
    assert (first.status, again.status) == (201, 201) and first.body == again.body
    assert first.header("Idempotent-Replayed") is None
    assert again.header("Idempotent-Replayed") == "true"
    # And the same key without the flag is another request: refused, not replayed
    plain = api_event(
        "POST",
        COLLECTION,
        tenant=tenant,
        body={"email_id": "ada@example.com"},
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
    )
    assert_error(invoke("create_lead", plain), 400, type_="idempotency_error")
    assert len(lead_items(dynamodb, tenant)) == 1


def test_concurrent_unique_creates_of_one_email_have_exactly_one_winner(embedded_dynamodb):
    tenant = Tenant(f"acct_{uuid.uuid4().hex[:12]}", "test")
    spellings = ["ada@example.com", "ADA@example.com", " Ada@Example.com", "ada@EXAMPLE.com "]

    # When eight unique creates of one email (in several spellings) arrive at once
    answers = all_at_once(
        8, lambda n: _post(tenant, {"email_id": spellings[n % 4], "city": str(n)})
    )

    # Then exactly one is created and every other is a 409 naming it
    created = [answer for answer in answers if answer.status == 201]
    assert len(created) == 1, [(a.status, a.text[:200]) for a in answers]
    winner = created[0].body["id"]
    for answer in answers:
        if answer.status != 201:
            assert assert_error(answer, 409, code="lead_duplicate")["lead_id"] == winner
    from leads_domain.data import clients

    assert list(lead_items(clients.dynamodb(), tenant)) == [winner]
    assert_filed(clients.dynamodb(), tenant)

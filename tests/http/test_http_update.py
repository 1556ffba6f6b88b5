"""PATCH /api/crm/lead/{id}: set only what is sent, null clears (or restores a default),
timestamps, the derived lead_name, and the same strict validation as create."""

import json
import time
from typing import Any

import pytest

from support.assertions import assert_error, assert_json, assert_lead, parse_timestamp
from support.client import LeadsClient
from support.concurrency import all_at_once
from support.local_api import LocalApi
from support.reference import REFERENCE_LEAD, TEXT_LENGTH, WRITABLE_FIELDS

pytestmark = pytest.mark.http


def test_update_sets_only_what_is_sent(shared_client: LeadsClient) -> None:
    # Given a lead with several fields set
    lead = shared_client.create(
        company_name="Acme", city="Berlin", annual_revenue=5, unsubscribed=True
    )

    # When one field is updated
    response = shared_client.patch(lead["id"], {"city": "Paris"})

    # Then 200 with that field changed and every other field as it was
    assert response.status_code == 200, response.text
    updated = assert_lead(assert_json(response))
    assert updated["city"] == "Paris"
    unchanged = {k: v for k, v in lead.items() if k not in ("city", "updated_at")}
    assert {k: updated[k] for k in unchanged} == unchanged

    # And that is what is stored
    assert shared_client.lead(lead["id"]) == updated


def test_update_of_every_field_with_reference_values(shared_client: LeadsClient) -> None:
    # Given an empty lead
    lead = shared_client.create()

    # When every writable field is sent, with the reference's example values
    sent = {name: REFERENCE_LEAD[name] for name in WRITABLE_FIELDS}
    updated = shared_client.update(lead["id"], **sent)

    # Then all are stored as sent
    assert {name: updated[name] for name in WRITABLE_FIELDS} == sent
    assert shared_client.lead(lead["id"]) == updated


def test_null_clears_a_field_and_restores_a_default(shared_client: LeadsClient) -> None:
    # Given a lead whose plain and defaulted fields are all set to non-default values
    lead = shared_client.create(
        company_name="Acme",
        city="Berlin",
        annual_revenue=12.5,
        lead_owner="ada",
        status="Open",
        unsubscribed=True,
        blog_subscriber=True,
        disabled=True,
    )

    # When they are all sent as null
    updated = shared_client.update(
        lead["id"],
        city=None,
        annual_revenue=None,
        lead_owner=None,
        status=None,
        unsubscribed=None,
        blog_subscriber=None,
        disabled=None,
    )

    # Then plain fields are cleared and defaulted fields are back to their defaults
    assert updated["city"] is None and updated["annual_revenue"] is None
    assert updated["lead_owner"] == "__user" and updated["status"] == "Lead"
    assert updated["unsubscribed"] is False
    assert updated["blog_subscriber"] is False
    assert updated["disabled"] is False
    assert updated["company_name"] == "Acme"
    assert shared_client.lead(lead["id"]) == updated


def test_updated_at_moves_and_created_at_does_not(shared_client: LeadsClient) -> None:
    # Given a lead
    lead = shared_client.create(company_name="Acme")
    time.sleep(0.002)

    # When it is updated twice
    first = shared_client.update(lead["id"], city="Paris")
    time.sleep(0.002)
    second = shared_client.update(lead["id"], first_name="Ada")

    # Then created_at stays, and updated_at moves forward each time
    assert first["created_at"] == second["created_at"] == lead["created_at"]
    assert lead["updated_at"] < first["updated_at"] < second["updated_at"]
    assert parse_timestamp(second["updated_at"]) > parse_timestamp(lead["created_at"])
    assert shared_client.lead(lead["id"]) == second


def test_update_changes_neither_the_total_nor_the_order(client: LeadsClient) -> None:
    # Given two leads, the older one first
    older = client.create(company_name="Older")
    newer = client.create(company_name="Newer")

    # When the older one is updated
    updated = client.update(older["id"], city="Rome")

    # Then the list still has two, in creation order (newest first), the update included
    assert client.page() == {"data": [newer, updated], "has_more": False, "total": 2}


@pytest.mark.parametrize("body", [None, {}], ids=["no body", "empty object"])
def test_update_with_nothing_to_change_answers_the_lead_unchanged(
    shared_client: LeadsClient, body: dict[str, Any] | None
) -> None:
    lead = shared_client.create(company_name="Acme")
    response = shared_client.patch(lead["id"], body)
    assert response.status_code == 200, response.text
    assert assert_json(response) == lead
    assert shared_client.lead(lead["id"]) == lead


# --- lead_name ----------------------------------------------------------------------------


def test_clearing_lead_name_derives_it_again_from_the_name_fields(
    shared_client: LeadsClient,
) -> None:
    # Given a lead with a chosen lead_name and name fields
    lead = shared_client.create(
        lead_name="Custom", salutation="Dr", first_name="Ada", last_name="Lovelace"
    )
    assert lead["lead_name"] == "Custom"

    # When lead_name is cleared
    updated = shared_client.update(lead["id"], lead_name=None)

    # Then it is derived from the stored name fields
    assert updated["lead_name"] == "Dr Ada Lovelace"
    assert shared_client.lead(lead["id"])["lead_name"] == "Dr Ada Lovelace"


def test_clearing_lead_name_uses_the_fields_sent_with_it(shared_client: LeadsClient) -> None:
    lead = shared_client.create(lead_name="Custom", first_name="Ada", last_name="Lovelace")
    updated = shared_client.update(lead["id"], lead_name=None, first_name="Grace")
    assert updated["lead_name"] == "Grace Lovelace"
    assert shared_client.lead(lead["id"]) == updated


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ({"company_name": "Acme", "email_id": "a@example.com"}, "Acme"),
        ({"email_id": "a@example.com"}, "a@example.com"),
        ({"city": "Oslo"}, None),
    ],
    ids=["company", "email", "nothing"],
)
def test_clearing_lead_name_falls_back_to_company_then_email(
    shared_client: LeadsClient, stored: dict[str, Any], expected: str | None
) -> None:
    lead = shared_client.create(lead_name="Custom", **stored)
    updated = shared_client.update(lead["id"], lead_name=None)
    assert updated["lead_name"] == expected
    assert shared_client.lead(lead["id"])["lead_name"] == expected


def test_a_lead_without_a_name_gets_one_when_a_name_field_is_set(
    shared_client: LeadsClient,
) -> None:
    # Given a lead created with nothing to derive a name from
    lead = shared_client.create()
    assert lead["lead_name"] is None

    # When a company name is set, Then lead_name is derived from it
    updated = shared_client.update(lead["id"], company_name="Acme")
    assert updated["lead_name"] == "Acme"
    assert shared_client.lead(lead["id"])["lead_name"] == "Acme"


def test_a_derived_lead_name_follows_the_name_fields(shared_client: LeadsClient) -> None:
    # Given a lead created with only a first name (its lead_name derived from it)
    lead = shared_client.create(first_name="Ada")
    assert lead["lead_name"] == "Ada"

    # When a last name, then a salutation, then a new company are set
    # Then lead_name is derived again each time from the lead's fields
    assert shared_client.update(lead["id"], last_name="Lovelace")["lead_name"] == "Ada Lovelace"
    assert shared_client.update(lead["id"], salutation="Lady")["lead_name"] == "Lady Ada Lovelace"
    assert shared_client.update(lead["id"], company_name="Engines")["lead_name"] == (
        "Lady Ada Lovelace"
    )
    # And once the person's name is cleared, it falls back to the company
    cleared = {"salutation": None, "first_name": None, "last_name": None}
    assert shared_client.update(lead["id"], **cleared)["lead_name"] == "Engines"
    assert shared_client.lead(lead["id"])["lead_name"] == "Engines"


def test_a_lead_name_sent_equal_to_the_derivation_counts_as_derived(
    shared_client: LeadsClient,
) -> None:
    lead = shared_client.create(lead_name="Ada", first_name="Ada")
    assert shared_client.update(lead["id"], last_name="Lovelace")["lead_name"] == "Ada Lovelace"


def test_concurrent_changes_of_first_and_last_name_end_with_the_name_of_both(
    shared_client: LeadsClient,
) -> None:
    for round_ in range(5):
        # Given a lead whose lead_name is derived from its first name
        lead = shared_client.create(first_name="Ada")

        # When its first name and its last name are changed by two requests at once
        changes = ({"first_name": f"Augusta{round_}"}, {"last_name": f"Lovelace{round_}"})
        responses = all_at_once(
            2, lambda n, lead=lead, changes=changes: shared_client.patch(lead["id"], changes[n])
        )

        # Then both succeed, and lead_name is derived from the final names
        assert [response.status_code for response in responses] == [200, 200], responses
        final = shared_client.lead(lead["id"])
        assert final["lead_name"] == f"Augusta{round_} Lovelace{round_}", final


def test_a_sent_lead_name_is_never_changed_by_later_updates(shared_client: LeadsClient) -> None:
    lead = shared_client.create(lead_name="Chosen", first_name="Ada")
    updated = shared_client.update(lead["id"], first_name="Grace", company_name="Engines")
    assert updated["lead_name"] == "Chosen"
    updated = shared_client.update(lead["id"], lead_name="Renamed", last_name="Hopper")
    assert updated["lead_name"] == "Renamed"
    assert shared_client.lead(lead["id"]) == updated


def test_etag_and_if_match_pass_through_the_gateway(shared_client: LeadsClient) -> None:
    # Given a lead, and the ETag its create answered
    created = shared_client.post({"company_name": "Acme"})
    lead, etag = created.json(), created.headers.get("ETag")
    assert etag
    assert shared_client.get(lead["id"]).headers.get("ETag") == etag

    # When it is updated with that ETag in If-Match, Then the update applies, with a new ETag
    first = shared_client.patch(lead["id"], {"city": "Paris"}, headers={"If-Match": etag})
    assert first.status_code == 200, first.text
    assert first.headers.get("ETag") not in (None, etag)

    # When the old ETag is sent again, Then 412 and nothing changes, for update and delete
    stale = shared_client.patch(lead["id"], {"city": "Rome"}, headers={"If-Match": etag})
    assert_error(stale, 412, code="precondition_failed")
    assert_error(
        shared_client.delete(lead["id"], headers={"If-Match": etag}),
        412,
        code="precondition_failed",
    )
    assert shared_client.lead(lead["id"]) == first.json()

    # And with the current ETag the delete goes through
    current = first.headers["ETag"]
    assert shared_client.delete(lead["id"], headers={"If-Match": current}).status_code == 200


# --- refusals -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def guarded(local_api: LocalApi) -> tuple[LeadsClient, dict[str, Any]]:
    """A tenant of its own with one lead that only ever receives updates that must fail."""
    owner = local_api.new_client()
    return owner, owner.create(company_name="Guarded", city="Bern", annual_revenue=7)


# One of each kind; the whole matrix is in tests/unit/test_models.py.
INVALID_UPDATES = [
    ({"unsubscribed": "true"}, "unsubscribed"),
    ({"city": "x" * (TEXT_LENGTH + 1)}, "city"),
    ({"city": "Paris", "favourite_colour": "blue"}, "favourite_colour"),
    ({"id": "lead_other"}, "id"),
]


@pytest.mark.parametrize(
    ("body", "param"), INVALID_UPDATES, ids=[json.dumps(b)[:60] for b, _ in INVALID_UPDATES]
)
def test_invalid_update_is_400_naming_the_field_and_changes_nothing(
    guarded: tuple[LeadsClient, dict[str, Any]], body: dict[str, Any], param: str
) -> None:
    owner, lead = guarded
    response = owner.patch(lead["id"], body)
    error = assert_error(response, 400, type_="invalid_request_error", param=param)
    if param == "favourite_colour":
        assert error["code"] == "parameter_unknown"
    assert owner.lead(lead["id"]) == lead


# One of each kind; the whole matrix is in tests/unit/test_http_request.py.
BAD_BODIES = {
    "invalid JSON": b'{"city": ',
    "array": b'[{"city": "Paris"}]',
    "not UTF-8": b'{"city": "Z\xfcrich"}',
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_update_with_a_body_that_is_not_a_json_object_is_400(
    guarded: tuple[LeadsClient, dict[str, Any]], body: bytes
) -> None:
    owner, lead = guarded
    response = owner.request(
        "PATCH",
        f"/api/crm/lead/{lead['id']}",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    assert_error(response, 400, type_="invalid_request_error", param=None)
    assert owner.lead(lead["id"]) == lead


def test_refused_updates_left_the_lead_as_it_was(
    guarded: tuple[LeadsClient, dict[str, Any]],
) -> None:
    owner, lead = guarded
    assert owner.page() == {"data": [lead], "has_more": False, "total": 1}


def test_update_to_an_annual_revenue_dynamodb_cannot_store_is_400(
    shared_client: LeadsClient,
) -> None:
    revenue = 1e-200
    # Given a lead of its own (a wrongly accepted update must not spoil other tests)
    lead = shared_client.create(company_name="Revenue", annual_revenue=7)

    # When annual_revenue is set outside DynamoDB's range (1e-130 to 9.99e125 in magnitude)
    response = shared_client.patch(lead["id"], {"annual_revenue": revenue})

    # Then 400 naming the field, and the lead is unchanged (not a 5xx, not stored)
    assert_error(response, 400, code="parameter_invalid", param="annual_revenue")
    assert shared_client.lead(lead["id"]) == lead

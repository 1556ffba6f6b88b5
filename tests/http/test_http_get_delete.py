"""GET /api/crm/lead/{id} and DELETE /api/crm/lead/{id}."""

from typing import Any

import pytest

from support.assertions import assert_error, assert_json
from support.client import LeadsClient
from support.local_api import LocalApi

pytestmark = pytest.mark.http

# Ids that are no lead: unknown, odd characters (URL-encoded), and longer than any key.
MISSING_IDS = {
    "unknown lead id": "lead_doesnotexist000000000",
    "reference example id": "lead_abc123",
    "not a lead id": "hello",
    "encoded slash": "lead_a%2Fb",
    "encoded unicode": "lead_%E2%82%AC",
    "encoded invalid utf-8": "lead_%FF",
    "encoded hash": "COUNTER%23",
    "counter item name": "COUNTER",
    "2000 characters": "lead_" + "a" * 2000,
}


def test_get_answers_the_stored_lead(client: LeadsClient) -> None:
    # Given a lead
    created = client.create(company_name="Acme", annual_revenue=10.5, unsubscribed=True)

    # When it is fetched by id
    response = client.get(created["id"])

    # Then 200 with the same object as create answered
    assert response.status_code == 200
    assert assert_json(response) == created


@pytest.fixture(scope="module")
def tenant_with_a_lead(local_api: LocalApi) -> tuple[LeadsClient, dict[str, Any]]:
    """A tenant of its own with one lead, which no request of these tests may change."""
    owner = local_api.new_client()
    return owner, owner.create(company_name="Acme")


@pytest.mark.parametrize("lead_id", MISSING_IDS.values(), ids=MISSING_IDS.keys())
def test_unknown_id_is_404_resource_missing_for_get_update_and_delete(
    tenant_with_a_lead: tuple[LeadsClient, dict[str, Any]], lead_id: str
) -> None:
    # Given a tenant with one lead
    owner, lead = tenant_with_a_lead

    # When an id that is not one of its leads is fetched, updated (a plain field, a name
    # field, nothing at all) or deleted
    responses = [
        owner.get(lead_id),
        owner.patch(lead_id, {"city": "Paris"}),
        owner.patch(lead_id, {"first_name": "Ada"}),
        owner.patch(lead_id, {}),
        owner.delete(lead_id),
    ]

    # Then each is 404 resource_missing naming the id, never a 5xx
    for response in responses:
        assert_error(
            response, 404, type_="invalid_request_error", code="resource_missing", param="id"
        )

    # And the tenant's lead and total are untouched
    assert owner.page() == {"data": [lead], "has_more": False, "total": 1}


def test_delete_answers_the_confirmation_and_the_lead_is_gone(client: LeadsClient) -> None:
    # Given two leads
    kept = client.create(company_name="Kept")
    doomed = client.create(company_name="Doomed")

    # When one is deleted
    response = client.delete(doomed["id"])

    # Then 200 with exactly {"id": ..., "deleted": true}
    assert response.status_code == 200
    assert assert_json(response) == {"id": doomed["id"], "deleted": True}

    # And it is gone: get, update and a second delete are 404; the list and total drop it
    assert_error(client.get(doomed["id"]), 404, code="resource_missing")
    assert_error(client.patch(doomed["id"], {"city": "X"}), 404, code="resource_missing")
    assert_error(client.patch(doomed["id"], {"first_name": "X"}), 404, code="resource_missing")
    assert_error(client.delete(doomed["id"]), 404, code="resource_missing")
    assert client.page() == {"data": [kept], "has_more": False, "total": 1}


def test_a_deleted_lead_is_not_resurrected_by_a_later_update(client: LeadsClient) -> None:
    # Given a deleted lead
    lead = client.create(company_name="Acme")
    assert client.delete(lead["id"]).status_code == 200

    # When updates of every kind are sent for it
    for body in ({"city": "Paris"}, {"lead_name": None}, {"company_name": "New"}):
        assert_error(client.patch(lead["id"], body), 404, code="resource_missing")

    # Then it stays gone, and uncounted
    assert_error(client.get(lead["id"]), 404, code="resource_missing")
    assert client.page() == {"data": [], "has_more": False, "total": 0}

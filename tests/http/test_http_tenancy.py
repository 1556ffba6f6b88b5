"""Tenant isolation: another account's key can neither see nor touch your leads."""

from typing import Any

import pytest

from support.assertions import assert_error
from support.client import LeadsClient

pytestmark = pytest.mark.http


def test_another_tenant_cannot_get_update_delete_or_list_your_leads(
    new_client: Any,
) -> None:
    # Given tenant A with two leads, and tenant B (another account) with one of its own
    a, b = new_client(), new_client()
    a_leads = [a.create(company_name="A One", city="Athens"), a.create(first_name="Ann")]
    b_lead = b.create(company_name="B One")

    # When B reaches for A's leads by id
    for lead in a_leads:
        responses = [
            b.get(lead["id"]),
            b.patch(lead["id"], {"city": "Stolen"}),
            b.patch(lead["id"], {"lead_name": None}),
            b.delete(lead["id"]),
        ]
        # Then each is 404, exactly as for an id that does not exist
        for response in responses:
            assert_error(response, 404, code="resource_missing", param="id")

    # And B's list and total show only B's lead
    assert b.page() == {"data": [b_lead], "has_more": False, "total": 1}
    assert b.page(offset=1) == {"data": [], "has_more": False, "total": 1}

    # And A's leads are unchanged, still counted, and A does not see B's lead
    for lead in a_leads:
        assert a.lead(lead["id"]) == lead
    assert a.page() == {"data": a_leads[::-1], "has_more": False, "total": 2}
    assert_error(a.get(b_lead["id"]), 404, code="resource_missing")


def test_totals_are_per_tenant(new_client: Any) -> None:
    # Given two tenants creating and deleting independently
    a, b = new_client(), new_client()
    a_ids = [a.create(company_name=f"A{n}")["id"] for n in range(3)]
    b_ids = [b.create(company_name=f"B{n}")["id"] for n in range(5)]

    # When B deletes two of its leads and A tries to delete B's others
    for lead_id in b_ids[:2]:
        assert b.delete(lead_id).status_code == 200
    for lead_id in b_ids[2:]:
        assert_error(a.delete(lead_id), 404, code="resource_missing")

    # Then each total counts only its own tenant's leads
    assert a.total() == 3 and sorted(a.ids()) == sorted(a_ids)
    assert b.total() == 3 and sorted(b.ids()) == sorted(b_ids[2:])


def test_a_second_key_of_the_same_account_and_mode_shares_the_data(
    new_client: Any,
) -> None:
    # Given two test keys of one account
    first = new_client()
    second = new_client(account=first.account)
    assert first.key != second.key

    # When one creates a lead, Then the other sees, changes and deletes it (same tenant)
    lead = first.create(company_name="Shared")
    assert second.lead(lead["id"]) == lead
    updated = second.update(lead["id"], city="Lyon")
    assert first.lead(lead["id"]) == updated
    assert second.delete(lead["id"]).status_code == 200
    assert first.page() == {"data": [], "has_more": False, "total": 0}


def test_the_shared_local_account_does_not_see_a_fresh_tenant(
    shared_client: LeadsClient, client: LeadsClient
) -> None:
    lead = client.create(company_name="Private")
    assert_error(shared_client.get(lead["id"]), 404, code="resource_missing")
    assert lead["id"] not in shared_client.ids()

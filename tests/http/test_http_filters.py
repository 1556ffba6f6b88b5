"""Filtered lists, unique emails and upserts through `leads serve` over HTTP: Stripe's bracketed
range parameters, a percent-encoded email in the path, and the error shape of a duplicate."""

from typing import Any

import pytest

from support.assertions import assert_error, assert_json, assert_lead
from support.client import LeadsClient

pytestmark = pytest.mark.http


def _ids(response: Any) -> list[str]:
    return [lead["id"] for lead in assert_json(response)["data"]]


def test_filtered_lists_and_ranges_over_http(client: LeadsClient) -> None:
    opened = [client.create(status="Open", email_id=f"Open{n}@Example.com") for n in range(3)]
    client.create(status="Lead")
    hour = opened[0]["created_at"][:13] + ":00:00Z"

    # The bracketed range parameters arrive as Stripe's clients send them (percent-encoded)
    response = client.get_list({"status": "Open", "created_at[gte]": hour, "limit": "2"})
    assert response.status_code == 200, response.text
    body = assert_json(response)
    assert _ids(response) == [opened[2]["id"], opened[1]["id"]]
    assert (body["total"], body["has_more"]) == (3, True)
    # And an email in another case finds its lead
    assert _ids(client.get_list({"email_id": " open1@example.COM"})) == [opened[1]["id"]]
    # And a combination the indexes cannot serve is a 400 naming it
    refused = client.get_list({"status": "Open", "lead_owner": "ana@example.com"})
    assert_error(refused, 400, code="parameter_invalid", param="lead_owner")


def test_unique_create_and_upsert_over_http(client: LeadsClient) -> None:
    # An email with characters a path must encode
    email = "ada+crm@example.com"
    created = client.put_by_email(email, {"city": "London"})
    assert created.status_code == 201, created.text
    lead = assert_lead(assert_json(created))
    assert lead["email_id"] == email

    updated = client.put_by_email(email.upper(), {"city": "Paris"})
    assert updated.status_code == 200, updated.text
    assert assert_json(updated)["id"] == lead["id"] and assert_json(updated)["city"] == "Paris"
    assert updated.headers["ETag"] == '"v2"'

    duplicate = client.post({"email_id": email}, params={"unique": "email_id"})
    error = assert_error(duplicate, 409, code="lead_duplicate", param="email_id")
    assert error["lead_id"] == lead["id"]
    assert client.total() == 1

"""Races through the local run, with fresh keys: many concurrent creates leave `total` exact;
concurrent deletes of one lead succeed once and uncount it once; concurrent If-Match updates
of one version have exactly one winner, whose answer is what is stored; concurrent retries of
one idempotent create make one lead.

`leads serve` runs one request at a time per function (as one Lambda container does), so
tests/data/test_races.py runs the same races from threads straight into the operations, where
requests of different "containers" really do interleave.
"""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
import requests

from support.assertions import assert_error, assert_json, assert_lead
from support.client import LeadsClient
from support.concurrency import all_at_once

pytestmark = pytest.mark.http


def test_50_concurrent_creates_leave_total_exact_and_list_every_lead_once(
    client: LeadsClient,
) -> None:
    # When 50 leads are created at once
    responses = all_at_once(50, lambda n: client.post({"company_name": f"Racer {n}"}))

    # Then every create answered 201 with a lead of its own
    assert [response.status_code for response in responses] == [201] * 50, [
        response.text[:200] for response in responses if response.status_code != 201
    ]
    created = [assert_lead(assert_json(response)) for response in responses]
    ids = [lead["id"] for lead in created]
    assert len(set(ids)) == 50
    assert sorted(lead["company_name"] for lead in created) == sorted(
        f"Racer {n}" for n in range(50)
    )
    # And total is exactly 50, and every lead is listed exactly once
    assert client.total() == 50
    listed = client.ids()
    assert len(listed) == 50 and sorted(listed) == sorted(ids)


def test_concurrent_deletes_of_one_lead_succeed_once_and_uncount_it_once(
    client: LeadsClient,
) -> None:
    # Given three leads
    target = client.create(company_name="Target")["id"]
    others = [client.create(company_name=f"Other {n}")["id"] for n in range(2)]

    # When ten requests delete the same lead at once
    responses = all_at_once(10, lambda _: client.delete(target))

    # Then exactly one answers 200, the rest 404 in the error shape
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [404] * 9, statuses
    for response in responses:
        if response.status_code == 200:
            assert assert_json(response) == {"id": target, "deleted": True}
        else:
            assert_error(response, 404, code="resource_missing", param="id")
    # And the lead is gone and was uncounted exactly once
    assert_error(client.get(target), 404, code="resource_missing")
    assert client.total() == 2
    assert sorted(client.ids()) == sorted(others)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda n: {"city": f"City {n}"}, id="plain update"),
        pytest.param(lambda n: {"first_name": f"Name{n}"}, id="update deriving lead_name"),
    ],
)
def test_concurrent_if_match_updates_of_one_version_have_exactly_one_winner(
    change: Callable[[int], dict[str, Any]], client: LeadsClient
) -> None:
    # Given a lead (with no name, so that a first_name derives lead_name) and its ETag
    created = client.post({"city": "Oslo"})
    assert created.status_code == 201, created.text
    lead, etag = assert_json(created), created.headers["ETag"]

    # When ten clients update that version at once, each with its own change
    def update(n: int) -> requests.Response:
        return client.patch(lead["id"], change(n), headers={"If-Match": etag})

    responses = all_at_once(10, update)

    # Then exactly one wins and the rest answer 412 in the error shape
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [412] * 9, [(r.status_code, r.text[:200]) for r in responses]
    (winner,) = [response for response in responses if response.status_code == 200]
    for response in responses:
        if response.status_code == 412:
            assert_error(response, 412, code="precondition_failed", param="If-Match")
    # And what is stored is exactly the winner's answer, at the winner's version
    winning = assert_lead(assert_json(winner))
    assert winner.headers["ETag"] != etag
    stored = client.get(lead["id"])
    assert assert_json(stored) == winning
    assert stored.headers["ETag"] == winner.headers["ETag"]
    assert winning == {
        **lead,
        **change(responses.index(winner)),
        **_derived(winning),
        **_times(winning),
    }
    assert client.total() == 1


def _derived(lead: dict[str, Any]) -> dict[str, Any]:
    return {"lead_name": lead["first_name"]} if lead["first_name"] else {}


def _times(lead: dict[str, Any]) -> dict[str, Any]:
    return {"updated_at": lead["updated_at"]}


def test_concurrent_retries_of_one_idempotent_create_make_one_lead(client: LeadsClient) -> None:
    # When ten retries of one create (same Idempotency-Key, same body) arrive at once
    key = f"retry-{uuid.uuid4()}"
    body = {"company_name": "Once Corp", "city": "Lisbon"}

    def create(_: int) -> requests.Response:
        return client.post(body, headers={"Idempotency-Key": key})

    responses = all_at_once(10, create)

    # Then each answers 201 with the one lead, or 409 while the first is still in progress
    created = [response for response in responses if response.status_code == 201]
    assert created, [response.text[:200] for response in responses]
    assert {response.status_code for response in responses} <= {201, 409}
    first = assert_lead(assert_json(created[0]))
    for response in created:
        assert assert_json(response) == first
        assert response.headers["ETag"] == created[0].headers["ETag"]
    for response in responses:
        if response.status_code == 409:
            assert_error(response, 409, code="idempotency_in_progress", param="Idempotency-Key")
    # And a later retry answers the same lead
    later = create(0)
    assert later.status_code == 201 and assert_json(later) == first
    # And exactly one lead exists
    assert client.total() == 1
    assert client.ids() == [first["id"]]

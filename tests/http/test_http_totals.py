"""`total` stays the tenant's exact count across creates and deletes, sequential and
concurrent, and a lead is deleted (and uncounted) exactly once."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from support.assertions import assert_error, assert_json
from support.client import LeadsClient

pytestmark = pytest.mark.http


def test_total_follows_creates_and_deletes(client: LeadsClient) -> None:
    # Given a fresh tenant
    assert client.total() == 0

    # When leads are created and deleted one at a time, Then total follows each step
    ids = []
    for n in range(1, 6):
        ids.append(client.create(company_name=f"Lead {n}")["id"])
        assert client.total() == n
    for n, lead_id in enumerate(ids[:3], start=1):
        assert client.delete(lead_id).status_code == 200
        assert client.total() == 5 - n
    # And a failed delete (already gone) does not count
    assert_error(client.delete(ids[0]), 404, code="resource_missing")
    assert client.total() == 2
    assert sorted(client.ids()) == sorted(ids[3:])


def test_total_is_exact_after_concurrent_creates_then_concurrent_deletes(
    client: LeadsClient,
) -> None:
    # When 40 leads are created concurrently
    with ThreadPoolExecutor(8) as pool:
        created = list(pool.map(lambda n: client.post({"company_name": f"Lead {n}"}), range(40)))
    assert [response.status_code for response in created] == [201] * 40
    ids = [assert_json(response)["id"] for response in created]

    # Then all 40 are stored and counted
    assert len(set(ids)) == 40
    assert client.total() == 40
    assert sorted(client.ids()) == sorted(ids)

    # When 20 of them are deleted concurrently
    with ThreadPoolExecutor(8) as pool:
        deleted = list(pool.map(client.delete, ids[:20]))

    # Then each delete succeeded once, and exactly the other 20 remain, counted
    assert [response.status_code for response in deleted] == [200] * 20
    assert [assert_json(response) for response in deleted] == [
        {"id": lead_id, "deleted": True} for lead_id in ids[:20]
    ]
    assert client.total() == 20
    assert sorted(client.ids()) == sorted(ids[20:])


def test_concurrent_deletes_of_one_lead_succeed_exactly_once(client: LeadsClient) -> None:
    # Given a tenant with three leads
    target = client.create(company_name="Target")["id"]
    others = [client.create(company_name=f"Other {n}")["id"] for n in range(2)]

    # When ten requests delete the same lead at once
    with ThreadPoolExecutor(10) as pool:
        responses = list(pool.map(lambda _: client.delete(target), range(10)))

    # Then exactly one answers 200 and the rest 404
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [404] * 9, statuses
    for response in responses:
        if response.status_code == 404:
            assert_error(response, 404, code="resource_missing")

    # And the lead was uncounted exactly once
    assert client.total() == 2
    assert sorted(client.ids()) == sorted(others)


def test_total_is_exact_after_creates_and_deletes_interleaved(client: LeadsClient) -> None:
    # Given 15 leads
    existing = [client.create(company_name=f"Old {n}")["id"] for n in range(15)]

    # When 20 creates and 10 deletes (of existing leads) run at the same time
    def work(item: tuple[str, Any]) -> tuple[str, Any]:
        kind, value = item
        if kind == "create":
            return kind, client.post({"company_name": f"New {value}"})
        return kind, client.delete(value)

    jobs: list[tuple[str, Any]] = []
    for n in range(20):
        jobs.append(("create", n))
        if n < 10:
            jobs.append(("delete", existing[n]))
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, jobs))

    # Then all succeeded, and the total is 15 + 20 - 10
    assert all(
        response.status_code == (201 if kind == "create" else 200) for kind, response in results
    ), [(kind, response.status_code, response.text[:200]) for kind, response in results]
    new_ids = [assert_json(r)["id"] for kind, r in results if kind == "create"]
    assert client.total() == 25
    assert sorted(client.ids()) == sorted(existing[10:] + new_ids)


def test_updates_racing_a_delete_never_resurrect_the_lead(client: LeadsClient) -> None:
    # Given a lead
    lead = client.create(company_name="Racer", first_name="Ada")

    # When updates (plain and name-deriving) race its delete
    def work(n: int) -> int:
        if n == 5:
            return client.delete(lead["id"]).status_code
        body = {"city": f"City {n}"} if n % 2 else {"lead_name": None, "last_name": f"L{n}"}
        return client.patch(lead["id"], body).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(work, range(12)))

    # Then the delete succeeded, each update either happened before it or found nothing,
    # and afterwards the lead is gone and uncounted
    assert statuses[5] == 200
    assert set(statuses) <= {200, 404}, statuses
    assert_error(client.get(lead["id"]), 404, code="resource_missing")
    assert client.page() == {"data": [], "has_more": False, "total": 0}

"""Paging through a few hundred leads with limit and offset: no repeats, no gaps, strictly
newest first (created_at, then id, both descending: the index sorts on "<created_at>#<id>"),
the exact total on every page, and has_more exactly when more follow."""

import itertools
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from support.assertions import assert_json, newest_first
from support.client import LeadsClient

pytestmark = pytest.mark.http

LEADS = 250


def _page_through(owner: LeadsClient, limit: int) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    while True:
        response = owner.get_list({"limit": limit, "offset": len(seen)})
        where = f"limit={limit} offset={len(seen)}"
        assert response.status_code == 200, f"{where}: {response.status_code} {response.text}"
        page = assert_json(response)
        # Every page: the exact total, a full page unless it is the last, has_more iff more
        remaining = LEADS - len(seen)
        assert page["total"] == LEADS, where
        assert len(page["data"]) == min(limit, remaining), where
        assert page["has_more"] is (remaining > limit), where
        seen.extend(page["data"])
        if not page["has_more"]:
            return seen


def test_paging_through_250_leads_with_offset(client: LeadsClient) -> None:
    # Given a fresh tenant with 250 leads, created 8 at a time
    with ThreadPoolExecutor(8) as pool:
        created = list(pool.map(lambda n: client.create(company_name=f"L{n:03}"), range(LEADS)))
    assert len({lead["id"] for lead in created}) == LEADS
    expected = newest_first(created)
    expected_ids = [lead["id"] for lead in expected]

    # When an offset at or past the end is asked for
    # Then the page is empty, nothing more follows, and the total is exact
    for offset in (LEADS, LEADS + 1, LEADS * 10):
        assert client.page(offset=offset) == {"data": [], "has_more": False, "total": LEADS}
    # And the page that ends exactly at the end has nothing more to follow; one before does
    assert client.page(offset=LEADS - 7, limit=7) == {
        "data": expected[-7:],
        "has_more": False,
        "total": LEADS,
    }
    assert client.page(offset=LEADS - 8, limit=7)["has_more"] is True

    for limit in (7, 20, 100):
        # When the whole list is paged through with this limit and a growing offset
        seen = _page_through(client, limit)

        # Then every lead comes exactly once, as stored, strictly newest first
        ids = [lead["id"] for lead in seen]
        assert len(set(ids)) == len(ids) == LEADS, f"repeats with limit {limit}"
        assert set(ids) == set(expected_ids), f"gaps with limit {limit}"
        keys = [(lead["created_at"], lead["id"]) for lead in seen]
        assert all(a > b for a, b in itertools.pairwise(keys)), f"order with limit {limit}"
        assert ids == expected_ids, f"order with limit {limit}"
        assert seen == expected

"""Paging through a thousand leads by cursor (starting_after / ending_before): every lead
exactly once, newest first, also while new leads are being created between pages."""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from support.assertions import assert_error, newest_first
from support.client import LeadsClient

pytestmark = pytest.mark.http

LEADS = 1000


def _walk_older(client: LeadsClient, limit: int) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": limit}
    while True:
        page = client.page(**params)
        seen.extend(page["data"])
        if not page["has_more"]:
            return seen
        params = {"limit": limit, "starting_after": seen[-1]["id"]}


@pytest.mark.slow
def test_a_thousand_leads_by_cursor_each_exactly_once_while_leads_are_created(
    client: LeadsClient,
) -> None:
    # Given a tenant with a thousand leads
    with ThreadPoolExecutor(8) as pool:
        created = list(pool.map(lambda n: client.create(company_name=f"L{n:04}"), range(LEADS)))
    expected = [lead["id"] for lead in newest_first(created)]

    # When it is paged through by cursor while another writer keeps creating leads
    stop = threading.Event()
    added: list[str] = []

    def keep_creating() -> None:
        while not stop.is_set():
            added.append(client.create(company_name="arrived while paging")["id"])

    writer = threading.Thread(target=keep_creating)
    writer.start()
    try:
        seen = [lead["id"] for lead in _walk_older(client, 100)]
    finally:
        stop.set()
        writer.join()

    # Then the thousand come exactly once and in order; leads created meanwhile are newer
    # than the first page's cursor, so they never shift the pages after it
    assert added, "the writer created nothing while paging"
    original = [lead_id for lead_id in seen if lead_id not in set(added)]
    assert original == expected
    assert len(seen) == len(set(seen))

    # And paging back from the oldest with ending_before returns them in the same order
    back: list[str] = []
    cursor = expected[-1]
    while True:
        page = client.page(limit=100, ending_before=cursor)
        back = [lead["id"] for lead in page["data"]] + back
        if not page["has_more"]:
            break
        cursor = back[0]
    assert [lead_id for lead_id in back if lead_id not in set(added)] == expected[:-1]
    assert back[: len(added)] == list(reversed(added))


def test_cursor_parameters_are_validated(client: LeadsClient, new_client: Any) -> None:
    lead = client.create()
    stranger = new_client().create()
    for params, param in (
        ({"starting_after": "lead_doesnotexist"}, "starting_after"),
        ({"ending_before": stranger["id"]}, "ending_before"),
        ({"starting_after": lead["id"], "offset": 1}, "starting_after"),
        ({"starting_after": lead["id"], "ending_before": lead["id"]}, "ending_before"),
    ):
        assert_error(client.get_list(params), 400, type_="invalid_request_error", param=param)

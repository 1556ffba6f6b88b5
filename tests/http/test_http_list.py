"""GET /api/crm/lead: limit and offset, their validation, and newest-first order."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from support.assertions import assert_error, assert_json, newest_first
from support.client import LeadsClient
from support.local_api import LocalApi

pytestmark = pytest.mark.http


@pytest.fixture(scope="module")
def tenant_with_25(local_api: LocalApi) -> tuple[LeadsClient, list[dict[str, Any]]]:
    """A tenant of its own with 25 leads (created concurrently), newest first."""
    owner = local_api.new_client()
    with ThreadPoolExecutor(8) as pool:
        leads = list(pool.map(lambda n: owner.create(company_name=f"Lead {n:02}"), range(25)))
    return owner, newest_first(leads)


def test_an_empty_tenant_lists_nothing(client: LeadsClient) -> None:
    response = client.get_list()
    assert response.status_code == 200
    assert assert_json(response) == {"data": [], "has_more": False, "total": 0}


def test_default_limit_is_20(tenant_with_25: tuple[LeadsClient, list[dict[str, Any]]]) -> None:
    # Given 25 leads
    owner, leads = tenant_with_25

    # When the list is asked for without parameters
    page = owner.page()

    # Then the 20 newest come, with more to follow and the exact total
    assert page == {"data": leads[:20], "has_more": True, "total": 25}


@pytest.mark.parametrize(
    ("params", "expected_slice", "has_more"),
    [
        ({"limit": "1"}, slice(0, 1), True),
        ({"limit": "24"}, slice(0, 24), True),
        ({"limit": "25"}, slice(0, 25), False),
        ({"limit": "100"}, slice(0, 25), False),
        ({"limit": "5", "offset": "0"}, slice(0, 5), True),
        ({"limit": "5", "offset": "20"}, slice(20, 25), False),
        ({"limit": "5", "offset": "19"}, slice(19, 24), True),
        ({"offset": "10"}, slice(10, 25), False),
        ({"offset": "5"}, slice(5, 25), False),
        ({"offset": "4"}, slice(4, 24), True),
        ({"limit": "3", "offset": "24"}, slice(24, 25), False),
        ({"limit": "007"}, slice(0, 7), True),
    ],
    ids=lambda value: str(value) if not isinstance(value, slice) else "",
)
def test_limit_and_offset_select_the_page(
    tenant_with_25: tuple[LeadsClient, list[dict[str, Any]]],
    params: dict[str, str],
    expected_slice: slice,
    has_more: bool,
) -> None:
    owner, leads = tenant_with_25
    page = owner.page(**params)
    assert page == {"data": leads[expected_slice], "has_more": has_more, "total": 25}


@pytest.mark.parametrize("offset", ["25", "26", "1000", "999999999"])
def test_offset_at_or_past_the_end_is_an_empty_page(
    tenant_with_25: tuple[LeadsClient, list[dict[str, Any]]], offset: str
) -> None:
    owner, _ = tenant_with_25
    assert owner.page(offset=offset) == {"data": [], "has_more": False, "total": 25}
    assert owner.page(offset=offset, limit="100") == {"data": [], "has_more": False, "total": 25}


BAD_LIMITS = ["0", "101", "abc", "-1", "1.5", "", " 5", "5 ", "1e1", "+5", "0x10", "١٢"]
BAD_OFFSETS = ["-1", "abc", "1.5", "", "+1", "1e3", "٣"]


@pytest.mark.parametrize("limit", BAD_LIMITS, ids=repr)
def test_invalid_limit_is_400_naming_limit(shared_client: LeadsClient, limit: str) -> None:
    response = shared_client.get_list({"limit": limit})
    assert_error(response, 400, type_="invalid_request_error", param="limit")


@pytest.mark.parametrize("offset", BAD_OFFSETS, ids=repr)
def test_invalid_offset_is_400_naming_offset(shared_client: LeadsClient, offset: str) -> None:
    response = shared_client.get_list({"offset": offset})
    assert_error(response, 400, type_="invalid_request_error", param="offset")


@pytest.mark.parametrize("name", ["page", "sort", "Limit", "OFFSET", "per_page", "q"])
def test_unknown_query_parameter_is_400_naming_it(shared_client: LeadsClient, name: str) -> None:
    response = shared_client.get_list({name: "1"})
    assert_error(response, 400, code="parameter_unknown", param=name)


def test_a_repeated_query_parameter_is_400(shared_client: LeadsClient) -> None:
    response = shared_client.get_list([("limit", "1"), ("limit", "2")])
    assert_error(response, 400, param="limit")


def test_newest_first(client: LeadsClient) -> None:
    # Given three leads created one after another
    first = client.create(company_name="First")
    second = client.create(company_name="Second")
    third = client.create(company_name="Third")

    # When they are listed, Then the most recently created comes first
    assert client.page() == {"data": [third, second, first], "has_more": False, "total": 3}

"""Read-only keys (rk_test_..., rk_live_...) through `leads serve`: API Gateway itself refuses
every request but a GET, from the authorizer's policy, whichever route asked first (it caches
one answer per key for all routes)."""

from typing import Any

import pytest
import requests

from support.assertions import assert_error
from support.client import LeadsClient
from support.local_api import LocalApi
from support.reference import COLLECTION, ITEM

pytestmark = pytest.mark.http

WRITES = (("POST", COLLECTION), ("PATCH", ITEM), ("DELETE", ITEM))
READS = (("GET", COLLECTION), ("GET", ITEM))


def send(client: LeadsClient, method: str, path: str, lead_id: str) -> requests.Response:
    body = {"company_name": "Written"} if method in ("POST", "PATCH") else None
    return client.request(method, path.format(id=lead_id), json=body)


def assert_read_only_refusal(answer: requests.Response) -> None:
    """403 permission_error, saying what the key may do."""
    error = assert_error(answer, 403, type_="permission_error", code="access_denied", param=None)
    assert "read-only" in error["message"] and "GET" in error["message"], error


@pytest.fixture
def tenant(local_api: LocalApi) -> tuple[LeadsClient, dict[str, Any]]:
    """A tenant's secret-key client and one of its leads."""
    owner = local_api.new_client()
    return owner, owner.create(company_name="Acme", city="Berlin")


def read_only(local_api: LocalApi, owner: LeadsClient, mode: str = "test") -> LeadsClient:
    key_id, key = local_api.create_key(owner.account, mode, "--read-only")
    assert key.startswith(f"rk_{mode}_")
    return LeadsClient(local_api, key, account=owner.account, mode=mode, key_id=key_id)


def test_a_read_only_key_reads_its_tenant(local_api: LocalApi, tenant: Any) -> None:
    owner, lead = tenant
    reader = read_only(local_api, owner)

    assert reader.lead(lead["id"]) == lead
    assert reader.page() == {"data": [lead], "has_more": False, "total": 1}


@pytest.mark.parametrize(("method", "path"), WRITES, ids=[m for m, _ in WRITES])
def test_a_read_only_key_is_refused_every_write_and_changes_nothing(
    local_api: LocalApi, tenant: Any, method: str, path: str
) -> None:
    # Given a tenant with a lead, and a read-only key of it
    owner, lead = tenant
    reader = read_only(local_api, owner)

    # When the read-only key writes
    answer = send(reader, method, path, lead["id"])

    # Then API Gateway refuses it, saying what the key may do, and nothing changed
    assert_read_only_refusal(answer)
    assert owner.page() == {"data": [lead], "has_more": False, "total": 1}


@pytest.mark.parametrize(("first_method", "first_path"), WRITES + READS)
def test_the_cached_answer_is_right_for_every_route_whichever_route_asked_first(
    local_api: LocalApi, tenant: Any, first_method: str, first_path: str
) -> None:
    # Given a read-only key whose first request (authorized, and cached for 300 s) is this one
    owner, lead = tenant
    reader = read_only(local_api, owner)
    send(reader, first_method, first_path, lead["id"])

    # When it then calls every route
    reads = [send(reader, method, path, lead["id"]) for method, path in READS]
    writes = [send(reader, method, path, lead["id"]) for method, path in WRITES]

    # Then every read is allowed and every write refused: the cached policy grants no write
    # to any route, and denies no read
    assert [answer.status_code for answer in reads] == [200, 200]
    for answer in writes:
        assert_read_only_refusal(answer)
    assert owner.lead(lead["id"]) == lead


def test_a_live_read_only_key_reads_live_data_only(local_api: LocalApi) -> None:
    owner = local_api.new_client(mode="live")
    lead = owner.create(company_name="Live Corp")
    reader = read_only(local_api, owner, mode="live")

    assert reader.page()["data"] == [lead]
    assert_read_only_refusal(reader.delete(lead["id"]))

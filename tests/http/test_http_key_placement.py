"""A key anywhere but the Authorization header (query string, other headers, cookies) is never
accepted through the gateway, on any route, and the request changes nothing."""

from typing import Any

import pytest

from support.assertions import assert_unauthorized
from support.client import LeadsClient
from support.local_api import LocalApi
from support.reference import ROUTES, key_placements

pytestmark = pytest.mark.http


@pytest.fixture(scope="module")
def owner(local_api: LocalApi) -> tuple[LeadsClient, dict[str, Any]]:
    client = local_api.new_client()
    return client, client.create(company_name="Owner Corp")


@pytest.mark.parametrize("route", ROUTES, ids=[f"{method} {path}" for method, path in ROUTES])
def test_a_key_outside_the_authorization_header_is_never_accepted(
    route: tuple[str, str], owner: tuple[LeadsClient, dict[str, Any]]
) -> None:
    client, lead = owner
    method, path = route
    body = {"company_name": "Intruder"} if method in ("POST", "PATCH") else None
    for name, placement in key_placements(client.key).items():
        for authorization in (None, "Bearer sk_test_not_a_key"):
            response = client.request(
                method,
                path.format(id=lead["id"]),
                authorization=authorization,
                json=body,
                **placement,
            )
            assert response.status_code == 401, (name, authorization, response.text)
            assert_unauthorized(response)
    # And nothing was created, changed or deleted
    assert client.lead(lead["id"]) == lead
    assert client.total() == 1

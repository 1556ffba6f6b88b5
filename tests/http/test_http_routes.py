"""Routes the API does not have: API Gateway's own 404, in the API's error shape."""

import pytest

from support.assertions import assert_error
from support.client import LeadsClient

pytestmark = pytest.mark.http

UNKNOWN_ROUTES = [
    ("GET", "/"),
    ("GET", "/api"),
    ("GET", "/api/crm"),
    ("GET", "/api/crm/leads"),
    ("POST", "/api/crm/leads"),
    ("GET", "/api/crm/leads/lead_abc123"),
    ("GET", "/api/crm/lead/"),
    ("GET", "/api/crm/lead/lead_abc123/extra"),
    ("GET", "/API/CRM/LEAD"),
    ("PUT", "/api/crm/lead"),
    ("PUT", "/api/crm/lead/lead_abc123"),
    ("PATCH", "/api/crm/lead"),
    ("DELETE", "/api/crm/lead"),
    ("POST", "/api/crm/lead/lead_abc123"),
    ("GET", "/dev/api/crm/lead"),
    # The batch resource has POST only: its other methods never fall through to /{id}.
    ("GET", "/api/crm/lead/batch"),
    ("PATCH", "/api/crm/lead/batch"),
    ("DELETE", "/api/crm/lead/batch"),
    ("POST", "/api/crm/lead/batch/more"),
]


@pytest.mark.parametrize("with_key", [True, False], ids=["with key", "without key"])
@pytest.mark.parametrize(
    ("method", "path"), UNKNOWN_ROUTES, ids=[f"{m} {p}" for m, p in UNKNOWN_ROUTES]
)
def test_unknown_route_is_404_route_not_found(
    shared_client: LeadsClient, method: str, path: str, with_key: bool
) -> None:
    # Given a route (method and path) that template.yaml does not define
    # When it is called, with or without a valid key
    response = shared_client.request(
        method, path, authorization="default" if with_key else None, json={}
    )

    # Then API Gateway answers 404 route_not_found in the error shape, not 401 or 403
    assert_error(response, 404, type_="invalid_request_error", code="route_not_found", param=None)


def test_cors_preflight_needs_no_key_and_allows_no_origin_by_default(
    shared_client: LeadsClient,
) -> None:
    # Given the default template (no CORS origins allowed)
    # When a browser sends a preflight without credentials
    response = shared_client.request(
        "OPTIONS",
        "/api/crm/lead",
        authorization=None,
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )

    # Then it is answered (it is outside the authorizer) but allows no origin
    assert response.status_code == 204
    assert "Access-Control-Allow-Origin" not in response.headers

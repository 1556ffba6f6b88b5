"""CORS: no grant unless CorsAllowedOrigins lists the caller's origin."""

import pytest

from leads_domain.container import forget_all
from support.events import api_event
from support.functions import invoke, load_function


@pytest.fixture
def allowed_origins(monkeypatch):
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", "https://app.example.com, https://admin.example.com")
    forget_all()
    yield
    monkeypatch.undo()
    forget_all()


def test_no_origins_configured_means_no_cors_headers(dynamodb, tenant):
    event = api_event("GET", "/api/crm/lead", tenant=tenant, headers={"Origin": "https://x.io"})
    _, _, headers = invoke("list_leads", event)
    assert not any(name.startswith("Access-Control") for name in headers)


def test_an_allowed_origin_is_granted_and_may_read_the_etag(dynamodb, tenant, allowed_origins):
    event = api_event(
        "POST",
        "/api/crm/lead",
        tenant=tenant,
        body={},
        headers={"Origin": "https://admin.example.com", "Content-Type": "application/json"},
    )
    status, _, headers = invoke("create_lead", event)
    assert status == 201
    assert headers["Access-Control-Allow-Origin"] == "https://admin.example.com"
    assert "ETag" in headers["Access-Control-Expose-Headers"]


def test_another_origin_is_not_granted(dynamodb, tenant, allowed_origins):
    event = api_event("GET", "/api/crm/lead", tenant=tenant, headers={"Origin": "https://evil.io"})
    _, _, headers = invoke("list_leads", event)
    assert "Access-Control-Allow-Origin" not in headers and headers["Vary"] == "Origin"


def test_preflight_allows_the_headers_clients_send(allowed_origins):
    preflight = load_function("cors_preflight").lambda_handler(
        {"httpMethod": "OPTIONS", "headers": {"Origin": "https://app.example.com"}}, None
    )
    assert preflight["statusCode"] == 204
    allowed = preflight["headers"]["Access-Control-Allow-Headers"]
    assert {"Authorization", "Content-Type", "Idempotency-Key", "If-Match"} <= set(
        allowed.split(",")
    )
    refused = load_function("cors_preflight").lambda_handler(
        {"httpMethod": "OPTIONS", "headers": {"Origin": "https://evil.io"}}, None
    )
    assert "Access-Control-Allow-Origin" not in refused["headers"]

"""The authorizer's answer for scoped, expiring and rate-limited keys, and the functions' own
check when API Gateway skipped the authorizer (its console "Test" button): the same scopes,
the same expiry."""

import json

import pytest

from leads_cli import template as template_module
from leads_cli.keys import create_key
from leads_cli.local_authorizer import policy_allows
from leads_domain import scopes
from leads_domain.api_keys import digest
from leads_domain.data import key_records
from leads_domain.tenancy import Tenant
from leads_domain.timestamps import after
from support.assertions import assert_error
from support.events import api_event, authorizer_event, json_api_event
from support.functions import authorize, invoke
from support.reference import COLLECTION
from support.stored import stored

STAGE_ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/dev"
# Every route of the template, and routes other issues add (batch, webhooks, events): a
# policy must be right for all of them.
ROUTES = sorted(
    {(route.method, route.path) for route in template_module.load().routes}
    | {
        ("POST", "/api/crm/lead/batch"),
        ("GET", "/api/crm/event"),
        ("POST", "/api/crm/webhook_endpoint"),
        ("DELETE", "/api/crm/webhook_endpoint/{id}"),
    }
)
WRITES = [
    ("POST", COLLECTION),
    ("PATCH", f"{COLLECTION}/lead_x"),
    ("DELETE", f"{COLLECTION}/lead_x"),
]


def method_arn(method: str, path: str) -> str:
    return f"{STAGE_ARN}/{method}{path.format(id='lead_abc123')}"


def run_authorizer(key: str, method: str = "GET", path: str = COLLECTION) -> dict:
    return authorize(authorizer_event(f"Bearer {key}", method_arn(method, path)))


@pytest.mark.parametrize(
    ("asked_method", "asked_path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES]
)
def test_a_read_only_keys_cached_policy_grants_reads_only_whichever_route_asked(
    dynamodb, tenant, asked_method, asked_path
):
    # Given a read-only key, authorized first for this route (the answer API Gateway caches)
    _, key = create_key(tenant.account, scope=scopes.READ_ONLY)
    answer = run_authorizer(key, asked_method, asked_path)

    # Then the policy allows every GET and nothing else, on every route
    for method, path in ROUTES:
        allowed = policy_allows(answer["policyDocument"], method_arn(method, path))
        assert allowed == (method == "GET"), (method, path)
    assert answer["context"]["scope"] == "read_only"


def test_a_secret_keys_policy_allows_every_route(dynamodb, tenant):
    _, key = create_key(tenant.account)
    answer = run_authorizer(key, "DELETE", "/api/crm/lead/{id}")
    for method, path in ROUTES:
        assert policy_allows(answer["policyDocument"], method_arn(method, path))
    assert answer["context"]["scope"] == "full"


def test_the_authorizer_returns_the_tenants_usage_plan_key_and_never_another_tenants(
    dynamodb, tenant
):
    # Given a tenant whose usage plan key is recorded, and a tenant without one
    limits = key_records.tenant_limits(tenant)
    assert key_records.set_usage_key(limits, "apikey1", "usage-value-of-the-tenant-0001")
    _, key = create_key(tenant.account)
    _, restricted = create_key(tenant.account, scope=scopes.READ_ONLY)
    _, other = create_key(tenant.account + "x")

    # Then both keys of the first tenant name its usage plan key; the other names none
    assert run_authorizer(key)["usageIdentifierKey"] == "usage-value-of-the-tenant-0001"
    assert run_authorizer(restricted)["usageIdentifierKey"] == "usage-value-of-the-tenant-0001"
    assert "usageIdentifierKey" not in run_authorizer(other)


def test_an_expired_key_is_refused_and_one_expiring_later_is_not(dynamodb, tenant):
    # Given two keys, one expiring in an hour and one whose expiry has passed
    _, later = create_key(tenant.account, expires_at=after(3600))
    _, expired = create_key(tenant.account)
    record = key_records.find_by_digest(digest(expired))
    assert key_records.expire(record, after(-1))

    # Then the authorizer accepts only the first
    assert run_authorizer(later)["context"]["account"] == tenant.account
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        run_authorizer(expired)
    # And so do the functions, checking the key themselves
    no_context = api_event("GET", COLLECTION, headers={"Authorization": f"Bearer {expired}"})
    assert_error(invoke("list_leads", no_context), 401, code="api_key_invalid")


def test_expiry_only_ever_comes_sooner(dynamodb, tenant):
    _, key = create_key(tenant.account, expires_at=after(60))
    record = key_records.find_by_digest(digest(key))
    assert key_records.expire(record, after(3600))["expires_at"] == record["expires_at"]


@pytest.mark.parametrize(("method", "path"), WRITES, ids=[m for m, _ in WRITES])
def test_without_the_authorizer_a_read_only_key_is_refused_writes_and_nothing_changes(
    dynamodb, tenant, method, path
):
    # Given a tenant with a lead and a read-only key, and the console's test (no authorizer)
    _, key = create_key(tenant.account, scope=scopes.READ_ONLY)
    lead = invoke("create_lead", json_api_event("POST", COLLECTION, tenant, body={"city": "Rome"}))
    before = stored(dynamodb, tenant)
    event = api_event(
        method,
        path.replace("lead_x", lead.body["id"]),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        raw_body=json.dumps({"city": "Oslo"}) if method != "DELETE" else None,
    )

    # When the read-only key writes
    function = {"POST": "create_lead", "PATCH": "update_lead", "DELETE": "delete_lead"}[method]
    answer = invoke(function, event)

    # Then the function refuses it as API Gateway would, naming what the key may do
    error = assert_error(answer, 403, type_="permission_error", code="access_denied", param=None)
    assert error["message"] == "This API key is read-only: it may only send GET requests."
    assert stored(dynamodb, tenant) == before


def test_without_the_authorizer_a_read_only_key_reads(dynamodb, tenant):
    _, key = create_key(tenant.account, scope=scopes.READ_ONLY)
    headers = {"Authorization": f"Bearer {key}"}
    status, body, _ = invoke("list_leads", api_event("GET", COLLECTION, headers=headers))
    assert status == 200 and body["total"] == 0


def test_the_functions_also_hold_the_scope_the_authorizer_passed_on(dynamodb, tenant):
    # Given a request the authorizer let through with a read-only scope (defence in depth: a
    # policy that allowed too much would still not write)
    event = json_api_event("POST", COLLECTION, tenant, body={"city": "Oslo"})
    event["requestContext"]["authorizer"]["scope"] = "read_only"

    assert_error(invoke("create_lead", event), 403, type_="permission_error")
    assert stored(dynamodb, Tenant(tenant.account, tenant.mode)).leads == {}

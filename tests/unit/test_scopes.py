"""Scopes as data: what each kind of key may call, for the authorizer's policy and the
functions' own check alike."""

import pytest

from leads_domain import scopes
from support.reference import COLLECTION, ROUTES

ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/dev"
PATHS = [path.format(id="lead_abc") for _, path in ROUTES]
METHODS = ("GET", "POST", "PATCH", "DELETE", "PUT", "HEAD")


def test_a_secret_key_may_send_any_request():
    for method in METHODS:
        for path in PATHS:
            assert scopes.allows(scopes.FULL, method, path)


@pytest.mark.parametrize("path", PATHS)
def test_a_read_only_key_may_only_get(path):
    for method in METHODS:
        assert scopes.allows(scopes.READ_ONLY, method, path) == (method == "GET"), method


def test_routes_that_do_not_exist_yet_are_covered_by_the_same_rule():
    # The batch and webhook routes of other issues: a write is refused, a read allowed.
    for path in ("/api/crm/lead/batch", "/api/crm/webhook_endpoint/we_1", "/api/crm/event"):
        assert not scopes.allows(scopes.READ_ONLY, "POST", path)
        assert not scopes.allows(scopes.READ_ONLY, "DELETE", path)
        assert scopes.allows(scopes.READ_ONLY, "GET", path)


def test_an_unknown_scope_allows_nothing():
    assert not scopes.allows("admin", "GET", COLLECTION)
    assert "may not" in scopes.describe("admin")


@pytest.mark.parametrize("scope", list(scopes.SCOPES))
def test_the_policy_is_the_same_whichever_route_asked(scope):
    asked = [f"{ARN}/{method}{path}" for method in ("GET", "POST", "DELETE") for path in PATHS]
    policies = {tuple(scopes.policy_resources(scope, method_arn)) for method_arn in asked}
    assert len(policies) == 1
    (resources,) = policies
    assert all(resource.startswith(f"{ARN}/") for resource in resources)


def test_every_restricted_scope_is_described_and_no_restricted_scope_is_full():
    assert scopes.FULL not in scopes.RESTRICTED_SCOPES
    assert scopes.READ_ONLY in scopes.RESTRICTED_SCOPES
    for name in scopes.RESTRICTED_SCOPES:
        assert scopes.describe(name) == scopes.SCOPES[name].description
        # Restricted means something is refused.
        assert not all(scopes.allows(name, m, p) for m in METHODS for p in PATHS)

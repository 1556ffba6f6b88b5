"""The authorization matrix, on all five routes: missing and malformed headers, unknown,
mistyped and revoked keys, the authorizer cache, and test/live separation."""

from typing import Any

import pytest
import requests

from leads_domain.api_keys import generate_key
from support.assertions import assert_error, assert_lead, assert_unauthorized
from support.client import LeadsClient
from support.local_api import LocalApi, run_leads
from support.reference import COLLECTION, ROUTES

pytestmark = pytest.mark.http

ROUTE_IDS = [f"{method} {path}" for method, path in ROUTES]


@pytest.fixture(scope="module")
def victim(local_api: LocalApi) -> tuple[LeadsClient, dict[str, Any]]:
    """A tenant of its own with one lead: what every refused request must leave untouched."""
    owner = local_api.new_client()
    lead = owner.create(company_name="Victim Corp", city="Berlin")
    return owner, lead


def call(
    client: LeadsClient, method: str, path: str, lead_id: str, authorization: str | None
) -> requests.Response:
    """One request to a route, with this Authorization header (None: no header at all)."""
    body = {"company_name": "Intruder"} if method in ("POST", "PATCH") else None
    return client.request(method, path.format(id=lead_id), authorization=authorization, json=body)


def assert_untouched(owner: LeadsClient, lead: dict[str, Any]) -> None:
    assert owner.lead(lead["id"]) == lead
    page = owner.page()
    assert page["total"] == 1
    assert [item["id"] for item in page["data"]] == [lead["id"]]


# Headers API Gateway's validation expression refuses before the authorizer runs.
MALFORMED_HEADERS = {
    "no header": None,
    "empty header": "",
    "Basic scheme": "Basic xyz",
    "Basic scheme with a key": "Basic {key}",
    "Bearers scheme": "Bearers {key}",
    "Token scheme": "Token {key}",
    "key without scheme": "{key}",
    "Bearer without key": "Bearer",
    "Bearer and a space": "Bearer ",
    "two spaces": "Bearer  {key}",
    "tab instead of space": "Bearer\t{key}",
    "two keys": "Bearer {key} {key}",
    "key with a dash": "Bearer {key}-x",
}


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=ROUTE_IDS)
@pytest.mark.parametrize("header", MALFORMED_HEADERS.values(), ids=MALFORMED_HEADERS.keys())
def test_missing_or_malformed_authorization_is_401(
    victim: tuple[LeadsClient, dict[str, Any]], method: str, path: str, header: str | None
) -> None:
    # Given a tenant with a lead and its valid key
    owner, lead = victim
    authorization = None if header is None else header.format(key=owner.key)

    # When a route is called without a well-formed "Bearer <key>" header
    response = call(owner, method, path, lead["id"], authorization)

    # Then API Gateway answers 401 in the error shape, and nothing changed
    assert_unauthorized(response)
    assert_untouched(owner, lead)


def _flip(key: str, position: int) -> str:
    character = key[position]
    return key[:position] + ("A" if character != "A" else "B") + key[position + 1 :]


# Keys that pass the validation expression but that the authorizer must refuse.
BAD_KEYS = {
    "unknown well-formed test key": lambda key: generate_key("test"),
    "unknown well-formed live key": lambda key: generate_key("live"),
    "one secret character flipped": lambda key: _flip(key, 12),
    "one checksum character flipped": lambda key: _flip(key, len(key) - 1),
    "test key relabelled live": lambda key: key.replace("sk_test_", "sk_live_", 1),
    "truncated key": lambda key: key[:-1],
    "key with an extra character": lambda key: key + "A",
    "not a key at all": lambda key: "abc",
    "key prefix only": lambda key: "sk_test_",
}


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=ROUTE_IDS)
@pytest.mark.parametrize("make_bad_key", BAD_KEYS.values(), ids=BAD_KEYS.keys())
def test_unknown_or_mistyped_key_is_401(
    victim: tuple[LeadsClient, dict[str, Any]], method: str, path: str, make_bad_key: Any
) -> None:
    # Given a tenant with a lead, and a key that is not one of its keys
    owner, lead = victim
    bad_key = make_bad_key(owner.key)
    assert bad_key != owner.key

    # When a route is called with that key
    response = call(owner, method, path, lead["id"], f"Bearer {bad_key}")

    # Then the authorizer refuses it: 401 in the error shape, nothing changed
    assert_unauthorized(response)
    assert_untouched(owner, lead)


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "bEaReR"])
def test_the_bearer_scheme_is_case_insensitive_on_every_route(
    local_api: LocalApi, scheme: str
) -> None:
    # Given a tenant's valid key, sent with the scheme in another case (RFC 9110, 11.1)
    owner = local_api.new_client()
    authorization = f"{scheme} {owner.key}"

    # When it calls every route, Then the gateway's check and the authorizer accept it
    created = owner.post({"company_name": "Acme"}, authorization=authorization)
    assert created.status_code == 201, created.text
    lead_id = created.json()["id"]
    assert owner.get_list(authorization=authorization).status_code == 200
    assert owner.get(lead_id, authorization=authorization).status_code == 200
    patched = owner.patch(lead_id, {"city": "Oslo"}, authorization=authorization)
    assert patched.status_code == 200, patched.text
    assert owner.delete(lead_id, authorization=authorization).status_code == 200


def test_every_route_works_with_a_valid_key(local_api: LocalApi) -> None:
    # Given a tenant's valid key (the control for the refusals above)
    owner = local_api.new_client()

    # When it calls every route, Then each answers success
    created = owner.post({"company_name": "Acme"})
    assert created.status_code == 201, created.text
    lead_id = created.json()["id"]
    assert owner.get_list().status_code == 200
    assert owner.get(lead_id).status_code == 200
    assert owner.patch(lead_id, {"city": "Oslo"}).status_code == 200
    assert owner.delete(lead_id).status_code == 200


@pytest.mark.local_only("only `leads serve` prints a key")
def test_the_key_printed_by_leads_serve_works(shared_client: LeadsClient) -> None:
    # Given the test key `leads serve` printed at startup
    # When it creates and reads a lead
    lead = shared_client.create(company_name="Printed Key Corp")

    # Then both succeed
    assert shared_client.lead(lead["id"]) == lead


def test_a_revoked_key_that_was_never_used_is_refused_on_every_route(
    local_api: LocalApi,
) -> None:
    # Given an account with a lead, and a second key of that account revoked before any use
    owner = local_api.new_client()
    lead = owner.create(company_name="Acme")
    key_id, key = local_api.create_key(owner.account)
    local_api.revoke_key(key_id)

    # When the revoked key calls each route
    responses = {
        (method, path): call(owner, method, path, lead["id"], f"Bearer {key}")
        for method, path in ROUTES
    }

    # Then each is refused with 401, and the account's data is unchanged
    for response in responses.values():
        assert_unauthorized(response)
    assert_untouched(owner, lead)


def test_a_used_key_revoked_stops_working_on_every_route_when_answers_are_not_cached(
    uncached_local_api: LocalApi,
) -> None:
    # Given a server without an authorizer cache, and a key that has been used on every route
    owner = uncached_local_api.new_client()
    keeper = uncached_local_api.new_client(account=owner.account)
    lead = owner.create(company_name="Acme")
    assert owner.get_list().status_code == 200
    assert owner.get(lead["id"]).status_code == 200
    lead = owner.update(lead["id"], city="Lima")
    spare = owner.create(company_name="Spare")
    assert owner.delete(spare["id"]).status_code == 200

    # When the key is revoked and then used again on each route
    assert owner.key_id is not None
    uncached_local_api.revoke_key(owner.key_id)
    responses = [
        call(owner, method, path, lead["id"], f"Bearer {owner.key}") for method, path in ROUTES
    ]

    # Then every route refuses it at once, and the data is as the key left it
    for response in responses:
        assert_unauthorized(response)
    assert_untouched(keeper, lead)


def test_a_key_revoked_without_telling_api_gateway_works_while_its_authorization_is_cached(
    local_api: LocalApi,
) -> None:
    # Given the default server (300 s authorizer cache) and a key that has just been used
    owner = local_api.new_client()
    assert owner.get_list().status_code == 200

    # When the key is revoked in the keys table only (the CLI told of no API Gateway, so the
    # stage's authorizer cache is not flushed)
    assert owner.key_id is not None
    output = run_leads(
        "keys", "revoke", owner.key_id, "--endpoint-url", local_api.dynamodb_endpoint
    )
    assert "flushed" not in output

    # Then API Gateway's cached answer still lets it in until the cache time passes: the
    # control for test_http_key_lifecycle.py, where `leads keys revoke` flushes it
    assert owner.get_list().status_code == 200
    lead = owner.create(company_name="Cached")
    assert owner.lead(lead["id"]) == lead


def test_one_cached_authorization_lets_the_key_use_every_route(local_api: LocalApi) -> None:
    # Given a key whose first request (a list) made API Gateway cache the authorizer's policy
    owner = local_api.new_client()
    assert owner.get_list().status_code == 200

    # When the same key calls the other routes within the cache time
    created = owner.post({"company_name": "Acme"})
    lead_id = created.json()["id"]
    got = owner.get(lead_id)
    patched = owner.patch(lead_id, {"city": "Rome"})
    deleted = owner.delete(lead_id)

    # Then the cached policy allows them all (it covers the whole API, not one route)
    assert [r.status_code for r in (created, got, patched, deleted)] == [201, 200, 200, 200]


def test_live_and_test_keys_of_one_account_see_separate_data(local_api: LocalApi) -> None:
    # Given one account with a test key and a live key, each with a lead of its own
    test = local_api.new_client(mode="test")
    live = local_api.new_client(account=test.account, mode="live")
    assert live.key.startswith("sk_live_") and test.key.startswith("sk_test_")
    test_lead = test.create(company_name="Test Data")
    live_lead = live.create(company_name="Live Data")

    # When each key reaches for the other mode's lead
    # Then it is not there: 404 on get, update and delete
    for reader, other in ((live, test_lead), (test, live_lead)):
        assert_error(reader.get(other["id"]), 404, code="resource_missing")
        assert_error(reader.patch(other["id"], {"city": "X"}), 404, code="resource_missing")
        assert_error(reader.delete(other["id"]), 404, code="resource_missing")

    # And each mode lists and counts only its own lead, unchanged
    assert test.page() == {"data": [test_lead], "has_more": False, "total": 1}
    assert live.page() == {"data": [live_lead], "has_more": False, "total": 1}


def test_an_unauthorized_request_creates_nothing(local_api: LocalApi) -> None:
    # Given a tenant with no leads
    owner = local_api.new_client()

    # When a create is sent with a bad key of the same shape
    response = owner.request(
        "POST",
        COLLECTION,
        authorization=f"Bearer {_flip(owner.key, 9)}",
        json={"company_name": "Ghost"},
    )

    # Then it is refused and the tenant still has no leads
    assert_unauthorized(response)
    assert owner.page() == {"data": [], "has_more": False, "total": 0}


def test_401_answers_carry_a_request_id_of_their_own(victim: Any) -> None:
    owner, _ = victim
    first = owner.request("GET", COLLECTION, authorization=None)
    second = owner.request("GET", COLLECTION, authorization=None)
    assert_unauthorized(first)
    assert_unauthorized(second)
    assert first.json()["error"]["request_id"] != second.json()["error"]["request_id"]
    assert_lead(owner.lead(victim[1]["id"]))

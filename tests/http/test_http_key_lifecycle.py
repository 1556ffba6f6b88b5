"""A key's life as an operator runs it with the `leads` CLI against `leads serve` (the default
300 s authorizer cache): revoked and refused on its very next request, rolled with and without
a grace period, listed with its expiry, its account removed."""

import re
from typing import Any

import pytest
import requests

from support.assertions import assert_unauthorized
from support.client import LeadsClient
from support.local_api import LocalApi, run_leads
from support.reference import ROUTES

pytestmark = pytest.mark.http


def every_route(client: LeadsClient, lead_id: str) -> list[requests.Response]:
    """One request to each route, in the reference's order; writes touch a spare lead."""
    answers = []
    for method, path in ROUTES:
        body = {"company_name": "Again"} if method in ("POST", "PATCH") else None
        answers.append(client.request(method, path.format(id=lead_id), json=body))
    return answers


def used_on_every_route(client: LeadsClient) -> dict[str, Any]:
    """A lead of the client's, after the client's key was used (and its authorization cached)
    on every route."""
    lead = client.create(company_name="Acme")
    spare = client.create(company_name="Spare")
    assert client.get_list().status_code == 200
    assert client.get(lead["id"]).status_code == 200
    lead = client.update(lead["id"], city="Lima")
    assert client.delete(spare["id"]).status_code == 200
    return lead


def listed(local_api: LocalApi, account: str) -> dict[str, dict[str, str]]:
    """`leads keys list`, as key id -> its columns."""
    lines = run_leads("keys", "list", "--account", account, *local_api.where()).splitlines()
    header = lines[0].split()
    return {line.split()[0]: dict(zip(header, line.split(), strict=True)) for line in lines[1:]}


def test_a_revoked_key_is_refused_on_its_very_next_request_despite_the_authorizer_cache(
    local_api: LocalApi,
) -> None:
    # Given a key whose authorization API Gateway has cached (300 s) on every route, and a
    # second key of the same account
    owner = local_api.new_client()
    keeper = local_api.new_client(account=owner.account)
    lead = used_on_every_route(owner)

    # When the operator revokes the key with the CLI
    assert owner.key_id is not None
    local_api.revoke_key(owner.key_id)

    # Then its very next request on every route is refused, and nothing it sent changed data
    for answer in every_route(owner, lead["id"]):
        assert_unauthorized(answer)
    assert keeper.lead(lead["id"]) == lead
    assert keeper.total() == 1
    # And the account's other key works on (the tenant keeps its usage plan key)
    assert keeper.get_list().status_code == 200


def test_rolling_with_a_grace_period_gives_a_new_key_and_both_work_until_the_old_expires(
    local_api: LocalApi,
) -> None:
    # Given a key in use
    old = local_api.new_client()
    lead = old.create(company_name="Acme")
    assert old.key_id is not None

    # When the operator rolls it with a day of grace
    new_id, new_key, expiry = local_api.roll_key(old.key_id, "24h")

    # Then the new key is of the same tenant and mode, and shown
    assert new_key.startswith("sk_test_") and new_key != old.key
    new = LeadsClient(local_api, new_key, account=old.account, key_id=new_id)
    assert new.lead(lead["id"]) == lead
    # And the old key still works, and is listed as expiring in a day; the new one never
    assert old.lead(lead["id"]) == lead
    keys = listed(local_api, old.account)
    assert keys[old.key_id]["status"] == "active"
    assert keys[old.key_id]["expires_at"] in expiry
    assert keys[new_id]["expires_at"] == "-" and keys[new_id]["status"] == "active"


def test_rolling_without_grace_refuses_the_old_key_at_once_and_the_new_one_works(
    local_api: LocalApi,
) -> None:
    # Given a key whose authorization is cached on every route
    old = local_api.new_client()
    lead = used_on_every_route(old)
    assert old.key_id is not None

    # When the operator rolls it with --expire-in 0
    new_id, new_key, _ = local_api.roll_key(old.key_id, "0")

    # Then the old key is refused on its next request on every route, and listed as expired
    for answer in every_route(old, lead["id"]):
        assert_unauthorized(answer)
    assert listed(local_api, old.account)[old.key_id]["status"] == "expired"
    # And the new key reads and writes the same tenant's data
    new = LeadsClient(local_api, new_key, account=old.account, key_id=new_id)
    assert new.update(lead["id"], city="Oslo")["city"] == "Oslo"
    assert new.total() == 1


def test_a_restricted_key_rolls_into_a_restricted_key(local_api: LocalApi) -> None:
    # Given a read-only key
    account = local_api.new_client().account
    key_id, key = local_api.create_key(account, "test", "--read-only")
    assert key.startswith("rk_test_")

    # When it is rolled
    _, new_key, _ = local_api.roll_key(key_id, "1h")

    # Then the new key is read-only too
    assert new_key.startswith("rk_test_")
    new = LeadsClient(local_api, new_key, account=account)
    assert new.get_list().status_code == 200
    assert new.post({"company_name": "Nope"}).status_code == 403


def test_removing_an_account_refuses_all_its_keys_at_once(local_api: LocalApi) -> None:
    # Given an account with a test and a live key, both used (and cached)
    test = local_api.new_client()
    live = local_api.new_client(account=test.account, mode="live")
    lead = test.create(company_name="Acme")
    assert live.get_list().status_code == 200

    # When the operator removes the account
    output = run_leads("accounts", "remove", test.account, *local_api.where())

    # Then both keys are refused on their next request
    assert re.search(r"revoked 2 key", output), output
    assert_unauthorized(test.get(lead["id"]))
    assert_unauthorized(live.get_list())
    statuses = {row["status"] for row in listed(local_api, test.account).values()}
    assert statuses == {"revoked"}

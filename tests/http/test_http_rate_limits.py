"""Per-tenant rate limits through `leads serve`, from the template's usage plans (made small by
template parameters): one tenant's bucket, never another's; 429 in the error shape with
Retry-After; a tenant API Gateway cannot meter is refused; a larger plan for chosen accounts.

No assertion depends on how fast requests are answered: a bucket of 5 refilling at one token a
second cannot serve 30 requests unless they take half a minute."""

import time

import pytest
import requests

from support.assertions import assert_error
from support.client import LeadsClient
from support.local_api import SMALL_PLANS, LocalApi, run_leads

pytestmark = pytest.mark.http

BURST = SMALL_PLANS["TestModeBurstLimit"]
FLOOD = 30


def assert_throttled(answer: requests.Response) -> int:
    """429 rate_limit_error with a Retry-After of whole seconds; those seconds."""
    assert_error(answer, 429, type_="rate_limit_error", code="rate_limited", param=None)
    retry_after = answer.headers.get("Retry-After", "")
    assert retry_after.isdigit() and int(retry_after) >= 1, answer.headers
    return int(retry_after)


def test_one_tenant_emptying_its_bucket_gets_429s_while_another_is_served(
    throttled_local_api: LocalApi,
) -> None:
    # Given two tenants of the same mode, each with its own usage plan key
    busy = throttled_local_api.new_client()
    calm = throttled_local_api.new_client()

    # When one sends far more than its bucket holds, as fast as it can
    flood = [busy.get_list() for _ in range(FLOOD)]

    # Then its bucket's worth is served and the rest are 429s in the API's error shape, each
    # with Retry-After
    statuses = [answer.status_code for answer in flood]
    assert statuses[:BURST] == [200] * BURST, statuses
    throttled = [answer for answer in flood if answer.status_code == 429]
    assert throttled, statuses
    for answer in throttled:
        assert_throttled(answer)

    # And at the same moment, the other tenant is served every time, while the first is not
    side_by_side = [(calm.get_list(), busy.get_list()) for _ in range(BURST)]
    assert [mine.status_code for mine, _ in side_by_side] == [200] * BURST
    assert 429 in [theirs.status_code for _, theirs in side_by_side]


def test_a_throttled_create_creates_nothing_and_the_tenant_is_served_after_retry_after(
    throttled_local_api: LocalApi,
) -> None:
    # Given a tenant that empties its bucket with creates
    tenant = throttled_local_api.new_client()
    answers = [tenant.post({"company_name": f"Lead {n}"}) for n in range(FLOOD)]
    created = [answer for answer in answers if answer.status_code == 201]
    refused = [answer for answer in answers if answer.status_code == 429]
    assert refused and len(created) + len(refused) == FLOOD

    # When it waits as long as Retry-After says (and a second more), then asks again
    time.sleep(assert_throttled(refused[-1]) + 1)
    page = tenant.page(limit=100)

    # Then it is served, and only the creates that were answered 201 made leads
    assert page["total"] == len(created)
    assert {lead["id"] for lead in page["data"]} == {answer.json()["id"] for answer in created}


def test_test_and_live_mode_of_one_account_are_separate_tenants_with_separate_buckets(
    throttled_local_api: LocalApi,
) -> None:
    test = throttled_local_api.new_client()
    live = throttled_local_api.new_client(account=test.account, mode="live")

    assert 429 in [test.get_list().status_code for _ in range(FLOOD)]
    assert [live.get_list().status_code for _ in range(BURST)] == [200] * BURST


def test_an_account_on_the_large_plan_gets_its_larger_bucket(
    throttled_local_api: LocalApi,
) -> None:
    # Given two live tenants, one of an account the operator put on the large plan
    large = throttled_local_api.new_client(mode="live")
    standard = throttled_local_api.new_client(mode="live")
    output = run_leads("accounts", "plan", large.account, "large", *throttled_local_api.where())
    assert "plan large, applied" in output, output

    # When each sends more than the live plan's bucket but less than the large plan's
    sent = SMALL_PLANS["LargePlanBurstLimit"] - 2
    large_statuses = [large.get_list().status_code for _ in range(sent)]
    standard_statuses = [standard.get_list().status_code for _ in range(sent)]

    # Then only the standard tenant is throttled
    assert large_statuses == [200] * sent
    assert 429 in standard_statuses


def test_a_key_without_a_usage_plan_key_is_refused_until_its_account_is_synced(
    throttled_local_api: LocalApi,
) -> None:
    # Given a key made in the keys table only (the CLI was told of no API Gateway)
    account = throttled_local_api.new_client().account + "x"
    output = run_leads(
        "keys",
        "create",
        "--account",
        account,
        "--endpoint-url",
        throttled_local_api.dynamodb_endpoint,
    )
    key = output.split("api_key: ")[1].split()[0]
    client = LeadsClient(throttled_local_api, key, account=account)

    # When it is used, Then API Gateway cannot meter it and refuses it
    assert_error(
        client.get_list(), 403, type_="permission_error", code="api_key_not_provisioned", param=None
    )

    # And once the operator syncs the account with API Gateway, it works
    run_leads("accounts", "sync", account, *throttled_local_api.where())
    assert client.get_list().status_code == 200

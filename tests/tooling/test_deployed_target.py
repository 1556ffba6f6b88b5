"""`make test-deployed`'s switch (tests/support/target.py): the same HTTP tests run against an
API they did not start, here a `leads serve` standing in for a deployed stack. With a place to
make keys, every throwaway account the run made is erased afterwards; with one given key, the
tests that need fresh accounts are skipped and the leads the run created are deleted."""

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from leads_cli.local_dynamodb import client
from leads_cli.template import PROJECT_ROOT
from support.local_api import LocalApi, running_local_api
from support.stored import query_all

pytestmark = pytest.mark.slow  # a pytest run of its own, twice

# A few tests of each kind: fresh accounts (`client`), the shared key, one local-only test.
SELECTION = (
    "tests/http/test_http_get_delete.py::test_get_answers_the_stored_lead",
    "tests/http/test_http_get_delete.py::test_delete_answers_the_confirmation_and_the_lead_is_gone",
    "tests/http/test_http_update.py::test_update_sets_only_what_is_sent",
    "tests/http/test_http_auth.py::test_the_key_printed_by_leads_serve_works",
)


@pytest.fixture
def stand_in() -> Iterator[LocalApi]:
    """A `leads serve` of this test's own, playing the deployed stack."""
    with running_local_api() as api:
        yield api


def run_http_tests(**variables: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    environment.update(variables)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", *SELECTION],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def items(endpoint: str, table: str) -> list[dict[str, Any]]:
    return list(client(endpoint).scan(TableName=table)["Items"])


def owner(item: dict[str, Any]) -> str:
    """The account of a keys-table item: a key's, or a tenant's limits (TENANT#account#mode)."""
    if "account" in item:
        return str(item["account"]["S"])
    return str(item["digest"]["S"]).split("#")[1]


def test_with_a_place_to_make_keys_the_tests_run_and_the_accounts_are_erased(stand_in):
    # When the tests run against the stand-in, making keys on its DynamoDB
    run = run_http_tests(
        LEADS_API_URL=stand_in.base_url, LEADS_API_DYNAMODB=stand_in.dynamodb_endpoint
    )
    # Then they pass, the local-only one skipped with its reason
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 passed, 1 skipped" in run.stdout, run.stdout
    assert "local run only: only `leads serve` prints a key" in run.stdout
    # And nothing of theirs is left: no lead, no counter, no key or tenant limits but those of
    # the account `leads serve` made its key for
    endpoint = stand_in.dynamodb_endpoint
    assert items(endpoint, "LeadsTable") == []
    owners = {owner(item) for item in items(endpoint, "ApiKeysTable")}
    assert owners == {"acct_local"}, owners


def test_with_one_given_key_fresh_accounts_are_skipped_and_its_leads_deleted(stand_in):
    # Given a key of an account made for the run
    _, key = stand_in.create_key("acct_given")
    # When the tests run against the stand-in with only that key
    run = run_http_tests(LEADS_API_URL=stand_in.base_url, LEADS_API_KEY=key)
    # Then the shared-key test passes and those needing fresh accounts are skipped
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed, 3 skipped" in run.stdout, run.stdout
    assert "needs keys for fresh accounts" in run.stdout
    # And the leads it created are gone again; the key stays (it was not the run's)
    leads = query_all(
        client(stand_in.dynamodb_endpoint),
        TableName="LeadsTable",
        KeyConditionExpression="tenant = :tenant",
        ExpressionAttributeValues={":tenant": {"S": "acct_given#test"}},
    )
    assert [item["sk"]["S"] for item in leads if item["sk"]["S"].startswith("LEAD#")] == []
    listed = requests.get(
        stand_in.url("/api/crm/lead"), headers={"Authorization": f"Bearer {key}"}, timeout=30
    )
    assert (listed.status_code, listed.json()["total"]) == (200, 0)

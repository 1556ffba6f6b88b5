"""SAM CLI's own local tools on what `make build` ships: every events/ sample through
`sam local invoke`, and a create -> read -> list -> update -> delete scenario through
`sam local start-api`, in SAM's Lambda containers against a DynamoDB they reach.

`make test-sam-local` runs this tier (Docker; CI provisions it in .ci/run); `make test` skips
it. Where SAM CLI answers otherwise than API Gateway, the test says so and asserts SAM's
answer, so that a fix upstream shows up here (README: "SAM's local tools").
"""

from pathlib import Path
from typing import Any

import pytest
import requests

from leads_cli.template import read_raw
from support.assertions import assert_error, assert_lead
from support.events import EVENTS, sample_event
from support.functions import logical_ids
from support.local_api import run_leads
from support.sam_local import (
    UNPARSED_AUTHORIZER,
    ContainerDynamoDB,
    authorizers_by_alias,
    env_vars_file,
    invoke,
    start_api,
    without_authorizer_aliases,
)
from support.samples import assert_sample_answer, sample_folders

REQUEST_SECONDS = 120  # a cold container per function on its first request
FOLDERS = logical_ids()


def test_every_sample_event_is_for_a_function_of_the_template():
    assert sample_folders() and set(sample_folders()) <= set(FOLDERS)


@pytest.mark.parametrize("folder", sample_folders())
def test_sam_local_invoke_answers_each_sample_event(
    sam_local_template: Path, sam_local_dynamodb: ContainerDynamoDB, folder: str, tmp_path: Path
) -> None:
    # Given fresh tables with the example key and lead
    sam_local_dynamodb.seed_examples()
    # When SAM runs the built function in its container with the sample event
    answer = invoke(
        sam_local_template,
        FOLDERS[folder],
        EVENTS / f"{folder}.json",
        env_vars_file(tmp_path, sam_local_dynamodb),
    )
    # Then it answers as the sample promises (events/README.md)
    assert_sample_answer(folder, answer)


def test_start_api_cannot_resolve_an_authorizer_given_as_an_alias(
    sam_local_template: Path, sam_local_dynamodb: ContainerDynamoDB, tmp_path: Path
) -> None:
    """The deployed authorizer is the function's `live` alias (gradual deployments); SAM CLI's
    start-api cannot resolve `!Ref Fn.Alias` and serves the routes with no authorizer, so the
    scenario below runs a copy of the build that names the function. When SAM fixes this,
    this test fails: drop the copy and the README's note."""
    assert authorizers_by_alias(read_raw(sam_local_template)) == ["BearerKeyAuthorizer"]
    env_vars = env_vars_file(tmp_path, sam_local_dynamodb)
    with start_api(sam_local_template, env_vars, tmp_path / "start-api.log") as api:
        assert UNPARSED_AUTHORIZER.findall(api.log_text()) == ["BearerKeyAuthorizer"]


def call(
    base_url: str, method: str, path: str, key: str | None, **kwargs: Any
) -> requests.Response:
    headers = dict(kwargs.pop("headers", {}))
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    return requests.request(
        method, base_url + path, headers=headers, timeout=REQUEST_SECONDS, **kwargs
    )


def test_start_api_serves_the_routes_behind_the_authorizer(
    sam_local_template: Path, sam_local_dynamodb: ContainerDynamoDB, tmp_path: Path
) -> None:
    # Given the tables, and a key made for a fresh account as an operator makes one
    sam_local_dynamodb.seed_examples()
    output = run_leads(
        "keys",
        "create",
        "--account",
        "acct_samlocal",
        "--endpoint-url",
        sam_local_dynamodb.endpoint,
    )
    key = output.split("api_key: ", 1)[1].split()[0]
    template = without_authorizer_aliases(sam_local_template)
    env_vars = env_vars_file(tmp_path, sam_local_dynamodb)
    with start_api(template, env_vars, tmp_path / "start-api.log") as api:
        assert UNPARSED_AUTHORIZER.findall(api.log_text()) == []
        url = api.base_url

        # No key: SAM answers 401 itself (its own body: gateway responses are not emulated)
        refused = call(url, "GET", "/api/crm/lead", None)
        assert refused.status_code == 401, refused.text
        # A well-formed key nobody made: the authorizer raises Unauthorized. API Gateway answers
        # 401 (UNAUTHORIZED); SAM's start-api answers 502. Known difference, asserted so that a
        # fix upstream is noticed (then: 401 here, and update the README).
        unknown = call(url, "GET", "/api/crm/lead", key[:-4] + "AAAA")
        assert (unknown.status_code, unknown.json()) == (
            502,
            {"message": "Internal server error"},
        ), unknown.text

        # Create
        created = call(url, "POST", "/api/crm/lead", key, json={"first_name": "Ada"})
        assert created.status_code == 201, created.text
        lead = assert_lead(created.json())
        assert lead["first_name"] == "Ada" and lead["lead_name"] == "Ada"
        assert created.headers["ETag"]
        # Read
        read = call(url, "GET", f"/api/crm/lead/{lead['id']}", key)
        assert (read.status_code, read.json()) == (200, lead)
        # List: the account sees its one lead, not the example tenant's
        listed = call(url, "GET", "/api/crm/lead", key, params={"limit": "10"})
        assert listed.status_code == 200, listed.text
        assert listed.json() == {"data": [lead], "has_more": False, "total": 1}
        # Update
        updated = call(url, "PATCH", f"/api/crm/lead/{lead['id']}", key, json={"city": "Oslo"})
        assert updated.status_code == 200, updated.text
        assert updated.json() == {
            **lead,
            "city": "Oslo",
            "updated_at": updated.json()["updated_at"],
        }
        # A refused update names the field, in the API's error shape
        invalid = call(url, "PATCH", f"/api/crm/lead/{lead['id']}", key, json={"colour": "red"})
        assert_error(invalid, 400, code="parameter_unknown", param="colour")
        # Delete, then the lead is gone
        deleted = call(url, "DELETE", f"/api/crm/lead/{lead['id']}", key)
        assert (deleted.status_code, deleted.json()) == (200, {"id": lead["id"], "deleted": True})
        gone = call(url, "GET", f"/api/crm/lead/{lead['id']}", key)
        assert_error(gone, 404, code="resource_missing")
        # A browser's preflight needs no key (events/env.json allows this origin)
        origin = sample_event("cors_preflight")["headers"]["Origin"]
        preflight = call(
            url,
            "OPTIONS",
            "/api/crm/lead",
            None,
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        )
        assert preflight.status_code == 204, preflight.text
        assert preflight.headers["Access-Control-Allow-Origin"] == origin

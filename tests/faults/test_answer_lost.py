"""A conditional write whose answer is lost: DynamoDB applied it, botocore timed out reading the
answer and sent it again, and the retry failed its condition against the write it made itself.
That is the write's success, never a 412 or a 409 (the cause of a flaky concurrency test: under
load, an If-Match update of the one winner answered 412)."""

from typing import Any

import pytest

from leads_domain.http.parameters import etag
from leads_domain.logic import leads
from leads_domain.tenancy import Tenant
from support.events import json_api_event as request
from support.faults import ANSWER_LOST, FaultInjector
from support.functions import invoke
from support.reference import COLLECTION
from support.stored import assert_consistent, assert_lead_stored, stored


@pytest.mark.parametrize(
    ("change", "call"),
    [
        pytest.param({"city": "Rome"}, "UpdateItem", id="plain update"),
        pytest.param({"first_name": "Grace"}, "UpdateItem", id="update deriving lead_name"),
        pytest.param({"status": "Open"}, "TransactWriteItems", id="status change"),
    ],
)
@pytest.mark.parametrize("if_match", [True, False], ids=["with If-Match", "without If-Match"])
def test_an_update_whose_answer_was_lost_answers_its_success(
    injector: FaultInjector, tenant: Tenant, change: dict[str, Any], call: str, if_match: bool
) -> None:
    # Given a lead
    with injector.paused():
        lead = leads.create_lead(tenant, {"city": "Oslo", "status": "Lead"})
    headers = {"If-Match": etag(lead.version)} if if_match else {}

    # When its update is applied but the answer is lost, and botocore retries it
    injector.fail(call, ANSWER_LOST, times=1)
    answer = invoke(
        "update_lead",
        request("PATCH", f"{COLLECTION}/{lead.lead['id']}", tenant, body=change, headers=headers),
    )

    # Then the retry sees its own write: 200 with the lead as changed once, at the next version
    assert injector.attempts[call] == 2, injector.attempts
    assert answer.status == 200, answer.text
    assert {name: answer.body[name] for name in change} == change
    assert answer.header("ETag") == etag(lead.version + 1)
    with injector.paused():
        state = stored(injector.client, tenant)
    assert_consistent(state, tenant)
    assert_lead_stored(state, answer.body, answer.header("ETag"))


def test_a_lost_answer_is_not_mistaken_for_another_writer(
    injector: FaultInjector, tenant: Tenant
) -> None:
    # Given a lead another request changed after it was read
    with injector.paused():
        lead = leads.create_lead(tenant, {"city": "Oslo"})
        leads.update_lead(tenant, lead.lead["id"], {"city": "Paris"})

    # When an update of the old version is sent
    answer = invoke(
        "update_lead",
        request(
            "PATCH",
            f"{COLLECTION}/{lead.lead['id']}",
            tenant,
            body={"city": "Rome"},
            headers={"If-Match": etag(lead.version)},
        ),
    )

    # Then it is still the 412 it should be
    assert answer.status == 412, answer.text

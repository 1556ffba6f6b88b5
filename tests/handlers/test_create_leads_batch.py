"""POST /api/crm/lead/batch in-process against moto: each lead validated on its own, one entry
per lead in order, 1 to 100 leads, as few transactions as the limits allow, Idempotency-Key."""

import json
import uuid
from typing import Any

import pytest

from leads_domain.tenancy import Tenant
from support.assertions import assert_error, assert_lead, newest_first
from support.events import api_event
from support.faults import FaultInjector
from support.functions import Invocation, invoke
from support.reference import BATCH, DEFAULTS
from support.stored import assert_consistent, stored

pytestmark = [
    # Handlers run here without a real Lambda's deadline.
    pytest.mark.filterwarnings("ignore:Couldn't determine the remaining time"),
]


def post_batch(tenant: Tenant, body: Any, key: str | None = None, **kwargs: Any) -> Invocation:
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return invoke(
        "create_leads_batch", api_event("POST", BATCH, tenant=tenant, body=body, headers=headers)
    )


def leads(count: int, **fields: Any) -> list[dict[str, Any]]:
    return [{"company_name": f"Corp {n}", **fields} for n in range(count)]


def assert_batch(answer: Invocation, created: int, failed: int) -> list[Any]:
    assert answer.status == 200, answer.text
    assert set(answer.body) == {"data", "created", "failed"}, answer.body
    assert (answer.body["created"], answer.body["failed"]) == (created, failed), answer.body
    assert len(answer.body["data"]) == created + failed
    return list(answer.body["data"])


def test_valid_and_invalid_leads_each_get_their_own_entry_in_order(dynamodb: Any, tenant: Tenant):
    # Given a batch where the 2nd and 4th leads are invalid
    sent = [
        {"first_name": "Ada", "last_name": "Lovelace", "annual_revenue": 10},
        {"first_name": "Bad", "annual_revenue": "a lot"},
        {"company_name": "Babbage & Co", "status": "Open"},
        {"city": "Oslo", "id": "lead_mine"},
        {},
    ]

    # When it is posted
    data = assert_batch(post_batch(tenant, {"leads": sent}), created=3, failed=2)

    # Then the valid leads are created, as a single create would make them
    for position in (0, 2, 4):
        lead = assert_lead(data[position])
        assert {name: lead[name] for name in sent[position]} == sent[position]
        assert {name: lead[name] for name in DEFAULTS if name not in sent[position]} == {
            name: value for name, value in DEFAULTS.items() if name not in sent[position]
        }
    assert data[0]["lead_name"] == "Ada Lovelace" and data[2]["lead_name"] == "Babbage & Co"
    # And each invalid one answers its error, named by its place in the batch
    revenue = data[1]["error"]
    assert (revenue["type"], revenue["code"]) == ("invalid_request_error", "parameter_invalid")
    assert revenue["param"] == "leads[1].annual_revenue"
    assert "number" in revenue["message"] and "a lot" not in revenue["message"]
    read_only = data[3]["error"]
    assert (read_only["code"], read_only["param"]) == ("parameter_read_only", "leads[3].id")
    assert revenue["request_id"] and revenue["request_id"] == read_only["request_id"]
    # And exactly the valid leads are stored, indexed and counted
    state = stored(dynamodb, tenant)
    assert_consistent(state)
    assert set(state.leads) == {data[position]["id"] for position in (0, 2, 4)}
    assert state.count == 3


def test_leads_of_a_batch_list_newest_first_as_if_created_one_by_one(dynamodb, tenant):
    data = assert_batch(post_batch(tenant, {"leads": leads(5)}), created=5, failed=0)
    page = invoke("list_leads", api_event("GET", "/api/crm/lead", tenant=tenant)).body
    assert [lead["id"] for lead in page["data"]] == [lead["id"] for lead in reversed(data)]
    assert page["data"] == newest_first(page["data"]) and page["total"] == 5


def test_identical_leads_in_one_batch_are_separate_leads(dynamodb, tenant):
    data = assert_batch(post_batch(tenant, {"leads": [{"city": "Oslo"}] * 3}), 3, 0)
    assert len({lead["id"] for lead in data}) == 3
    assert stored(dynamodb, tenant).count == 3


@pytest.mark.parametrize(("count", "transactions"), [(1, 1), (99, 1), (100, 2)])
def test_a_batch_takes_as_few_transactions_as_the_limits_allow(
    injector: FaultInjector, tenant: Tenant, count: int, transactions: int
):
    # When a batch of `count` valid leads is posted
    data = assert_batch(post_batch(tenant, {"leads": leads(count)}), count, 0)

    # Then it took ceil(count / 99) TransactWriteItems and nothing else (99 leads and their
    # count fill one transaction's 100 actions)
    assert dict(injector.attempts) == {"TransactWriteItems": transactions}
    with injector.paused():
        state = stored(injector.client, tenant)
    assert_consistent(state)
    assert set(state.leads) == {lead["id"] for lead in data} and state.count == count


def test_a_batch_of_only_invalid_leads_stores_nothing(injector: FaultInjector, tenant: Tenant):
    data = assert_batch(post_batch(tenant, {"leads": [{"city": 1}, {"x": "y"}]}), 0, 2)
    assert [entry["error"]["param"] for entry in data] == ["leads[0].city", "leads[1].x"]
    assert dict(injector.attempts) == {}


BAD_ENVELOPES = {
    "no body": (None, "leads"),
    "an array": ([{"city": "Oslo"}], None),
    "a string": ("leads", None),
    "no leads": ({}, "leads"),
    "leads null": ({"leads": None}, "leads"),
    "leads an object": ({"leads": {"city": "Oslo"}}, "leads"),
    "no lead at all": ({"leads": []}, "leads"),
    "101 leads": ({"leads": leads(101)}, "leads"),
    "a lead that is not an object": ({"leads": [{"city": "Oslo"}, "Rome"]}, "leads[1]"),
    "a null lead": ({"leads": [None]}, "leads[0]"),
    "another field": ({"leads": [{}], "dry_run": True}, "dry_run"),
}


@pytest.mark.parametrize(("body", "param"), BAD_ENVELOPES.values(), ids=BAD_ENVELOPES.keys())
def test_a_bad_envelope_is_a_400_for_the_whole_request(dynamodb, tenant, body, param):
    answer = post_batch(tenant, body)
    assert_error(answer, 400, type_="invalid_request_error", param=param)
    assert stored(dynamodb, tenant).count == 0 and not stored(dynamodb, tenant).leads


def test_a_body_that_is_not_json_is_a_400_and_one_without_its_content_type_a_415(dynamodb, tenant):
    event = api_event("POST", BATCH, tenant=tenant, raw_body='{"leads": [')
    assert_error(invoke("create_leads_batch", event), 400, code="body_invalid_json")
    event = api_event("POST", BATCH, tenant=tenant, body={"leads": [{}]}, headers={})
    assert_error(invoke("create_leads_batch", event), 415, code="content_type_invalid")


def test_100_leads_are_accepted(dynamodb, tenant):
    assert_batch(post_batch(tenant, {"leads": leads(100)}), created=100, failed=0)
    assert stored(dynamodb, tenant).count == 100


# --- Idempotency-Key ----------------------------------------------------------------------


def test_a_retry_with_the_same_key_answers_the_first_answer_and_creates_nothing(dynamodb, tenant):
    key = f"batch-{uuid.uuid4()}"
    body = {"leads": [*leads(3), {"city": 5}]}
    first = post_batch(tenant, body, key)
    again = post_batch(tenant, body, key)

    assert_batch(first, created=3, failed=1)
    assert first.header("Idempotent-Replayed") is None
    assert again.header("Idempotent-Replayed") == "true"
    # The same leads, ids and timestamps; the errors the same but for this request's id
    for mine, theirs in zip(first.body["data"], again.body["data"], strict=True):
        if "error" in mine:
            assert {**mine["error"], "request_id": None} == {**theirs["error"], "request_id": None}
        else:
            assert mine == theirs
    assert (again.body["created"], again.body["failed"]) == (3, 1)
    assert stored(dynamodb, tenant).count == 3


def test_the_same_key_with_another_batch_is_an_idempotency_error(dynamodb, tenant):
    key = f"batch-{uuid.uuid4()}"
    assert_batch(post_batch(tenant, {"leads": leads(2)}), 2, 0)
    assert_batch(post_batch(tenant, {"leads": leads(2)}, key), 2, 0)
    answer = post_batch(tenant, {"leads": leads(3)}, key)
    assert_error(answer, 400, type_="idempotency_error", param="Idempotency-Key")
    assert stored(dynamodb, tenant).count == 4


def test_a_key_of_a_single_create_and_of_a_batch_are_separate(dynamodb, tenant):
    key = f"shared-{uuid.uuid4()}"
    event = api_event(
        "POST",
        "/api/crm/lead",
        tenant=tenant,
        body={"city": "Oslo"},
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
    )
    assert invoke("create_lead", event).status == 201
    assert_batch(post_batch(tenant, {"leads": [{"city": "Oslo"}]}, key), 1, 0)
    assert stored(dynamodb, tenant).count == 2


def test_keyed_lead_ids_are_derived_so_the_same_batch_under_a_new_key_is_new_leads(
    dynamodb, tenant
):
    body = {"leads": leads(2)}
    first = assert_batch(post_batch(tenant, body, "key-one"), 2, 0)
    second = assert_batch(post_batch(tenant, body, "key-two"), 2, 0)
    assert {lead["id"] for lead in first}.isdisjoint(lead["id"] for lead in second)
    other = Tenant(tenant.account, "live")
    theirs = assert_batch(post_batch(other, body, "key-one"), 2, 0)
    assert {lead["id"] for lead in first}.isdisjoint(lead["id"] for lead in theirs)


def test_a_bad_idempotency_key_is_a_400(dynamodb, tenant):
    answer = post_batch(tenant, {"leads": [{}]}, "k" * 256)
    assert_error(answer, 400, param="Idempotency-Key")


def test_the_answer_is_json_with_the_safety_headers(dynamodb, tenant):
    answer = post_batch(tenant, {"leads": [{}]})
    assert answer.header("Cache-Control") == "no-store"
    assert json.loads(answer.text) == answer.body

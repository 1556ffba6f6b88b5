"""POST /api/crm/lead/batch through `leads serve`: per-lead answers, the envelope's 400s, the
authorizer in front, Idempotency-Key, and an exact total while batches, single creates and
deletes run at once."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from support.assertions import assert_error, assert_json, assert_lead, assert_unauthorized
from support.client import LeadsClient
from support.reference import BATCH

pytestmark = pytest.mark.http


def batch(client: LeadsClient, leads: list[Any], **kwargs: Any) -> dict[str, Any]:
    response = client.post_batch(leads, **kwargs)
    assert response.status_code == 200, response.text
    return dict(assert_json(response))


def test_a_mixed_batch_creates_the_valid_leads_and_names_each_error(client: LeadsClient):
    sent = [{"first_name": "Ada"}, {"annual_revenue": "1e6"}, {"company_name": "Corp"}]

    answer = batch(client, sent)

    assert (answer["created"], answer["failed"]) == (2, 1)
    ada, error, corp = answer["data"]
    assert assert_lead(ada)["lead_name"] == "Ada" and assert_lead(corp)["company_name"] == "Corp"
    assert error["error"]["param"] == "leads[1].annual_revenue"
    assert error["error"]["code"] == "parameter_invalid"
    assert client.total() == 2
    assert sorted(client.ids()) == sorted([ada["id"], corp["id"]])
    assert client.lead(ada["id"]) == ada


def test_100_leads_are_one_request_and_101_a_400(client: LeadsClient):
    answer = batch(client, [{"city": f"City {n}"} for n in range(100)])
    assert answer["created"] == 100 and client.total() == 100

    response = client.post_batch([{"city": "x"}] * 101)
    assert_error(response, 400, code="parameter_invalid", param="leads")
    assert client.total() == 100


@pytest.mark.parametrize(
    "body",
    [{"leads": "none"}, [{"city": "Oslo"}], {"leads": [1]}, {}],
    ids=["leads a string", "a bare array", "a lead a number", "no leads"],
)
def test_a_bad_envelope_is_a_400_storing_nothing(client: LeadsClient, body: Any):
    response = client.request("POST", BATCH, json=body)
    assert_error(response, 400, type_="invalid_request_error")
    assert client.total() == 0


def test_the_batch_is_behind_the_authorizer(client: LeadsClient):
    assert_unauthorized(client.request("POST", BATCH, authorization=None, json={"leads": [{}]}))
    assert client.total() == 0


def test_a_read_only_key_may_not_create_a_batch(client: LeadsClient):
    # Given a read-only key of the tenant
    key_id, key = client.api.create_key(client.account, "test", "--read-only")
    reader = LeadsClient(client.api, key, account=client.account, key_id=key_id)

    # When it posts a batch, Then API Gateway refuses it (its scope allows GET only)
    response = reader.post_batch([{"city": "Oslo"}])
    error = assert_error(response, 403, type_="permission_error", code="access_denied")
    assert "read-only" in error["message"]
    assert client.total() == 0


def test_a_retried_keyed_batch_answers_the_first_answer(client: LeadsClient):
    key = f"http-batch-{uuid.uuid4()}"
    leads = [{"city": f"City {n}"} for n in range(5)]
    headers = {"Idempotency-Key": key}

    first = client.post_batch(leads, headers=headers)
    again = client.post_batch(leads, headers=headers)

    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert client.total() == 5


def test_total_is_exact_while_batches_creates_and_deletes_run_at_once(client: LeadsClient):
    # Given 30 leads
    existing = [lead["id"] for lead in batch(client, [{"city": "Old"}] * 30)["data"]]

    # When 6 batches of 20, 20 single creates and 30 deletes (each of 15 leads twice) run at once
    def work(job: tuple[str, Any]) -> tuple[str, Any]:
        kind, value = job
        if kind == "batch":
            return kind, client.post_batch([{"city": f"B{value}.{n}"} for n in range(20)])
        if kind == "create":
            return kind, client.post({"city": f"C{value}"})
        return kind, client.delete(value)

    jobs = [("batch", n) for n in range(6)] + [("create", n) for n in range(20)]
    jobs += [("delete", lead_id) for lead_id in existing[:15] * 2]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, jobs))

    # Then every write answered, each lead was deleted once, and the total is exact
    statuses = {kind: sorted(r.status_code for k, r in results if k == kind) for kind in jobs[0]}
    assert [r.status_code for k, r in results if k == "batch"] == [200] * 6
    assert [r.status_code for k, r in results if k == "create"] == [201] * 20
    deletes = sorted(r.status_code for k, r in results if k == "delete")
    assert deletes == [200] * 15 + [404] * 15, statuses
    assert client.total() == 30 + 120 + 20 - 15
    assert len(set(client.ids())) == 155

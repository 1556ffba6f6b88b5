"""Idempotency-Key on POST /api/crm/lead: a retry answers the first answer and creates nothing."""

import uuid

from leads_domain.data import leads_table
from leads_domain.tenancy import Tenant
from support.events import api_event
from support.functions import invoke


def create(tenant, body, key):
    headers = {"Content-Type": "application/json", "Idempotency-Key": key}
    event = api_event("POST", "/api/crm/lead", tenant=tenant, body=body, headers=headers)
    return invoke("create_lead", event)


def test_a_retry_with_the_same_key_and_body_answers_the_first_answer(dynamodb, tenant):
    key = str(uuid.uuid4())
    first = create(tenant, {"city": "Oslo"}, key)
    again = create(tenant, {"city": "Oslo"}, key)

    assert first[0] == again[0] == 201
    assert first[1] == again[1] and first[2]["ETag"] == again[2]["ETag"]
    assert leads_table.count(tenant) == 1
    # And the retry says it is a replay (Stripe's header), as a batch's retry does
    assert first.header("Idempotent-Replayed") is None
    assert again.header("Idempotent-Replayed") == "true"


def test_the_same_key_with_another_body_is_an_idempotency_error(dynamodb, tenant):
    key = str(uuid.uuid4())
    create(tenant, {"city": "Oslo"}, key)
    status, body, _ = create(tenant, {"city": "Rome"}, key)

    assert status == 400
    assert body["error"]["type"] == "idempotency_error"
    assert body["error"]["param"] == "Idempotency-Key"
    assert leads_table.count(tenant) == 1


def test_keys_are_scoped_to_the_tenant(dynamodb, tenant):
    other = Tenant(tenant.account, "live")
    key = str(uuid.uuid4())
    mine = create(tenant, {"city": "Oslo"}, key)[1]
    theirs = create(other, {"city": "Oslo"}, key)[1]

    assert mine["id"] != theirs["id"]
    assert leads_table.count(tenant) == leads_table.count(other) == 1


def test_invalid_requests_are_not_remembered(dynamodb, tenant):
    key = str(uuid.uuid4())
    assert create(tenant, {"city": 5}, key)[0] == 400
    assert create(tenant, {"city": "Oslo"}, key)[0] == 201


def test_a_failed_create_can_be_retried_with_the_same_key(dynamodb, tenant, monkeypatch):
    from leads_domain.errors import ServiceUnavailable

    key = str(uuid.uuid4())
    real_insert = leads_table.insert

    def unavailable(*_):
        raise ServiceUnavailable("down")

    monkeypatch.setattr(leads_table, "insert", unavailable)
    assert create(tenant, {"city": "Oslo"}, key)[0] == 503
    monkeypatch.setattr(leads_table, "insert", real_insert)
    assert create(tenant, {"city": "Oslo"}, key)[0] == 201
    assert leads_table.count(tenant) == 1


def test_bad_idempotency_keys_are_400(dynamodb, tenant):
    for key in ("", "k" * 256, "a\\x00b".replace("\\x00", "\x00")):
        status, body, _ = create(tenant, {}, key)
        assert status == 400 and body["error"]["param"] == "Idempotency-Key"
    assert create(tenant, {}, "k" * 255)[0] == 201

"""POST /api/crm/lead, in-process against moto."""

import re

from leads_domain.data import leads_table
from support.events import api_event
from support.functions import invoke

STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z"


def create(tenant, body=None, raw_body=None):
    return invoke(
        "create_lead",
        api_event("POST", "/api/crm/lead", tenant=tenant, body=body, raw_body=raw_body),
    )


def test_create_answers_201_with_every_field_and_defaults(dynamodb, tenant):
    status, body, headers = create(tenant, {"company_name": "Acme"})

    assert status == 201 and headers["Content-Type"] == "application/json"
    assert re.fullmatch(r"lead_[0-9A-Za-z]{24}", body["id"])
    assert re.fullmatch(STAMP, body["created_at"]) and body["created_at"] == body["updated_at"]
    assert body["lead_name"] == "Acme"
    assert body["lead_owner"] == "__user" and body["status"] == "Lead"
    assert (
        body["unsubscribed"] is False
        and body["blog_subscriber"] is False
        and body["disabled"] is False
    )
    assert body["email_id"] is None and len(body) == 45
    assert leads_table.get(tenant, body["id"])["company_name"] == "Acme"
    assert leads_table.count(tenant) == 1


def test_no_body_at_all_creates_a_lead_with_defaults(dynamodb, tenant):
    status, body, _ = create(tenant)
    assert status == 201 and body["status"] == "Lead" and body["lead_name"] is None


def test_a_sent_lead_name_is_kept_and_explicit_values_override_defaults(dynamodb, tenant):
    status, body, _ = create(
        tenant, {"lead_name": "Chosen", "first_name": "Ada", "status": "Open", "disabled": True}
    )
    assert status == 201
    assert (body["lead_name"], body["status"], body["disabled"]) == ("Chosen", "Open", True)


def test_null_on_create_means_the_default(dynamodb, tenant):
    status, body, _ = create(tenant, {"status": None, "city": None})
    assert status == 201 and body["status"] == "Lead" and body["city"] is None


def test_invalid_json_is_400_and_nothing_is_stored(dynamodb, tenant):
    for raw in ('{"city": ', "NaN", '{"annual_revenue": Infinity}', "[1, 2]", '"text"', "null"):
        status, body, _ = create(tenant, raw_body=raw)
        assert status == 400, raw
        assert body["error"]["type"] == "invalid_request_error"
        assert body["error"]["code"] in ("body_invalid_json", "body_invalid")
    assert leads_table.count(tenant) == 0


def test_validation_errors_name_the_field_and_store_nothing(dynamodb, tenant):
    status, body, _ = create(tenant, {"city": "Oslo", "annual_revenue": "lots"})
    assert status == 400
    assert body["error"]["param"] == "annual_revenue"
    assert body["error"]["request_id"].startswith("req-")
    assert leads_table.count(tenant) == 0

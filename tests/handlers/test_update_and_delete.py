"""PATCH and DELETE /api/crm/lead/{id}, in-process against moto."""

from leads_domain.data import leads_table
from leads_domain.tenancy import Tenant
from support.events import api_event
from support.functions import invoke


def create(tenant, **fields):
    return invoke("create_lead", api_event("POST", "/api/crm/lead", tenant=tenant, body=fields))[1]


def patch(tenant, lead_id, body):
    return invoke(
        "update_lead", api_event("PATCH", f"/api/crm/lead/{lead_id}", tenant=tenant, body=body)
    )


def test_update_sets_only_what_is_sent(dynamodb, tenant):
    lead = create(tenant, city="Oslo", phone="1")
    status, body, _ = patch(tenant, lead["id"], {"city": "Rome"})
    assert status == 200
    assert body["city"] == "Rome" and body["phone"] == "1"
    assert body["created_at"] == lead["created_at"] and body["updated_at"] > lead["updated_at"]
    assert leads_table.get(tenant, lead["id"])["city"] == "Rome"


def test_null_clears_a_field_or_restores_its_default(dynamodb, tenant):
    lead = create(tenant, city="Oslo", status="Open", unsubscribed=True)
    status, body, _ = patch(
        tenant, lead["id"], {"city": None, "status": None, "unsubscribed": None}
    )
    assert status == 200
    assert (body["city"], body["status"], body["unsubscribed"]) == (None, "Lead", False)
    assert "city" not in leads_table.get(tenant, lead["id"])


def test_clearing_lead_name_derives_it_again(dynamodb, tenant):
    lead = create(tenant, lead_name="Custom", first_name="Ada", last_name="Lovelace")
    assert patch(tenant, lead["id"], {"lead_name": None})[1]["lead_name"] == "Ada Lovelace"


def test_a_nameless_lead_gets_a_name_when_its_name_fields_arrive(dynamodb, tenant):
    lead = create(tenant, city="Oslo")
    assert lead["lead_name"] is None
    assert patch(tenant, lead["id"], {"company_name": "Acme"})[1]["lead_name"] == "Acme"
    # ...and a derived name follows its fields afterwards, as ERPNext rebuilds it on save.
    assert patch(tenant, lead["id"], {"company_name": "Other"})[1]["lead_name"] == "Other"
    assert patch(tenant, lead["id"], {"first_name": "Ada"})[1]["lead_name"] == "Ada"


def test_a_chosen_lead_name_is_kept_until_it_is_changed_or_cleared(dynamodb, tenant):
    lead = create(tenant, first_name="Ada", lead_name="The Countess")
    assert patch(tenant, lead["id"], {"last_name": "Lovelace"})[1]["lead_name"] == "The Countess"
    assert patch(tenant, lead["id"], {"lead_name": None})[1]["lead_name"] == "Ada Lovelace"
    assert patch(tenant, lead["id"], {"first_name": "Augusta"})[1]["lead_name"] == (
        "Augusta Lovelace"
    )


def test_empty_update_changes_nothing(dynamodb, tenant):
    lead = create(tenant, city="Oslo")
    status, body, _ = patch(tenant, lead["id"], {})
    assert status == 200 and body == lead


def test_update_of_missing_or_foreign_lead_is_404_and_writes_nothing(dynamodb, tenant):
    lead = create(tenant, city="Oslo")
    other = Tenant(tenant.account + "x", "test")
    for who, lead_id in ((tenant, "lead_nope"), (other, lead["id"])):
        status, body, _ = patch(who, lead_id, {"city": "Rome", "first_name": "X"})
        assert status == 404 and body["error"]["code"] == "resource_missing"
    assert leads_table.get(tenant, lead["id"])["city"] == "Oslo"
    assert leads_table.get(other, lead["id"]) is None


def test_update_validates_like_create(dynamodb, tenant):
    lead = create(tenant)
    for body, param in (
        ({"id": "lead_x"}, "id"),
        ({"disabled": "no"}, "disabled"),
        ({"x": 1}, "x"),
    ):
        status, answer, _ = patch(tenant, lead["id"], body)
        assert status == 400 and answer["error"]["param"] == param


def test_delete_answers_deleted_then_404(dynamodb, tenant):
    lead = create(tenant)
    event = api_event("DELETE", f"/api/crm/lead/{lead['id']}", tenant=tenant)
    assert invoke("delete_lead", event)[:2] == (200, {"id": lead["id"], "deleted": True})
    status, body, _ = invoke("delete_lead", event)
    assert status == 404 and body["error"]["code"] == "resource_missing"
    assert leads_table.count(tenant) == 0


def test_delete_of_a_foreign_lead_is_404_and_keeps_it(dynamodb, tenant):
    lead = create(tenant)
    other = Tenant(tenant.account, "live")
    status, _, _ = invoke(
        "delete_lead", api_event("DELETE", f"/api/crm/lead/{lead['id']}", tenant=other)
    )
    assert status == 404
    assert leads_table.get(tenant, lead["id"]) is not None and leads_table.count(tenant) == 1

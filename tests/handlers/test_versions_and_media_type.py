"""ETag / If-Match optimistic concurrency, and bodies that do not say they are JSON."""

from leads_domain.data import leads_table
from support.events import api_event
from support.functions import invoke


def create(tenant, **fields):
    status, body, headers = invoke(
        "create_lead", api_event("POST", "/api/crm/lead", tenant=tenant, body=fields)
    )
    assert status == 201
    return body, headers["ETag"]


def patch(tenant, lead_id, body, if_match=None):
    headers = {"Content-Type": "application/json"}
    if if_match is not None:
        headers["If-Match"] = if_match
    event = api_event(
        "PATCH", f"/api/crm/lead/{lead_id}", tenant=tenant, body=body, headers=headers
    )
    return invoke("update_lead", event)


def delete(tenant, lead_id, if_match):
    event = api_event(
        "DELETE", f"/api/crm/lead/{lead_id}", tenant=tenant, headers={"If-Match": if_match}
    )
    return invoke("delete_lead", event)


def test_every_lead_response_carries_the_etag_of_its_version(dynamodb, tenant):
    lead, etag = create(tenant, city="Oslo")
    _, _, got = invoke("get_lead", api_event("GET", f"/api/crm/lead/{lead['id']}", tenant=tenant))
    _, _, patched = patch(tenant, lead["id"], {"city": "Rome"})
    assert got["ETag"] == etag
    assert patched["ETag"] != etag


def test_if_match_with_the_current_etag_updates(dynamodb, tenant):
    lead, etag = create(tenant, city="Oslo")
    status, body, _ = patch(tenant, lead["id"], {"city": "Rome"}, if_match=etag)
    assert status == 200 and body["city"] == "Rome"


def test_if_match_with_a_stale_etag_is_412_and_changes_nothing(dynamodb, tenant):
    lead, stale = create(tenant, city="Oslo")
    patch(tenant, lead["id"], {"city": "Rome"})
    for body in ({"city": "Paris"}, {"first_name": "Ada"}, {}):
        status, answer, _ = patch(tenant, lead["id"], body, if_match=stale)
        assert status == 412 and answer["error"]["code"] == "precondition_failed"
    assert leads_table.get(tenant, lead["id"])["city"] == "Rome"
    assert "first_name" not in leads_table.get(tenant, lead["id"])


def test_if_match_star_or_a_list_containing_the_current_etag_matches(dynamodb, tenant):
    lead, etag = create(tenant)
    assert patch(tenant, lead["id"], {"city": "A"}, if_match="*")[0] == 200
    _, _, headers = invoke(
        "get_lead", api_event("GET", f"/api/crm/lead/{lead['id']}", tenant=tenant)
    )
    listed = f"{etag}, {headers['ETag']}"
    assert patch(tenant, lead["id"], {"city": "B"}, if_match=listed)[0] == 200


def test_an_unparseable_if_match_matches_nothing(dynamodb, tenant):
    lead, _ = create(tenant)
    assert patch(tenant, lead["id"], {"city": "A"}, if_match="garbage")[0] == 412
    assert delete(tenant, lead["id"], "garbage")[0] == 412
    assert leads_table.count(tenant) == 1


def test_delete_with_if_match(dynamodb, tenant):
    lead, stale = create(tenant)
    _, _, headers = patch(tenant, lead["id"], {"city": "Rome"})

    assert delete(tenant, lead["id"], stale)[0] == 412
    assert leads_table.count(tenant) == 1
    assert delete(tenant, lead["id"], headers["ETag"])[:2] == (
        200,
        {"id": lead["id"], "deleted": True},
    )
    assert delete(tenant, lead["id"], headers["ETag"])[0] == 404
    assert leads_table.count(tenant) == 0


def test_a_body_that_is_not_declared_json_is_415(dynamodb, tenant):
    for content_type in (None, "text/plain", "application/x-www-form-urlencoded"):
        headers = {"Content-Type": content_type} if content_type else {}
        event = api_event(
            "POST", "/api/crm/lead", tenant=tenant, raw_body='{"city": "Oslo"}', headers=headers
        )
        status, body, _ = invoke("create_lead", event)
        assert status == 415 and body["error"]["param"] == "Content-Type"
    event = api_event(
        "POST",
        "/api/crm/lead",
        tenant=tenant,
        raw_body="{}",
        headers={"content-type": "Application/JSON; charset=utf-8"},
    )
    assert invoke("create_lead", event)[0] == 201
    assert leads_table.count(tenant) == 1


def test_ids_that_cannot_be_leads_are_404_without_a_read(dynamodb, tenant, monkeypatch):
    def no_reads(*_, **__):
        raise AssertionError("read DynamoDB for an impossible id")

    monkeypatch.setattr(leads_table, "get", no_reads)
    for lead_id in ("x" * 5000, "lead_", "lead_a.b", "COUNTER", "lead_%2F"):
        status, body, _ = invoke(
            "get_lead", api_event("GET", f"/api/crm/lead/{lead_id}", tenant=tenant)
        )
        assert status == 404 and body["error"]["code"] == "resource_missing"
        assert len(body["error"]["message"]) < 200


def test_a_missing_lead_is_404_whatever_if_match_says(dynamodb, tenant):
    for if_match in ("garbage", '"v1"'):
        assert patch(tenant, "lead_missing", {"city": "A"}, if_match=if_match)[0] == 404
        assert delete(tenant, "lead_missing", if_match)[0] == 404

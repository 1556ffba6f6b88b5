"""The webhook endpoint routes, in-process: create (the secret shown once), list, retrieve,
update, delete; at most 16 per tenant, even under concurrent creates; URLs refused at save as
the SSRF guard says; invisible to other tenants and to the other mode."""

import uuid

import pytest

from leads_domain.event_settings import get_event_settings
from leads_domain.tenancy import Tenant
from support.concurrency import all_at_once
from support.pipeline import Pipeline

ENDPOINTS = "/api/crm/webhook_endpoint"
SHOWN = {"id", "url", "enabled_events", "description", "status", "created_at", "updated_at"}


def create(pipeline: Pipeline, tenant: Tenant, **body):
    body = {"url": "http://127.0.0.1:9/hook", "enabled_events": ["*"], **body}
    return pipeline.call("CreateWebhookEndpointFunction", "POST", ENDPOINTS, tenant, body=body)


def listed(pipeline: Pipeline, tenant: Tenant, **query):
    answer = pipeline.call("ListWebhookEndpointsFunction", "GET", ENDPOINTS, tenant, query=query)
    assert answer.status == 200, answer.body
    return answer.body


def test_create_answers_the_secret_once_and_never_again(pipeline, tenant):
    created = create(pipeline, tenant, description="CRM sync", enabled_events=["lead.created"])

    assert created.status == 201
    assert set(created.body) == SHOWN | {"secret"}
    assert created.body["secret"].startswith("whsec_") and len(created.body["secret"]) == 38
    assert created.body["status"] == "enabled" and created.body["description"] == "CRM sync"
    path = f"{ENDPOINTS}/{created.body['id']}"
    got = pipeline.call("GetWebhookEndpointFunction", "GET", path, tenant)
    assert got.status == 200 and set(got.body) == SHOWN
    assert got.body == {k: v for k, v in created.body.items() if k != "secret"}
    assert listed(pipeline, tenant)["data"] == [got.body]
    updated = pipeline.call(
        "UpdateWebhookEndpointFunction", "PATCH", path, tenant, body={"description": None}
    )
    assert set(updated.body) == SHOWN and updated.body["description"] is None


def test_update_sets_what_is_sent_and_delete_is_once(pipeline, tenant):
    created = create(pipeline, tenant).body
    path = f"{ENDPOINTS}/{created['id']}"
    updated = pipeline.call(
        "UpdateWebhookEndpointFunction",
        "PATCH",
        path,
        tenant,
        body={
            "url": "http://localhost:9/other",
            "enabled_events": ["lead.deleted"],
            "status": "disabled",
        },
    )
    assert updated.status == 200
    assert updated.body["url"] == "http://localhost:9/other"
    assert (
        updated.body["enabled_events"] == ["lead.deleted"] and updated.body["status"] == "disabled"
    )
    assert updated.body["created_at"] == created["created_at"]
    assert updated.body["updated_at"] > created["updated_at"]
    unchanged = pipeline.call("UpdateWebhookEndpointFunction", "PATCH", path, tenant)
    assert unchanged.status == 200 and unchanged.body == updated.body

    deleted = pipeline.call("DeleteWebhookEndpointFunction", "DELETE", path, tenant)
    assert deleted.status == 200 and deleted.body == {"id": created["id"], "deleted": True}
    again = pipeline.call("DeleteWebhookEndpointFunction", "DELETE", path, tenant)
    assert again.status == 404 and again.body["error"]["code"] == "resource_missing"
    assert pipeline.call("GetWebhookEndpointFunction", "GET", path, tenant).status == 404


def test_at_most_sixteen_per_tenant_even_when_created_at_once(pipeline, tenant):
    answers = all_at_once(20, lambda n: create(pipeline, Tenant(tenant.account, tenant.mode)))

    assert sorted(answer.status for answer in answers) == [201] * 16 + [400] * 4
    refusal = next(answer.body["error"] for answer in answers if answer.status == 400)
    assert refusal["code"] == "limit_reached"
    assert len(listed(pipeline, tenant, limit="100")["data"]) == 16
    # The other mode is another tenant, with room of its own; a delete makes room again.
    assert (
        create(pipeline, Tenant(tenant.account, "live"), url="https://93.184.215.14/h").status
        == 201
    )
    first = listed(pipeline, tenant, limit="1")["data"][0]
    pipeline.call("DeleteWebhookEndpointFunction", "DELETE", f"{ENDPOINTS}/{first['id']}", tenant)
    assert create(pipeline, tenant).status == 201


def test_lists_are_newest_first_by_cursor(pipeline, tenant):
    ids = [create(pipeline, tenant).body["id"] for _ in range(5)][::-1]
    assert [e["id"] for e in listed(pipeline, tenant)["data"]] == ids
    page = listed(pipeline, tenant, limit="2")
    assert [e["id"] for e in page["data"]] == ids[:2] and page["has_more"]
    page = listed(pipeline, tenant, limit="2", starting_after=ids[1])
    assert [e["id"] for e in page["data"]] == ids[2:4] and page["has_more"]
    page = listed(pipeline, tenant, limit="2", ending_before=ids[4])
    assert [e["id"] for e in page["data"]] == ids[2:4] and page["has_more"]
    page = listed(pipeline, tenant, limit="2", ending_before=ids[1])
    assert [e["id"] for e in page["data"]] == ids[:1] and not page["has_more"]
    bad = pipeline.call(
        "ListWebhookEndpointsFunction",
        "GET",
        ENDPOINTS,
        tenant,
        query={"starting_after": "we_nope"},
    )
    assert bad.status == 400 and bad.body["error"]["param"] == "starting_after"


def test_endpoints_are_invisible_to_other_tenants_and_the_other_mode(pipeline, tenant):
    created = create(pipeline, tenant).body
    path = f"{ENDPOINTS}/{created['id']}"
    for stranger in (
        Tenant(tenant.account, "live"),
        Tenant(f"acct_{uuid.uuid4().hex[:10]}", "test"),
    ):
        assert listed(pipeline, stranger)["data"] == []
        for function, method, body in (
            ("GetWebhookEndpointFunction", "GET", None),
            ("UpdateWebhookEndpointFunction", "PATCH", {"status": "disabled"}),
            ("DeleteWebhookEndpointFunction", "DELETE", None),
        ):
            answer = pipeline.call(function, method, path, stranger, body=body)
            assert answer.status == 404 and answer.body["error"]["code"] == "resource_missing"
    assert (
        pipeline.call("GetWebhookEndpointFunction", "GET", path, tenant).body["status"] == "enabled"
    )


SSRF_AT_SAVE = {
    "private": "https://10.0.0.8/hook",
    "metadata": "http://169.254.169.254/latest/meta-data/",
    "metadata-https": "https://169.254.169.254/latest/meta-data/",
    "ipv6-loopback": "https://[::1]:8443/hook",
    "ipv4-mapped-loopback": "https://[::ffff:127.0.0.1]/hook",
    "carrier-grade-nat": "https://100.64.1.1/hook",
    "unique-local": "https://[fd12:3456::1]/hook",
    "zero": "https://0.0.0.0/hook",
    "credentials": "https://user:secret@93.184.215.14/hook",
    "not-https": "http://93.184.215.14/hook",
}


@pytest.mark.parametrize("mode", ["test", "live"])
@pytest.mark.parametrize("url", SSRF_AT_SAVE.values(), ids=SSRF_AT_SAVE)
def test_urls_the_guard_refuses_are_a_400_naming_url(pipeline, url, mode):
    tenant = Tenant(f"acct_{uuid.uuid4().hex[:10]}", mode)
    answer = create(pipeline, tenant, url=url)
    assert answer.status == 400, answer.body
    assert answer.body["error"]["param"] == "url" and answer.body["error"]["code"] == "url_invalid"
    assert url not in answer.body["error"]["message"]
    assert listed(pipeline, tenant)["data"] == []


def test_loopback_only_in_test_mode_and_only_where_the_deployment_allows(pipeline, monkeypatch):
    account = f"acct_{uuid.uuid4().hex[:10]}"
    local = "http://localhost:8080/hook"
    assert create(pipeline, Tenant(account, "test"), url=local).status == 201
    live = create(pipeline, Tenant(account, "live"), url=local)
    assert live.status == 400 and live.body["error"]["param"] == "url"
    # A deployed stack (WebhookLoopback=never): loopback is the function's own sandbox.
    monkeypatch.setenv("WEBHOOK_LOOPBACK", "never")
    get_event_settings.forget()
    try:
        refused = create(pipeline, Tenant(account, "test"), url="http://127.0.0.1:8080/hook")
        assert refused.status == 400 and refused.body["error"]["param"] == "url"
    finally:
        monkeypatch.undo()
        get_event_settings.forget()


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"url": None}, "url"),
        ({"enabled_events": ["lead.nope"]}, "enabled_events"),
        ({"secret": "whsec_x"}, "secret"),
    ],
)
def test_bad_bodies_are_400s_naming_the_field(pipeline, tenant, body, param):
    answer = create(pipeline, tenant, **body)
    assert answer.status == 400 and answer.body["error"]["param"] == param


def test_bad_ids_are_404_without_a_read(pipeline, tenant):
    for path in (f"{ENDPOINTS}/nope", f"{ENDPOINTS}/we_{'x' * 70}", f"{ENDPOINTS}/lead_abc"):
        answer = pipeline.call("GetWebhookEndpointFunction", "GET", path, tenant)
        assert answer.status == 404

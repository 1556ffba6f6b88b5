"""Filtered totals stay exact under concurrency: many PATCHes of one lead's status and owner at
once, and creates, status changes and deletes of many leads at once, against the embedded
DynamoDB server (real concurrent requests, transactions that collide)."""

import uuid
from typing import Any

from leads_domain.data import clients
from leads_domain.tenancy import Tenant
from support.concurrency import all_at_once
from support.events import api_event
from support.functions import Invocation, invoke
from support.reference import COLLECTION
from support.stored import assert_filed, lead_items

STATUSES = ("Open", "Replied", "Interested", "Converted")
OWNERS = ("ana@example.com", "bo@example.com")


def _tenant() -> Tenant:
    return Tenant(f"acct_{uuid.uuid4().hex[:12]}", "test")


def _list(tenant: Tenant, **query: str) -> dict[str, Any]:
    answer = invoke("list_leads", api_event("GET", COLLECTION, tenant=tenant, query=dict(query)))
    assert answer.status == 200, answer.text
    return dict(answer.body)


def _patch(tenant: Tenant, lead_id: str, body: dict[str, Any]) -> Invocation:
    return invoke(
        "update_lead", api_event("PATCH", f"{COLLECTION}/{lead_id}", tenant=tenant, body=body)
    )


def test_concurrent_patches_of_one_lead_leave_it_in_exactly_one_list(embedded_dynamodb):
    tenant = _tenant()
    created = invoke(
        "create_lead", api_event("POST", COLLECTION, tenant=tenant, body={"status": "Lead"})
    )
    lead_id = created.body["id"]

    # When eight PATCHes move the lead to different statuses and owners at once
    answers = all_at_once(
        8,
        lambda n: _patch(tenant, lead_id, {"status": STATUSES[n % 4], "lead_owner": OWNERS[n % 2]}),
    )

    # Then each answered (a lost race is retried, or a 409 to retry), and the lead is in the
    # list of its stored status and owner only, each counted once
    assert {answer.status for answer in answers} <= {200, 409}, [a.text for a in answers]
    assert any(answer.status == 200 for answer in answers)
    stored = invoke("get_lead", api_event("GET", f"{COLLECTION}/{lead_id}", tenant=tenant)).body
    for status in ("Lead", *STATUSES):
        page = _list(tenant, status=status)
        expected = [lead_id] if status == stored["status"] else []
        assert ([lead["id"] for lead in page["data"]], page["total"]) == (expected, len(expected))
    for owner in OWNERS:
        assert _list(tenant, lead_owner=owner)["total"] == int(owner == stored["lead_owner"])
    assert_filed(clients.dynamodb(), tenant)


def test_concurrent_creates_changes_and_deletes_keep_every_filtered_total_exact(
    embedded_dynamodb,
):
    tenant = _tenant()
    first = [
        invoke(
            "create_lead",
            api_event("POST", COLLECTION, tenant=tenant, body={"status": STATUSES[n % 4]}),
        ).body["id"]
        for n in range(12)
    ]

    # When creates, status changes and deletes of the tenant's leads all run at once
    def work(n: int) -> int:
        if n < 8:
            body = {"status": STATUSES[n % 4], "email_id": f"lead{n}@example.com"}
            return invoke(
                "create_lead", api_event("POST", COLLECTION, tenant=tenant, body=body)
            ).status
        if n < 14:
            return _patch(tenant, first[n - 8], {"status": STATUSES[(n + 1) % 4]}).status
        path = f"{COLLECTION}/{first[n - 8]}"
        return invoke("delete_lead", api_event("DELETE", path, tenant=tenant)).status

    statuses = all_at_once(18, work)

    # Then every request succeeded, and each filter's list and total match what is stored
    assert statuses == [201] * 8 + [200] * 10, statuses
    leads = [
        {name: value.get("S") for name, value in item.items()}
        for item in lead_items(clients.dynamodb(), tenant).values()
    ]
    assert len(leads) == 16
    for status in STATUSES:
        expected = {lead["sk"].removeprefix("LEAD#") for lead in leads if lead["status"] == status}
        page = _list(tenant, status=status, limit="100")
        assert ({lead["id"] for lead in page["data"]}, page["total"]) == (expected, len(expected))
    assert _list(tenant)["total"] == 16
    assert_filed(clients.dynamodb(), tenant)

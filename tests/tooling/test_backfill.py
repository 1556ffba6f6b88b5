"""`leads backfill`: the leads a stack stored before filtered lists existed (no filter index
attributes, no per-filter counts) are found by the filters and counted once it has run; until
then filtered lists refuse with 503 rather than answer a wrong total; running it again, or
after changes and deletes of such leads, never counts a lead twice."""

from leads_cli.backfill import backfill
from leads_cli.main import main
from leads_domain.data import clients
from leads_domain.tenancy import Tenant
from support.assertions import assert_error
from support.events import api_event
from support.functions import Invocation, invoke
from support.legacy import seed_legacy
from support.reference import COLLECTION
from support.stored import assert_filed, counted, lead_items


def _list(tenant: Tenant, **query: str) -> Invocation:
    return invoke("list_leads", api_event("GET", COLLECTION, tenant=tenant, query=dict(query)))


def test_leads_stored_before_filters_are_found_and_counted_after_the_backfill(dynamodb, tenant):
    # Given a tenant whose leads were stored before filtered lists, and one created since
    old = seed_legacy(dynamodb, tenant)
    new = invoke(
        "create_lead", api_event("POST", COLLECTION, tenant=tenant, body={"status": "Open"})
    ).body["id"]

    # Then the unfiltered list is exact as ever, and filtered ones refuse rather than miss leads
    assert _list(tenant).body["total"] == 13
    refused = assert_error(_list(tenant, status="Open"), 503, code="filters_unavailable")
    assert "Retry later" in refused["message"]
    unique = api_event(
        "POST", COLLECTION, tenant=tenant, body={"email_id": "x@y.co"}, query={"unique": "email_id"}
    )
    assert_error(invoke("create_lead", unique), 503, code="filters_unavailable")

    # And changes and deletes of old leads meanwhile keep every count right
    change = api_event("PATCH", f"{COLLECTION}/{old[0]}", tenant=tenant, body={"status": "Open"})
    assert invoke("update_lead", change).status == 200
    assert (
        invoke("delete_lead", api_event("DELETE", f"{COLLECTION}/{old[1]}", tenant=tenant))[0]
        == 200
    )
    assert_filed(dynamodb, tenant)

    # When the backfill runs
    progress = backfill(segments=3)

    # Then every old lead is filed and counted, once
    assert (progress.filed, progress.skipped) == (11, 0)
    assert_filed(dynamodb, tenant)
    assert all("filed" in item for item in lead_items(dynamodb, tenant).values())
    assert counted(dynamodb, tenant) == 12
    opened = _list(tenant, status="Open", limit="100").body
    expected_open = [old[n] for n in range(12) if n != 1 and (n % 2 or n == 0)]
    assert {lead["id"] for lead in opened["data"]} == {new, *expected_open}
    assert opened["total"] == len(expected_open) + 1
    assert _list(tenant, lead_owner="ana@example.com").body["total"] == 11
    found = _list(tenant, email_id="user4@example.com").body
    assert [lead["id"] for lead in found["data"]] == [old[4]] and found["total"] == 1
    assert found["data"][0]["email_id"] == " User4@Example.com"
    ranged = _list(
        tenant,
        **{"created_at[gte]": "2025-01-01T00:00:00Z", "created_at[lt]": "2026-01-01T00:00:00Z"},
    )
    assert ranged.body["total"] == 11
    # And a unique create now knows the old leads' emails
    taken = api_event(
        "POST",
        COLLECTION,
        tenant=tenant,
        body={"email_id": "USER5@example.com"},
        query={"unique": "email_id"},
    )
    assert (
        assert_error(invoke("create_lead", taken), 409, code="lead_duplicate")["lead_id"] == old[5]
    )

    # And running it again files nothing twice
    assert backfill(segments=2).filed == 0
    assert_filed(dynamodb, tenant)


def test_the_backfill_command_files_a_local_table(local_dynamodb, capsys):
    dynamodb = clients.dynamodb()
    tenant = Tenant("acct_backfill", "test")
    seed_legacy(dynamodb, tenant)

    code = main(["backfill", "--endpoint-url", local_dynamodb, "--segments", "2"])

    assert code == 0
    assert "filed 12 lead(s)" in capsys.readouterr().err
    assert_filed(clients.dynamodb(), tenant)
    assert all("filed" in item for item in lead_items(clients.dynamodb(), tenant).values())

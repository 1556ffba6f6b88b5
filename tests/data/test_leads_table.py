"""Data access against moto and the embedded server: tenancy in the key, the exact counter,
conditional writes, paging, concurrent writers."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from leads_domain import ids
from leads_domain.data import leads_table
from leads_domain.errors import Conflict, NotFound
from leads_domain.logic.rules import now
from leads_domain.tenancy import Tenant


def new_lead(**fields):
    stamp = now()
    return {"id": ids.new_lead_id(), "created_at": stamp, "updated_at": stamp, **fields}


def test_insert_stores_under_the_tenant_and_counts(dynamodb, tenant):
    lead = new_lead(city="Oslo", annual_revenue=12.5, disabled=False)
    leads_table.insert(tenant, lead)

    stored = leads_table.get(tenant, lead["id"])
    assert (
        stored["city"] == "Oslo"
        and stored["annual_revenue"] == 12.5
        and stored["disabled"] is False
    )
    assert leads_table.count(tenant) == 1
    assert leads_table.get(Tenant(tenant.account, "live"), lead["id"]) is None


def test_inserting_the_same_id_twice_is_a_conflict_and_counts_once(dynamodb, tenant):
    lead = new_lead()
    leads_table.insert(tenant, lead)
    with pytest.raises(Conflict):
        leads_table.insert(tenant, lead)
    assert leads_table.count(tenant) == 1


def test_a_path_id_cannot_address_the_counter_item(dynamodb, tenant):
    leads_table.insert(tenant, new_lead())
    assert leads_table.get(tenant, "COUNTER") is None
    assert leads_table.get(tenant, "#COUNTER") is None
    with pytest.raises(NotFound):
        leads_table.delete(tenant, "COUNTER")
    assert leads_table.count(tenant) == 1


def test_update_is_conditional_on_the_lead_existing_under_the_tenant(dynamodb, tenant):
    lead = new_lead(city="Oslo")
    leads_table.insert(tenant, lead)
    other = Tenant(f"acct_{uuid.uuid4().hex[:8]}", "test")

    with pytest.raises(NotFound):
        leads_table.update(other, lead["id"], {"city": "Rome"}, [])
    with pytest.raises(NotFound):
        leads_table.update(tenant, "lead_missing", {"city": "Rome"}, [])
    assert leads_table.get(tenant, lead["id"])["city"] == "Oslo"
    assert leads_table.get(other, lead["id"]) is None


def test_update_sets_removes_and_bumps_the_version(dynamodb, tenant):
    lead = new_lead(city="Oslo", phone="123")
    leads_table.insert(tenant, lead)

    updated = leads_table.update(tenant, lead["id"], {"city": "Rome"}, ["phone"])

    assert updated["city"] == "Rome" and "phone" not in updated and updated["version"] == 2


def test_update_with_a_stale_version_is_a_conflict(dynamodb, tenant):
    lead = new_lead()
    leads_table.insert(tenant, lead)
    leads_table.update(tenant, lead["id"], {"city": "Rome"}, [], expected_versions=(1,))
    with pytest.raises(Conflict):
        leads_table.update(tenant, lead["id"], {"city": "Paris"}, [], expected_versions=(1,))
    assert leads_table.get(tenant, lead["id"])["city"] == "Rome"


def test_update_with_expected_values_applies_only_while_the_lead_holds_them(dynamodb, tenant):
    # Given a lead with a first name and no last name
    lead = new_lead(first_name="Ada", lead_name="Ada")
    leads_table.insert(tenant, lead)
    expected = {"first_name": "Ada", "last_name": None}

    # When a change computed from those values is applied, Then it applies
    leads_table.update(tenant, lead["id"], {"city": "Rome"}, [], expected_values=expected)

    # And once the lead no longer holds them (a last name arrived), the same change conflicts
    leads_table.update(tenant, lead["id"], {"last_name": "Lovelace"}, [])
    with pytest.raises(Conflict):
        leads_table.update(tenant, lead["id"], {"lead_name": "Ada"}, [], expected_values=expected)
    with pytest.raises(Conflict):
        leads_table.update(
            tenant, lead["id"], {"lead_name": "Ada"}, [], expected_values={"first_name": "Bo"}
        )
    stored = leads_table.get(tenant, lead["id"])
    assert (stored["city"], stored["last_name"], stored["version"]) == ("Rome", "Lovelace", 3)
    # And a missing lead is still not found, whatever values were expected
    with pytest.raises(NotFound):
        leads_table.update(tenant, "lead_missing", {"city": "Rome"}, [], expected_values=expected)


def test_delete_uncounts_once_and_never_resurrects(dynamodb, tenant):
    lead = new_lead()
    leads_table.insert(tenant, lead)
    leads_table.delete(tenant, lead["id"])
    with pytest.raises(NotFound):
        leads_table.delete(tenant, lead["id"])
    with pytest.raises(NotFound):
        leads_table.update(tenant, lead["id"], {"city": "Rome"}, [])
    assert leads_table.get(tenant, lead["id"]) is None
    assert leads_table.count(tenant) == 0


def test_pages_are_newest_first_with_exact_total_and_has_more(dynamodb, tenant):
    ids = []
    for _ in range(25):
        lead = new_lead()
        leads_table.insert(tenant, lead)
        ids.append(lead["id"])
    newest_first = list(reversed(ids))

    first, more, total = leads_table.page(tenant, 10, offset=0)
    last, more_after_last, _ = leads_table.page(tenant, 10, offset=20)
    beyond, more_beyond, total_beyond = leads_table.page(tenant, 10, offset=30)

    assert [lead["id"] for lead in first] == newest_first[:10] and more and total == 25
    assert [lead["id"] for lead in last] == newest_first[20:] and not more_after_last
    assert (beyond, more_beyond, total_beyond) == ([], False, 25)


def test_equal_timestamps_still_sort_deterministically(dynamodb, tenant):
    stamp = now()
    same_time = sorted(ids.new_lead_id() for _ in range(5))
    for lead_id in same_time:
        leads_table.insert(tenant, {"id": lead_id, "created_at": stamp, "updated_at": stamp})

    assert [lead["id"] for lead in leads_table.page(tenant, 5, offset=0)[0]] == same_time[::-1]
    assert [lead["id"] for lead in leads_table.page(tenant, 2, offset=2)[0]] == same_time[::-1][2:4]


def test_concurrent_creates_and_deletes_keep_the_count_exact(embedded_dynamodb):
    tenant = Tenant(f"acct_{uuid.uuid4().hex[:8]}", "test")
    leads = [new_lead() for _ in range(60)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(lambda lead: leads_table.insert(tenant, lead), leads))
    assert leads_table.count(tenant) == 60

    def delete(lead_id):
        try:
            leads_table.delete(tenant, lead_id)
            return True
        except NotFound:
            return False

    # Every lead deleted three times at once: exactly one delete of each wins.
    attempts = [lead["id"] for lead in leads[:20]] * 3
    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(delete, attempts))
    assert sum(results) == 20
    assert leads_table.count(tenant) == 40
    assert leads_table.page(tenant, 100, offset=0)[2] == 40
    assert len(leads_table.page(tenant, 100, offset=0)[0]) == 40


def test_cursor_pages_start_after_or_end_before_a_lead(dynamodb, tenant):
    ids = []
    for _ in range(12):
        lead = new_lead()
        leads_table.insert(tenant, lead)
        ids.append(lead["id"])
    newest_first = ids[::-1]
    cursor = leads_table.cursor_of(tenant, newest_first[4])

    after, more_after, total = leads_table.page(tenant, 3, after=cursor)
    before, more_before, _ = leads_table.page(tenant, 3, before=cursor)
    newest, more_newer, _ = leads_table.page(tenant, 10, before=cursor)

    assert [lead["id"] for lead in after] == newest_first[5:8] and more_after and total == 12
    assert [lead["id"] for lead in before] == newest_first[1:4] and more_before
    assert [lead["id"] for lead in newest] == newest_first[:4] and not more_newer
    assert leads_table.cursor_of(Tenant(tenant.account, "live"), ids[0]) is None

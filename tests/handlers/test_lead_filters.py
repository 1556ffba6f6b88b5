"""GET /api/crm/lead filtered by status, lead_owner or email_id, alone and with a creation-time
range: newest first, exact totals through creates, status changes and deletes, paging by offset
and by cursor, one tenant never seeing another's, and the combinations that are refused."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from leads_domain.tenancy import Tenant
from support.assertions import assert_error, assert_json
from support.events import api_event
from support.functions import invoke
from support.reference import COLLECTION
from support.stored import assert_filed

pytestmark = pytest.mark.usefixtures("dynamodb")


def _create(tenant: Tenant, **fields: Any) -> dict[str, Any]:
    status, body, _ = invoke(
        "create_lead", api_event("POST", COLLECTION, tenant=tenant, body=fields)
    )
    assert status == 201, body
    return dict(body)


def _list(tenant: Tenant, **query: str) -> dict[str, Any]:
    answer = invoke("list_leads", api_event("GET", COLLECTION, tenant=tenant, query=dict(query)))
    assert answer.status == 200, answer.text
    return dict(answer.body)


def _ids(page: dict[str, Any]) -> list[str]:
    return [lead["id"] for lead in page["data"]]


HOUR = "2026-12-07T09:00:00Z"


FIELD_VALUES = {
    "status": ("Open", "Replied"),
    "lead_owner": ("ana@example.com", "bo@example.com"),
    "email_id": ("ada@example.com", "grace@example.com"),
}


@pytest.mark.parametrize("field", list(FIELD_VALUES))
def test_each_filter_lists_only_its_leads_newest_first_with_the_exact_total(
    field: str, tenant: Tenant
) -> None:
    # Given leads of two values of the field, leads without it, and another tenant's leads
    wanted, other = FIELD_VALUES[field]
    made = [_create(tenant, **{field: wanted if n % 3 else other}) for n in range(9)]
    _create(tenant, city="Oslo")
    _create(Tenant(tenant.account, "live"), **{field: wanted})
    _create(Tenant("acct_someone_else", tenant.mode), **{field: wanted})
    expected = [lead["id"] for lead in made if lead[field] == wanted][::-1]

    # When the list is filtered by one value
    page = _list(tenant, **{field: wanted, "limit": "4"})

    # Then it holds the tenant's leads of that value only, newest first, and counts all of them
    assert _ids(page) == expected[:4]
    assert (page["total"], page["has_more"]) == (6, True)
    assert all(lead[field] == wanted for lead in page["data"])
    # And the rest of them follow, by offset and by cursor alike
    assert _ids(_list(tenant, **{field: wanted, "offset": "4"})) == expected[4:]
    after = _list(tenant, **{field: wanted, "starting_after": expected[3]})
    assert (_ids(after), after["total"], after["has_more"]) == (expected[4:], 6, False)
    before = _list(tenant, **{field: wanted, "ending_before": expected[4], "limit": "2"})
    assert (_ids(before), before["has_more"]) == (expected[2:4], True)
    # And a value nobody has lists nothing
    assert _list(tenant, **{field: "nobody@example.com"}) == {
        "data": [],
        "has_more": False,
        "total": 0,
    }


@pytest.mark.parametrize("field", [None, *FIELD_VALUES])
def test_each_filter_with_a_creation_time_range(field: str | None, tenant: Tenant) -> None:
    # Given leads created now, of a value and of another
    wanted, other = FIELD_VALUES[field or "status"]
    made = [_create(tenant, **{field or "status": wanted if n % 2 else other}) for n in range(6)]
    expected = [lead["id"] for lead in made if not field or lead[field] == wanted][::-1]
    where = {field: wanted} if field else {}
    first, last = _hour_of(made[0]), _hour_of(made[-1])

    # When a range holds their hours, ends before them or starts after them
    for query, listed in (
        ({"created_at[gte]": _hour(first)}, expected),
        ({"created_at[gt]": _hour(first, -1), "created_at[lt]": _hour(last, 1)}, expected),
        ({"created_at[lte]": _hour(last, 1)}, expected),
        ({"created_at[lt]": _hour(first)}, []),
        ({"created_at[gte]": _hour(last, 1)}, []),
        ({"created_at[gte]": _hour(last, 1), "created_at[lte]": _hour(first, -1)}, []),
    ):
        page = _list(tenant, **where, **query)
        # Then the page and the total are exactly the leads inside
        assert (_ids(page), page["total"]) == (listed, len(listed)), query


def _hour_of(lead: dict[str, Any]) -> datetime:
    return datetime.strptime(lead["created_at"][:13], "%Y-%m-%dT%H").replace(tzinfo=UTC)


def _hour(hour: datetime, offset_hours: int = 0) -> str:
    return (hour + timedelta(hours=offset_hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_totals_follow_creates_status_changes_and_deletes_at_once(tenant: Tenant) -> None:
    def totals() -> tuple[int, int, int]:
        return tuple(
            _list(tenant, status=s, limit="1")["total"] for s in ("Open", "Replied", "Lead")
        )  # type: ignore[return-value]

    first, second = _create(tenant, status="Open"), _create(tenant, status="Open")
    _create(tenant)  # the default status, "Lead"
    assert totals() == (2, 0, 1)

    # When a lead's status changes, it moves to the other list and its total at once
    patched = invoke(
        "update_lead",
        api_event(
            "PATCH", f"{COLLECTION}/{first['id']}", tenant=tenant, body={"status": "Replied"}
        ),
    )
    assert patched.status == 200, patched.text
    assert totals() == (1, 1, 1)
    assert _ids(_list(tenant, status="Replied")) == [first["id"]]
    assert _ids(_list(tenant, status="Open")) == [second["id"]]

    # And a status cleared by null goes back to the default
    invoke(
        "update_lead",
        api_event("PATCH", f"{COLLECTION}/{first['id']}", tenant=tenant, body={"status": None}),
    )
    assert totals() == (1, 0, 2)

    # And a delete takes the lead off its list
    deleted = invoke(
        "delete_lead", api_event("DELETE", f"{COLLECTION}/{second['id']}", tenant=tenant)
    )
    assert deleted.status == 200, deleted.text
    assert totals() == (0, 0, 2)


def test_an_owner_or_email_change_moves_the_lead_between_lists(
    dynamodb: Any, tenant: Tenant
) -> None:
    lead = _create(tenant, lead_owner="ana@example.com", email_id="old@example.com")
    change = {"lead_owner": "bo@example.com", "email_id": "New@Example.com"}
    invoke(
        "update_lead", api_event("PATCH", f"{COLLECTION}/{lead['id']}", tenant=tenant, body=change)
    )

    assert _list(tenant, lead_owner="ana@example.com")["total"] == 0
    assert _ids(_list(tenant, lead_owner="bo@example.com")) == [lead["id"]]
    assert _list(tenant, email_id="old@example.com")["total"] == 0
    assert _ids(_list(tenant, email_id="new@example.com")) == [lead["id"]]
    assert_filed(dynamodb, tenant)


def test_email_matches_whatever_its_case_and_surrounding_spaces(tenant: Tenant) -> None:
    # Given a lead whose email was sent with capitals and spaces
    lead = _create(tenant, email_id="  Ada.Lovelace@Example.COM ")
    _create(tenant, email_id="ada.lovelace@example.org")

    # Then any spelling of it finds the lead, which keeps the email exactly as sent
    for spelling in (
        "ada.lovelace@example.com",
        "ADA.LOVELACE@EXAMPLE.COM",
        " Ada.Lovelace@example.com\t",
    ):
        page = _list(tenant, email_id=spelling)
        assert (_ids(page), page["total"]) == ([lead["id"]], 1), spelling
        assert page["data"][0]["email_id"] == "  Ada.Lovelace@Example.COM "


@pytest.mark.slow
def test_a_few_hundred_filtered_leads_page_by_offset_and_by_cursor(tenant: Tenant) -> None:
    from leads_domain.logic import leads

    # Given 260 leads, 210 of them open, in a tenant
    made = [
        leads.create_lead(tenant, {"status": "Open" if n % 26 < 21 else "Lead", "city": str(n)})
        for n in range(260)
    ]
    expected = [lead.lead["id"] for lead in made if lead.lead["status"] == "Open"][::-1]
    assert len(expected) == 210

    # When they are paged 20 at a time by cursor, and by offset
    by_cursor: list[str] = []
    query = {"status": "Open", "limit": "20"}
    while True:
        page = _list(tenant, **query)
        assert page["total"] == 210
        by_cursor += _ids(page)
        if not page["has_more"]:
            break
        query["starting_after"] = by_cursor[-1]
    by_offset: list[str] = []
    for offset in range(0, 240, 20):
        by_offset += _ids(_list(tenant, status="Open", limit="20", offset=str(offset)))

    # Then each way walks every open lead once, newest first
    assert by_cursor == by_offset == expected
    # And back from the oldest by ending_before
    backwards: list[str] = []
    cursor = expected[-1]
    while True:
        page = _list(tenant, status="Open", limit="20", ending_before=cursor)
        backwards = _ids(page) + backwards
        if not page["has_more"]:
            break
        cursor = backwards[0]
    assert backwards == expected[:-1]


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ({"status": "Open", "lead_owner": "ana@example.com"}, "lead_owner"),
        ({"email_id": "a@b.co", "status": "Open"}, "email_id"),
        ({"created_at[gte]": HOUR, "created_at[gt]": HOUR}, "created_at[gt]"),
        ({"created_at[lte]": HOUR, "created_at[lt]": HOUR}, "created_at[lt]"),
        ({"created_at[gte]": "2026-12-07T09:30:00Z"}, "created_at[gte]"),
        ({"created_at[lt]": "yesterday"}, "created_at[lt]"),
        ({"created_at[lt]": "2026-12-07T09:00:00+02:00"}, "created_at[lt]"),
        ({"email_id": "   "}, "email_id"),
        ({"created_at": "2026-12-07T09:00:00Z"}, "created_at"),
    ],
)
def test_unsupported_filters_are_400_naming_the_parameter(
    query: dict[str, str], param: str, tenant: Tenant
) -> None:
    answer = invoke("list_leads", api_event("GET", COLLECTION, tenant=tenant, query=query))
    error = assert_error(answer, 400, type_="invalid_request_error", param=param)
    if param in ("lead_owner", "email_id") and len(query) > 1:
        # And the message says which combinations work
        assert "each alone or with a created_at range" in error["message"], error
    assert "yesterday" not in answer.text


def test_a_filtered_list_of_a_tenant_without_leads_is_empty(tenant: Tenant) -> None:
    assert assert_json(
        invoke("list_leads", api_event("GET", COLLECTION, tenant=tenant, query={"status": "Open"}))
    ) == {"data": [], "has_more": False, "total": 0}


def test_a_range_from_before_year_1000_is_answered_not_a_500(tenant: Tenant) -> None:
    _create(tenant, lead_owner="ana@example.com")
    for query in (
        {"created_at[lte]": "0736-10-30T23:00:00+00:00", "lead_owner": "ana@example.com"},
        {"created_at[gte]": "0736-10-30T23:00:00Z"},
    ):
        page = _list(tenant, **query)
        expected = 1 if "created_at[gte]" in query else 0
        assert (len(page["data"]), page["total"]) == (expected, expected), query

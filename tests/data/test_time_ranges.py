"""Creation-time ranges, alone and with a filter: the page and the exact total against what a
brute-force count of the stored leads says, for leads spread over three years (hour, day,
month and year boundaries, and leads created at exactly a whole hour), through deletes and
status changes."""

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from leads_domain import ids
from leads_domain.errors import InvalidRequest
from leads_domain.filters import Bound, LeadFilter
from leads_domain.logic import leads
from leads_domain.logic.rules import new_lead
from leads_domain.paging import PageRequest
from leads_domain.tenancy import Tenant
from support.stored import assert_filed

FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
STATUSES = ("Lead", "Open", "Replied")
OWNERS = ("ana@example.com", "bo@example.com")
START = datetime(2024, 11, 30, 22, tzinfo=UTC)
SPAN_HOURS = 3 * 365 * 24


def _instant(rng: random.Random) -> str:
    """Mostly anywhere in the span; often exactly on a whole hour, or next to one."""
    hour = START + timedelta(hours=rng.randrange(SPAN_HOURS))
    kind = rng.random()
    if kind < 0.25:
        moment = hour
    elif kind < 0.35:
        moment = hour - timedelta(microseconds=1)
    else:
        moment = hour + timedelta(microseconds=rng.randrange(3_600_000_000))
    return moment.strftime(FORMAT)


def _seed(tenant: Tenant, rng: random.Random, count: int) -> list[dict[str, Any]]:
    made = []
    for _ in range(count):
        fields = {
            "status": rng.choice(STATUSES),
            "lead_owner": rng.choice(OWNERS),
            "email_id": rng.choice(["a@x.co", "B@x.co "]),
        }
        lead = new_lead(ids.new_lead_id(), fields, _instant(rng))
        leads.insert(tenant, lead)
        made.append(lead)
    return made


def _bound(rng: random.Random) -> tuple[str, Bound]:
    hour = START + timedelta(hours=rng.randrange(-48, SPAN_HOURS + 48))
    # Whole days and months too, where the buckets' levels meet.
    if rng.random() < 0.3:
        hour = hour.replace(hour=0)
    if rng.random() < 0.15:
        hour = hour.replace(day=1, hour=0)
    if rng.random() < 0.05:
        hour = hour.replace(month=1, day=1, hour=0)
    return hour.strftime(FORMAT), rng.random() < 0.5


def _matches(lead: dict[str, Any], where: LeadFilter) -> bool:
    if where.field is not None and lead.get(where.field) != where.value:
        return False
    at = lead["created_at"]
    if where.since and not (at >= where.since.at if where.since.inclusive else at > where.since.at):
        return False
    return not where.until or (
        at <= where.until.at if where.until.inclusive else at < where.until.at
    )


def _listed(tenant: Tenant, where: LeadFilter) -> tuple[list[str], int]:
    """Every lead the filter lists, newest first (by offset, 100 a page), and its total."""
    found: list[str] = []
    while True:
        page = leads.list_leads(tenant, PageRequest(100, len(found)), where)
        found += [lead["id"] for lead in page["data"]]
        if not page["has_more"]:
            return found, page["total"]


def _expected(made: list[dict[str, Any]], where: LeadFilter) -> list[str]:
    kept = [lead for lead in made if _matches(lead, where)]
    return [
        lead["id"]
        for lead in sorted(kept, key=lambda kept_lead: (kept_lead["created_at"], kept_lead["id"]))
    ][::-1]


def _check_ranges(tenant: Tenant, made: list[dict[str, Any]], rng: random.Random, n: int):
    for _ in range(n):
        since = until = None
        if rng.random() < 0.8:
            at, inclusive = _bound(rng)
            since = Bound(at, inclusive)
        if rng.random() < 0.7 or since is None:
            at, inclusive = _bound(rng)
            until = Bound(at, inclusive)
        field = rng.choice([None, "status", "lead_owner"])
        value = rng.choice({"status": STATUSES, "lead_owner": OWNERS}[field]) if field else None
        where = LeadFilter(field, value, since, until)
        listed, total = _listed(tenant, where)
        expected = _expected(made, where)
        assert (listed, total) == (expected, len(expected)), where


@pytest.mark.slow
def test_every_range_of_whole_hours_is_listed_and_counted_exactly(dynamodb: Any) -> None:
    rng = random.Random(11)
    tenant = Tenant("acct_ranges", "test")
    made = _seed(tenant, rng, 100)
    assert_filed(dynamodb, tenant)
    _check_ranges(tenant, made, rng, 30)

    # And after deletes and status changes, still exactly
    for lead in rng.sample(made, 20):
        leads.delete_lead(tenant, lead["id"])
        made.remove(lead)
    for lead in rng.sample(made, 20):
        lead["status"] = rng.choice(STATUSES)
        lead["lead_owner"] = rng.choice(OWNERS)
        change = {"status": lead["status"], "lead_owner": lead["lead_owner"]}
        leads.update_lead(tenant, lead["id"], change)
    assert_filed(dynamodb, tenant)
    _check_ranges(tenant, made, rng, 20)


def test_a_range_is_exact_at_its_own_instant(dynamodb: Any) -> None:
    # Given leads created exactly at 09:00, just before and just after
    tenant = Tenant("acct_instant", "test")
    nine = "2026-03-01T09:00:00.000000Z"
    at_nine = [new_lead(ids.new_lead_id(), {}, nine) for _ in range(3)]
    before = new_lead(ids.new_lead_id(), {}, "2026-03-01T08:59:59.999999Z")
    after = new_lead(ids.new_lead_id(), {}, "2026-03-01T09:00:00.000001Z")
    for lead in (*at_nine, before, after):
        leads.insert(tenant, lead)
    totals = {
        kind: leads.list_leads(tenant, PageRequest(), LeadFilter(**{side: Bound(nine, inc)}))[
            "total"
        ]
        for kind, side, inc in (
            ("gte", "since", True),
            ("gt", "since", False),
            ("lte", "until", True),
            ("lt", "until", False),
        )
    }
    # Then gte and lte take the three of 09:00, gt and lt leave them out
    assert totals == {"gte": 4, "gt": 1, "lte": 4, "lt": 1}


def test_an_email_with_a_range_is_counted_from_its_few_leads_and_refused_for_many(
    dynamodb: Any,
) -> None:
    tenant = Tenant("acct_email_range", "test")
    old = new_lead(ids.new_lead_id(), {"email_id": "Ada@x.co"}, "2025-01-01T00:30:00.000000Z")
    new = new_lead(ids.new_lead_id(), {"email_id": " ada@X.CO"}, "2026-01-01T00:30:00.000000Z")
    for lead in (old, new):
        leads.insert(tenant, lead)
    since = Bound("2025-06-01T00:00:00.000000Z", True)
    page = leads.list_leads(tenant, PageRequest(), LeadFilter("email_id", "ADA@x.co", since))
    assert ([lead["id"] for lead in page["data"]], page["total"]) == ([new["id"]], 1)

    # And an email of more than 100 leads, with a range, is refused naming what works
    for _ in range(100):
        leads.insert(tenant, new_lead(ids.new_lead_id(), {"email_id": "ada@x.co"}))
    with pytest.raises(InvalidRequest) as refused:
        leads.list_leads(tenant, PageRequest(), LeadFilter("email_id", "ada@x.co", since))
    assert refused.value.param == "email_id" and "status or lead_owner" in refused.value.message
    # Without the range it is one count
    assert (
        leads.list_leads(tenant, PageRequest(1), LeadFilter("email_id", "ada@x.co"))["total"] == 102
    )

"""The lead count in shards: writes spread over them, a read sums them, a table written with the
single counter of the first design keeps its exact total under the new code, and the total is
exact under concurrent creates and deletes from many threads (the embedded DynamoDB server)."""

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from leads_domain import ids
from leads_domain.container import forget_all
from leads_domain.data import counters, leads_table
from leads_domain.errors import NotFound
from leads_domain.logic import leads
from leads_domain.logic.rules import now
from leads_domain.settings import get_settings
from leads_domain.tenancy import Tenant
from support.concurrency import all_at_once
from support.faults import FAULTS_BY_NAME, FaultInjector
from support.stored import counted, lead_items, partition, stored

pytestmark = [
    # The operations run without a Lambda context, as nothing times them out.
    pytest.mark.filterwarnings("ignore:Couldn't determine the remaining time"),
]

LEGACY_COUNTER = "COUNTER"


@pytest.fixture
def raw(embedded_dynamodb: Any) -> Iterator[Any]:
    """A client of the embedded server of its own, for raw reads and old-layout writes."""
    from leads_cli.local_dynamodb import client

    yield client(embedded_dynamodb.endpoint)


def _tenant() -> Tenant:
    return Tenant(f"acct_{uuid.uuid4().hex[:12]}", "test")


def _count_items(raw: Any, tenant: Tenant) -> dict[str, int]:
    """sort key -> lead_count of every item of the partition that holds a count, read raw."""
    return {
        item["sk"]["S"]: int(item["lead_count"]["N"])
        for item in partition(raw, tenant)
        if "lead_count" in item
    }


def _delete(tenant: Tenant, lead_id: str) -> bool:
    try:
        leads.delete_lead(tenant, lead_id)
        return True
    except NotFound:
        return False


def test_creates_spread_over_shards_whose_sum_is_the_total(raw: Any) -> None:
    tenant = _tenant()

    # When 200 leads are created and 50 deleted
    created = [leads.create_lead(tenant, {"city": f"C{n}"}).lead["id"] for n in range(200)]
    for lead_id in created[:50]:
        leads.delete_lead(tenant, lead_id)

    # Then the count is held by many shards, all named COUNTER or COUNTER#<k>, k < N
    shards = _count_items(raw, tenant)
    names = {LEGACY_COUNTER} | {f"COUNTER#{k}" for k in range(1, get_settings().counter_shards)}
    assert set(shards) <= names
    assert len(shards) > 40, shards
    # And the total, as read and as listed, is their sum and the number of leads
    assert sum(shards.values()) == 150 == len(lead_items(raw, tenant))
    assert leads_table.count(tenant) == 150
    assert leads.list_leads(tenant, _page(1))["total"] == 150


def _page(limit: int, offset: int = 0) -> Any:
    from leads_domain.paging import PageRequest

    return PageRequest(limit, offset, None, None)


def test_one_shard_is_the_single_counter_of_the_first_design(
    raw: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given CounterShards=1 (the first step of an upgrade that keeps old readers exact)
    monkeypatch.setenv("COUNTER_SHARDS", "1")
    forget_all()
    tenant = _tenant()

    # When leads are created and deleted
    created = [leads.create_lead(tenant, {}).lead["id"] for _ in range(12)]
    leads.delete_lead(tenant, created[0])

    # Then exactly one counter item exists, the first design's, holding the count
    assert _count_items(raw, tenant) == {LEGACY_COUNTER: 11}
    assert leads_table.count(tenant) == 11


def _old_layout(raw: Any, tenant: Tenant, count: int) -> list[str]:
    """Leads and their count written as the first design wrote them: lead items, and one
    COUNTER item that every create ADDed 1 to."""
    table = get_settings().leads_table
    lead_ids = []
    for n in range(count):
        stamp = now()
        lead = {"id": ids.new_lead_id(), "created_at": stamp, "updated_at": stamp, "city": f"{n}"}
        raw.put_item(TableName=table, Item=leads_table.stored_item(tenant, lead))
        raw.update_item(
            TableName=table,
            Key={"tenant": {"S": tenant.partition}, "sk": {"S": LEGACY_COUNTER}},
            UpdateExpression="ADD lead_count :delta",
            ExpressionAttributeValues={":delta": {"N": "1"}},
        )
        lead_ids.append(lead["id"])
    return lead_ids


def test_a_table_of_the_single_counter_keeps_an_exact_total_under_the_new_code(
    raw: Any,
) -> None:
    # Given a tenant stored by the first design: 30 leads and one COUNTER item of 30
    tenant = _tenant()
    old = _old_layout(raw, tenant, 30)
    assert _count_items(raw, tenant) == {LEGACY_COUNTER: 30}
    # Then the new code reads its total at once, with no migration
    assert leads_table.count(tenant) == 30
    assert leads.list_leads(tenant, _page(5, offset=10))["total"] == 30

    # When 40 creates and 20 deletes of old leads run at once from 20 threads
    def work(n: int) -> list[Any]:
        if n < 10:
            return [
                leads.create_lead(tenant, {"city": f"New {n}.{k}"}).lead["id"] for k in range(4)
            ]
        return [_delete(tenant, lead_id) for lead_id in old[2 * (n - 10) : 2 * (n - 9)]]

    outcomes = all_at_once(20, work)
    new = [lead_id for done in outcomes[:10] for lead_id in done]

    # Then every delete succeeded once, and the total is exact: 30 + 40 - 20
    assert [deleted for done in outcomes[10:] for deleted in done] == [True] * 20
    state = stored(raw, tenant)
    assert len(state.leads) == 50 == state.count
    assert leads_table.count(tenant) == 50
    assert leads.list_leads(tenant, _page(100))["total"] == 50
    assert sorted(lead["id"] for lead in leads.list_leads(tenant, _page(100))["data"]) == sorted(
        [*old[20:], *new]
    )
    # And the first design's counter is still one of the shards summed
    assert LEGACY_COUNTER in _count_items(raw, tenant)


def test_the_total_is_exact_under_concurrent_creates_and_deletes_from_many_threads(
    raw: Any,
) -> None:
    tenant = _tenant()
    existing = [leads.create_lead(tenant, {"city": f"Old {n}"}).lead["id"] for n in range(40)]

    # When 60 creates, 40 deletes (each of 20 leads twice) and list reads run at once, from
    # 24 threads (the embedded server answers one request at a time: more would only queue)
    def work(n: int) -> list[Any]:
        if n < 12:
            return [leads.create_lead(tenant, {"city": f"New {n}.{k}"}) for k in range(5)]
        if n < 20:
            return [_delete(tenant, existing[(n * 5 + k) % 20]) for k in range(5)]
        return [leads.list_leads(tenant, _page(1))["total"] for _ in range(5)]

    outcomes = all_at_once(24, work)

    # Then each lead was deleted once, and the count is exact: 40 + 60 - 20
    assert sum(deleted for done in outcomes[12:20] for deleted in done) == 20
    assert counted(raw, tenant) == len(lead_items(raw, tenant)) == 80
    assert leads_table.count(tenant) == 80
    # And every total read while the writes ran was a count the tenant could have had
    totals = [total for done in outcomes[20:] for total in done]
    assert all(20 <= total <= 100 for total in totals), totals


def test_count_shards_are_neither_leads_nor_reachable_by_a_lead_id(raw: Any) -> None:
    tenant = _tenant()
    for _ in range(30):
        leads.create_lead(tenant, {})
    shard_keys = [key for key in _count_items(raw, tenant) if key != LEGACY_COUNTER]
    assert shard_keys
    for key in shard_keys:
        assert not key.startswith(leads_table.LEAD_PREFIX)
        assert leads_table.get(tenant, key) is None
    page = leads.list_leads(tenant, _page(100))
    assert len(page["data"]) == page["total"] == 30


def test_a_counts_key_range_holds_its_shards_and_nothing_else() -> None:
    total = counters.TOTAL
    assert [total.sort_key(k) for k in (0, 1, 63)] == ["COUNTER", "COUNTER#1", "COUNTER#63"]
    assert all(total.holds(total.sort_key(k)) for k in range(100))
    for other in ("LEAD#lead_abc", "COUNT#status#Lead", "COUNTERS", "COUNTER_X", "COUNTES"):
        assert not total.holds(other), other
    per_value = counters.Count("COUNT#status#Lead")
    assert per_value.holds("COUNT#status#Lead#7")
    assert not per_value.holds("COUNT#status#Leads") and not total.holds("COUNT#status#Lead")


def test_a_transaction_retried_after_a_conflict_picks_its_shard_again(
    injector: FaultInjector, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given shard picks 3 then 9, and the first attempt cancelled by a conflict
    picks = iter([3, 9])
    monkeypatch.setattr(counters, "random_shard", lambda: next(picks))
    injector.fail("TransactWriteItems", FAULTS_BY_NAME["transaction conflict"], times=1)

    # When a lead is created
    leads.create_lead(tenant, {"city": "Oslo"})

    # Then the retry counted it on the newly picked shard only
    with injector.paused():
        assert _count_items(injector.client, tenant) == {"COUNTER#9": 1}
    assert injector.attempts["TransactWriteItems"] == 2

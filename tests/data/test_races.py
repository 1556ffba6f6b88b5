"""Races from threads straight into the operations, against the embedded DynamoDB server the
local run uses: as from many Lambda containers, whose requests really do interleave.

One winner per If-Match version, one lead per idempotent create, one successful delete.
"""

import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from leads_domain.data import leads_table
from leads_domain.data.attributes import from_item
from leads_domain.errors import Conflict, NotFound, PreconditionFailed
from leads_domain.logic import leads
from leads_domain.logic.rules import VersionedLead
from leads_domain.tenancy import Tenant
from support.concurrency import all_at_once
from support.stored import counted, lead_items

pytestmark = [
    # The races run without a Lambda context, as nothing times them out.
    pytest.mark.filterwarnings("ignore:Couldn't determine the remaining time"),
]


@pytest.fixture
def raw(embedded_dynamodb: Any) -> Iterator[Any]:
    """A client of the embedded server of its own, for raw reads of what the races stored."""
    from leads_cli.local_dynamodb import client

    yield client(embedded_dynamodb.endpoint)


def _tenant() -> Tenant:
    return Tenant(f"acct_{uuid.uuid4().hex[:12]}", "test")


def _outcome[T](action: Callable[[], T]) -> T | Exception:
    try:
        return action()
    except (Conflict, NotFound, PreconditionFailed) as error:
        return error


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda n: {"city": f"City {n}"}, id="plain update"),
        pytest.param(lambda n: {"first_name": f"Name{n}"}, id="update deriving lead_name"),
    ],
)
def test_parallel_if_match_updates_of_one_version_have_exactly_one_winner(
    change: Callable[[int], dict[str, Any]], raw: Any
) -> None:
    tenant = _tenant()
    for _ in range(3):
        # Given a lead at one version
        lead = leads.create_lead(tenant, {"city": "Oslo"})
        lead_id = lead.lead["id"]

        # When twelve updates of that version run in parallel
        outcomes = all_at_once(
            12,
            lambda n, lead=lead, lead_id=lead_id: _outcome(
                lambda: leads.update_lead(tenant, lead_id, change(n), (lead.version,))
            ),
        )

        # Then exactly one wins, the rest fail their precondition
        winners = [o for o in outcomes if isinstance(o, VersionedLead)]
        assert len(winners) == 1, outcomes
        assert all(isinstance(o, PreconditionFailed) for o in outcomes if o is not winners[0])
        # And the stored lead is exactly the winner's answer, at the next version
        stored = from_item(lead_items(raw, tenant)[lead_id])
        assert stored["version"] == 2 == winners[0].version
        assert {name: stored.get(name) for name in winners[0].lead if name != "id"} == {
            name: value for name, value in winners[0].lead.items() if name != "id"
        }


def test_parallel_retries_of_one_idempotent_create_make_one_lead(raw: Any) -> None:
    tenant = _tenant()
    for round_ in range(3):
        key = f"retry-{uuid.uuid4()}"
        body = {"company_name": f"Once {round_}"}

        # When twelve retries of one idempotent create run in parallel
        outcomes = all_at_once(12, lambda _, key=key, body=body: _create(tenant, body, key))

        # Then each answers the one lead, or that the first is still in progress
        created = [o for o in outcomes if isinstance(o, VersionedLead)]
        assert created, outcomes
        assert all(lead == created[0] for lead in created)
        for outcome in outcomes:
            if isinstance(outcome, Exception):
                assert isinstance(outcome, Conflict), outcome
                assert outcome.code == "idempotency_in_progress"
        # And a later retry answers that same lead
        assert _create(tenant, body, key) == created[0]
    # And exactly one lead was made, and counted, per key
    assert len(lead_items(raw, tenant)) == counted(raw, tenant) == 3


def _create(tenant: Tenant, body: dict[str, Any], key: str) -> VersionedLead | Exception:
    return _outcome(lambda: leads.create_lead(tenant, body, key))


def test_parallel_deletes_with_if_match_succeed_once(raw: Any) -> None:
    tenant = _tenant()
    keep = leads.create_lead(tenant, {"city": "Keep"})
    lead = leads.create_lead(tenant, {"city": "Oslo"})
    lead_id = lead.lead["id"]

    outcomes = all_at_once(
        12, lambda _: _outcome(lambda: leads.delete_lead(tenant, lead_id, (lead.version,)))
    )

    assert outcomes.count({"id": lead_id, "deleted": True}) == 1, outcomes
    assert all(
        isinstance(o, NotFound | PreconditionFailed) for o in outcomes if isinstance(o, Exception)
    )
    assert list(lead_items(raw, tenant)) == [keep.lead["id"]]
    assert counted(raw, tenant) == 1


@pytest.fixture
def reads_together(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """reads_together(n): the next n reads of a lead wait for one another, so that n
    concurrent updates all read the lead before any of them writes: the race, every time."""

    def arm(count: int) -> None:
        barrier = threading.Barrier(count, timeout=10)
        read = leads_table.get
        waiting = {"left": count}
        lock = threading.Lock()

        def get_then_wait(tenant: Tenant, lead_id: str) -> dict[str, Any] | None:
            lead = read(tenant, lead_id)
            with lock:
                first_read = waiting["left"] > 0
                waiting["left"] -= 1
            if first_read:
                barrier.wait()
            return lead

        monkeypatch.setattr(leads_table, "get", get_then_wait)

    return arm


def test_concurrent_changes_of_two_name_fields_leave_the_name_of_both(
    raw: Any, reads_together: Callable[[int], None]
) -> None:
    tenant = _tenant()
    for round_ in range(3):
        # Given a lead whose lead_name was derived from its first name
        lead = leads.create_lead(tenant, {"first_name": "Ada", "city": "Oslo"})
        lead_id = lead.lead["id"]
        assert lead.lead["lead_name"] == "Ada"

        # When a change of first_name and one of last_name both read it, then both write
        reads_together(2)
        changes = ({"first_name": f"Augusta{round_}"}, {"last_name": f"Lovelace{round_}"})
        outcomes = all_at_once(
            2,
            lambda n, lead_id=lead_id, changes=changes: leads.update_lead(
                tenant, lead_id, changes[n]
            ),
        )

        # Then both succeed, and the stored lead_name is derived from the final names
        stored = from_item(lead_items(raw, tenant)[lead_id])
        assert stored["lead_name"] == f"Augusta{round_} Lovelace{round_}", (stored, outcomes)
        assert (stored["city"], stored["version"]) == ("Oslo", 3)
        # And the later answer shows that name too
        latest = max(outcomes, key=lambda outcome: outcome.version)
        assert latest.lead["lead_name"] == stored["lead_name"]


def test_a_change_of_other_fields_in_between_does_not_hold_up_a_name_change(
    raw: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a lead whose lead_name was derived
    tenant = _tenant()
    lead_id = leads.create_lead(tenant, {"first_name": "Ada"}).lead["id"]
    # And a change of its city that lands just after a name change has read the lead
    read = leads_table.get
    reads = []

    def get_then_change_city(tenant: Tenant, lead_id: str) -> dict[str, Any] | None:
        lead = read(tenant, lead_id)
        reads.append(lead_id)
        if len(reads) == 1:
            leads.update_lead(tenant, lead_id, {"city": "Rome"})
        return lead

    monkeypatch.setattr(leads_table, "get", get_then_change_city)

    # When the name change writes
    updated = leads.update_lead(tenant, lead_id, {"last_name": "Lovelace"})

    # Then it applies at once (its name fields did not change), keeping the city change
    assert len(reads) == 1
    stored = from_item(lead_items(raw, tenant)[lead_id])
    assert (stored["city"], stored["lead_name"], stored["version"]) == ("Rome", "Ada Lovelace", 3)
    assert updated.lead["city"] == "Rome" and updated.version == 3

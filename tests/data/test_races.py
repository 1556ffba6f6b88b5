"""Races from threads straight into the operations, against the embedded DynamoDB server the
local run uses: as from many Lambda containers, whose requests really do interleave.

One winner per If-Match version, one lead per idempotent create, one successful delete.
"""

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

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

"""DynamoDB faults on every call of POST /api/crm/lead/batch, with and without Idempotency-Key.

A batch of 100 leads is two transactions. Whatever fails, and wherever: the stored state, read
raw, has every lead at most once, each counted exactly once; the answer says exactly what was
created (or is a 503 with nothing created); and with an Idempotency-Key, a retry after any
failure creates exactly the leads not created yet and then answers the same answer forever.
"""

import uuid
from dataclasses import dataclass

import pytest

from leads_cli.lambda_context import LambdaContext
from leads_domain.logic import leads
from leads_domain.tenancy import Tenant
from support.assertions import assert_lead, assert_no_internals, assert_unavailable
from support.events import json_api_event
from support.faults import (
    FAULTS,
    FAULTS_BY_NAME,
    SHORT_INVOCATION_MS,
    Fault,
    FaultInjector,
    retry_while_in_progress,
)
from support.functions import Invocation, invoke
from support.reference import BATCH
from support.stored import Stored, assert_consistent
from support.stored import stored as raw_stored

pytestmark = [pytest.mark.filterwarnings("ignore:Couldn't determine the remaining time")]

SIZE = 100  # two transactions: 99 leads and their count, then 1 and its count
LEADS = [{"company_name": f"Corp {n}", "city": "Oslo"} for n in range(SIZE)]


def post(tenant: Tenant, key: str | None, short: bool = False) -> Invocation:
    headers = {"Idempotency-Key": key} if key else None
    event = json_api_event("POST", BATCH, tenant, body={"leads": LEADS}, headers=headers)
    context = LambdaContext("create_leads_batch", timeout_seconds=SHORT_INVOCATION_MS / 1000)
    return invoke("create_leads_batch", event, context if short else None)


def state(injector: FaultInjector, tenant: Tenant) -> Stored:
    with injector.paused():
        found = raw_stored(injector.client, tenant)
    # Never partial: each lead indexed once and counted once, nothing else counted.
    assert_consistent(found)
    return found


def created_ids(answer: Invocation) -> list[str]:
    return [entry["id"] for entry in answer.body["data"] if "id" in entry]


def assert_all_created(answer: Invocation, after: Stored, before: Stored) -> None:
    assert answer.status == 200, answer.text
    assert (answer.body["created"], answer.body["failed"]) == (SIZE, 0)
    for lead, sent in zip(answer.body["data"], LEADS, strict=True):
        assert_lead(lead)
        assert {name: lead[name] for name in sent} == sent
    ids = created_ids(answer)
    assert set(after.leads) - set(before.leads) == set(ids) and len(set(ids)) == SIZE
    assert after.count == before.count + SIZE


@dataclass(frozen=True)
class Case:
    keyed: bool
    call: str
    fault: Fault
    persistent: bool

    @property
    def id(self) -> str:
        lasting = "every attempt" if self.persistent else "first attempt only"
        keyed = "with Idempotency-Key" if self.keyed else "no key"
        return f"{keyed} | {self.call} {self.fault.name} | {lasting}"


CALLS = {False: ("TransactWriteItems",), True: ("PutItem", "TransactWriteItems", "UpdateItem")}
# Every kind of fault on the batch's own call; for the keyed calls (the idempotency record's,
# faulted with every kind in test_fault_injection.py), a throttle, a 5xx and a lost answer.
KEYED_FAULTS = ("throttling 400", "unavailable 503", "read timeout", "transaction conflict")
CASES = [
    Case(keyed, dynamodb_call, fault, persistent)
    for keyed, calls in CALLS.items()
    for dynamodb_call in calls
    for fault in FAULTS
    if (dynamodb_call == "TransactWriteItems" or not fault.transactional_only)
    and (not keyed or fault.name in KEYED_FAULTS)
    for persistent in (True, False)
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_fault(case: Case, injector: FaultInjector, tenant: Tenant) -> None:
    # Given a tenant with leads, and a fault on one DynamoDB call of the batch
    with injector.paused():
        for n in range(3):
            leads.create_lead(tenant, {"city": f"Before {n}"})
    before = state(injector, tenant)
    key = f"batch-{uuid.uuid4()}" if case.keyed else None
    injector.fail(case.call, case.fault, times=None if case.persistent else 1)

    # When a batch of 100 is posted
    answer = post(tenant, key)
    injector.heal()
    after = state(injector, tenant)

    # Then nothing internal shows, and nothing stored is partial (state() checks that)
    assert_no_internals(answer.text)
    if not case.persistent:
        # A fault the retries cured answers, and stores, exactly as a success
        assert_all_created(answer, after, before)
    elif case.call == "UpdateItem":
        # The leads were stored and counted before the answer could be remembered
        assert_unavailable(answer)
        assert len(after.leads) - len(before.leads) == SIZE == after.count - before.count
    else:
        # A fault that lasted from the first write stored nothing, and says so
        assert_unavailable(answer)
        assert (after.leads, after.count) == (before.leads, before.count)


def test_the_matrix_faults_every_dynamodb_call_of_the_batch(injector: FaultInjector, tenant):
    for keyed, calls in CALLS.items():
        injector.reset_counts()
        assert post(tenant, f"k-{uuid.uuid4()}" if keyed else None).status == 200
        assert set(injector.attempts) == set(calls), injector.attempts


# --- half-way ----------------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["unavailable 503", "read timeout", "transaction conflict"])
def test_half_way_without_a_key_answers_exactly_what_was_created(
    fault: str, injector: FaultInjector, tenant: Tenant
) -> None:
    # Given the first transaction commits and the second fails on every attempt
    before = state(injector, tenant)
    injector.fail("TransactWriteItems", FAULTS_BY_NAME[fault], after=1)

    # When the batch is posted
    answer = post(tenant, None)
    after = state(injector, tenant)

    # Then it answers the 99 created and the one that was not, with a retryable error
    assert answer.status == 200, answer.text
    assert (answer.body["created"], answer.body["failed"]) == (99, 1)
    error = answer.body["data"][99]["error"]
    assert (error["type"], error["code"], error["param"]) == (
        "api_error",
        "service_unavailable",
        "leads[99]",
    )
    assert_no_internals(answer.text)
    # And exactly those 99 are stored, each once, and counted
    assert set(after.leads) - set(before.leads) == set(created_ids(answer))
    assert after.count == before.count + 99


INTERRUPTIONS: dict[str, list[tuple[str, int]]] = {
    "claiming the key": [("PutItem", 0)],
    "writing the first transaction": [("TransactWriteItems", 0)],
    "writing the second transaction (half-way)": [("TransactWriteItems", 1)],
    "half-way, then releasing the key": [("TransactWriteItems", 1), ("DeleteItem", 0)],
    "saving the answer": [("UpdateItem", 0)],
}


@pytest.mark.parametrize("fault", ["unavailable 503", "read timeout"])
@pytest.mark.parametrize("interruption", INTERRUPTIONS, ids=list(INTERRUPTIONS))
def test_an_interrupted_keyed_batch_is_finished_by_its_retry_creating_each_lead_once(
    interruption: str, fault: str, injector: FaultInjector, tenant: Tenant
) -> None:
    # Given DynamoDB failing at one step of an idempotent batch of 100
    before = state(injector, tenant)
    key = f"batch-{uuid.uuid4()}"
    for dynamodb_call, spared in INTERRUPTIONS[interruption]:
        injector.fail(dynamodb_call, FAULTS_BY_NAME[fault], after=spared)

    # When the batch fails with 503
    first = post(tenant, key, short=True)
    assert_unavailable(first)
    interrupted = state(injector, tenant)
    assert len(interrupted.leads) - len(before.leads) in (0, 99, SIZE)

    # And the client retries with the same key and body once DynamoDB is back
    injector.heal()
    retried = retry_while_in_progress(lambda: post(tenant, key))

    # Then the retry created exactly the leads still missing: every lead once, counted once
    after = state(injector, tenant)
    assert_all_created(retried, after, before)
    assert set(interrupted.leads) - set(before.leads) <= set(created_ids(retried))
    # And every later retry answers the same, creating nothing
    again = post(tenant, key)
    assert (again.status, again.body) == (200, retried.body)
    assert again.header("Idempotent-Replayed") == "true"
    assert state(injector, tenant) == after


def test_a_keyed_batch_retried_after_its_key_expired_still_creates_nothing_twice(
    injector: FaultInjector, tenant: Tenant
) -> None:
    # Given a batch created with a key, whose remembered answer is then gone (24 hours on)
    key = f"batch-{uuid.uuid4()}"
    first = post(tenant, key)
    with injector.paused():
        for record in injector.client.scan(TableName=_idempotency_table())["Items"]:
            injector.client.delete_item(TableName=_idempotency_table(), Key={"id": record["id"]})
    before = state(injector, tenant)

    # When the same batch is sent again with the same key
    again = post(tenant, key)

    # Then its leads are found under the ids derived from the request: none is made twice
    assert again.status == 200 and created_ids(again) == created_ids(first)
    assert again.body == first.body
    after = state(injector, tenant)
    assert (after.leads, after.count) == (before.leads, before.count)


def _idempotency_table() -> str:
    from leads_domain.settings import get_settings

    return get_settings().idempotency_table

"""DynamoDB faults, injected at the botocore level into the domain's own client, for every
operation and every kind of fault: throttling, 5xx, timeouts and transaction conflicts.

A fault on every attempt answers 503 with Retry-After in the error shape, after a bounded
number of attempts, and leaves everything stored exactly as it was (or, where the write had
already committed, exactly as after a success). A fault on the first attempt only is cured by
the retries: the normal answer, and the stored state of a success. Never a lead without its
counter change, never internals in the body.
"""

import json
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from leads_cli import template as template_module
from leads_cli.lambda_context import LambdaContext
from leads_domain.container import forget_all
from leads_domain.data import clients, transactions
from leads_domain.http.parameters import etag
from leads_domain.logic import leads
from leads_domain.logic.rules import VersionedLead
from leads_domain.tenancy import Tenant
from support.assertions import assert_no_internals, assert_unavailable
from support.events import json_api_event as request
from support.faults import (
    FAULTS,
    FAULTS_BY_NAME,
    SHORT_INVOCATION_MS,
    Fault,
    FaultInjector,
    retry_while_in_progress,
)
from support.functions import Invocation as Answer
from support.functions import invoke as call
from support.local_gateway import provisioned_key
from support.stored import Stored, assert_consistent, assert_lead_stored
from support.stored import stored as raw_stored

COLLECTION = "/api/crm/lead"
# API Gateway's integration limit.
GATEWAY_SECONDS = 29


@dataclass
class World:
    """A tenant's leads before the request, oldest first; the last one has no name at all."""

    tenant: Tenant
    named: list[VersionedLead]
    nameless: VersionedLead

    def newest_first(self) -> list[str]:
        return [self.nameless.lead["id"], *[v.lead["id"] for v in reversed(self.named)]]


def stored(injector: FaultInjector, tenant: Tenant) -> Stored:
    """What the tenant has stored, read raw, without faults or counting."""
    with injector.paused():
        return raw_stored(injector.client, tenant)


def populate(injector: FaultInjector, tenant: Tenant) -> World:
    with injector.paused():
        named = [
            leads.create_lead(tenant, {"first_name": f"Ada{n}", "company_name": f"Corp {n}"})
            for n in range(3)
        ]
        nameless = leads.create_lead(tenant, {"city": "Oslo"})
    assert nameless.lead["lead_name"] is None
    return World(tenant, named, nameless)


# --- the operations ----------------------------------------------------------------------

Check = Callable[[World, Stored, Stored, Answer], None]


def _unchanged(world: World, before: Stored, after: Stored, answer: Answer) -> None:
    assert after == before


def _created(world: World, before: Stored, after: Stored, answer: Answer) -> None:
    assert answer.status == 201, answer.text
    lead = answer.body
    assert lead["first_name"] == "Grace" and lead["lead_name"] == "Grace"
    assert after.listed == (lead["id"], *before.listed)
    assert after.count == before.count + 1
    assert {k: v for k, v in after.leads.items() if k != lead["id"]} == before.leads
    assert_lead_stored(after, lead, answer.headers.get("etag"))


def _created_once_for_the_key(world: World, before: Stored, after: Stored, answer: Answer) -> None:
    _created(world, before, after, answer)
    assert after.statuses() == sorted([*before.statuses(), "COMPLETED"])


def _got(world: World, before: Stored, after: Stored, answer: Answer) -> None:
    assert answer.status == 200, answer.text
    assert answer.body == world.named[0].lead
    assert answer.headers.get("etag") == etag(world.named[0].version)
    _unchanged(world, before, after, answer)


def _listed(start: int, stop: int) -> Check:
    def check(world: World, before: Stored, after: Stored, answer: Answer) -> None:
        assert answer.status == 200, answer.text
        assert [lead["id"] for lead in answer.body["data"]] == world.newest_first()[start:stop]
        assert answer.body["total"] == before.count == 4
        assert answer.body["has_more"] is (stop < 4)
        _unchanged(world, before, after, answer)

    return check


def _updated(target: Callable[[World], VersionedLead], **expected: Any) -> Check:
    def check(world: World, before: Stored, after: Stored, answer: Answer) -> None:
        assert answer.status == 200, answer.text
        old = target(world).lead
        lead = answer.body
        assert lead["id"] == old["id"]
        assert {name: lead[name] for name in expected} == expected
        assert lead["created_at"] == old["created_at"] and lead["updated_at"] > old["updated_at"]
        assert after.listed == before.listed and after.count == before.count
        assert {k: v for k, v in after.leads.items() if k != lead["id"]} == {
            k: v for k, v in before.leads.items() if k != lead["id"]
        }
        assert after.leads[lead["id"]]["version"] == before.leads[lead["id"]]["version"] + 1
        assert_lead_stored(after, lead, answer.headers.get("etag"))

    return check


def _deleted(world: World, before: Stored, after: Stored, answer: Answer) -> None:
    assert answer.status == 200, answer.text
    lead_id = world.named[0].lead["id"]
    assert answer.body == {"id": lead_id, "deleted": True}
    assert after.listed == tuple(i for i in before.listed if i != lead_id)
    assert after.count == before.count - 1
    assert after.leads == {k: v for k, v in before.leads.items() if k != lead_id}


def _first(world: World) -> VersionedLead:
    return world.named[0]


def _nameless(world: World) -> VersionedLead:
    return world.nameless


def _path(world: World) -> str:
    return f"{COLLECTION}/{world.named[0].lead['id']}"


@dataclass(frozen=True)
class Operation:
    name: str
    function: str
    # The DynamoDB operations it makes when all goes well.
    calls: tuple[str, ...]
    event: Callable[[World], dict[str, Any]]
    on_success: Check
    # DynamoDB operations it makes after its data has been written: a fault there comes too
    # late to undo the write.
    after_commit: tuple[str, ...] = ()


NEW_LEAD = {"first_name": "Grace", "city": "Arlington"}

OPERATIONS = (
    Operation(
        "create",
        "create_lead",
        ("TransactWriteItems",),
        lambda w: request("POST", COLLECTION, w.tenant, body=NEW_LEAD),
        _created,
    ),
    Operation(
        "create with Idempotency-Key",
        "create_lead",
        ("PutItem", "TransactWriteItems", "UpdateItem"),
        lambda w: request(
            "POST",
            COLLECTION,
            w.tenant,
            body=NEW_LEAD,
            headers={"Idempotency-Key": f"key-{uuid.uuid4()}"},
        ),
        _created_once_for_the_key,
        after_commit=("UpdateItem",),
    ),
    Operation(
        "get",
        "get_lead",
        ("GetItem",),
        lambda w: request("GET", _path(w), w.tenant),
        _got,
    ),
    Operation(
        "list at offset 0",
        "list_leads",
        ("Query by_created_at", "BatchGetItem", "Query"),
        lambda w: request("GET", COLLECTION, w.tenant, query={"limit": "2"}),
        _listed(0, 2),
    ),
    Operation(
        "list at offset 1",
        "list_leads",
        ("Query", "Query by_created_at", "BatchGetItem"),
        lambda w: request("GET", COLLECTION, w.tenant, query={"limit": "2", "offset": "1"}),
        _listed(1, 3),
    ),
    Operation(
        "list after a cursor",
        "list_leads",
        ("GetItem", "Query by_created_at", "BatchGetItem", "Query"),
        lambda w: request(
            "GET",
            COLLECTION,
            w.tenant,
            query={"limit": "2", "starting_after": w.newest_first()[0]},
        ),
        _listed(1, 3),
    ),
    Operation(
        "update",
        "update_lead",
        ("UpdateItem",),
        lambda w: request("PATCH", _path(w), w.tenant, body={"city": "Rome"}),
        _updated(_first, city="Rome"),
    ),
    Operation(
        "update deriving lead_name",
        "update_lead",
        ("GetItem", "UpdateItem"),
        lambda w: request(
            "PATCH", f"{COLLECTION}/{w.nameless.lead['id']}", w.tenant, body={"first_name": "Ada"}
        ),
        _updated(_nameless, first_name="Ada", lead_name="Ada", city="Oslo"),
    ),
    Operation(
        "update with If-Match",
        "update_lead",
        ("UpdateItem",),
        lambda w: request(
            "PATCH",
            _path(w),
            w.tenant,
            body={"city": "Rome"},
            headers={"If-Match": etag(w.named[0].version)},
        ),
        _updated(_first, city="Rome"),
    ),
    Operation(
        "delete with If-Match",
        "delete_lead",
        ("TransactWriteItems",),
        lambda w: request(
            "DELETE", _path(w), w.tenant, headers={"If-Match": etag(w.named[0].version)}
        ),
        _deleted,
    ),
    Operation(
        "delete",
        "delete_lead",
        ("TransactWriteItems",),
        lambda w: request("DELETE", _path(w), w.tenant),
        _deleted,
    ),
)


@dataclass(frozen=True)
class Case:
    operation: Operation
    call: str
    fault: Fault
    # True: every attempt fails; False: only the first, and the retries cure it.
    persistent: bool

    @property
    def id(self) -> str:
        lasting = "every attempt" if self.persistent else "first attempt only"
        return f"{self.operation.name} | {self.call} {self.fault.name} | {lasting}"


CASES = [
    Case(operation, dynamodb_call, fault, persistent)
    for operation in OPERATIONS
    for dynamodb_call in operation.calls
    for fault in FAULTS
    if dynamodb_call == "TransactWriteItems" or not fault.transactional_only
    for persistent in (True, False)
]


def total_attempts() -> int:
    return int(clients.dynamodb().meta.config.retries["total_max_attempts"])


def expected_attempts(case: Case) -> int:
    if not case.persistent:
        return 2
    if case.fault.retried_by_botocore:
        return total_attempts()
    return transactions.ATTEMPTS


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_fault(case: Case, injector: FaultInjector, tenant: Tenant) -> None:
    # Given a tenant with four leads, and a fault on one DynamoDB operation
    world = populate(injector, tenant)
    event = case.operation.event(world)
    before = stored(injector, tenant)
    assert_consistent(before)
    injector.reset_counts()
    injector.fail(case.call, case.fault, times=None if case.persistent else 1)

    # When the request is made
    answer = call(case.operation.function, event)
    injector.heal()
    attempts = dict(injector.attempts)
    after = stored(injector, tenant)

    # Then it tried a bounded number of times, and nothing stored is ever partial
    assert attempts[case.call] == expected_attempts(case), attempts
    assert_consistent(after)
    assert_no_internals(answer.text)
    if not case.persistent:
        # And a fault the retries cured answers, and stores, exactly as a success
        case.operation.on_success(world, before, after, answer)
        return
    # And a fault that lasted answers 503 with Retry-After in the error shape
    assert_unavailable(answer)
    if case.call in case.operation.after_commit:
        # The write committed before the fault: stored exactly as after a success (the
        # lead with its count), only the Idempotency-Key's record is left unfinished.
        created = set(after.leads) - set(before.leads)
        assert len(created) == 1 and after.count == before.count + 1
        assert after.statuses() == sorted([*before.statuses(), "INPROGRESS"])
    else:
        # And everything stored is exactly as before the request
        assert after == before
    if case.call == "TransactWriteItems" and case.fault.retried_by_botocore:
        # A retried transaction carries the same ClientRequestToken on every attempt, so
        # DynamoDB applies it once even when only its answer was lost.
        tokens = {json.loads(body)["ClientRequestToken"] for body in injector.bodies[case.call]}
        assert len(tokens) == 1 and all(tokens), tokens


def test_the_matrix_faults_every_dynamodb_call_of_every_operation(
    injector: FaultInjector, tenant: Tenant
) -> None:
    # The calls each operation is faulted on are exactly the calls it makes (and moto, with
    # the injector installed but idle, serves them all).
    for operation in OPERATIONS:
        world = populate(injector, tenant)
        injector.reset_counts()
        answer = call(operation.function, operation.event(world))
        assert answer.status in (200, 201), (operation.name, answer.text)
        assert set(injector.attempts) == set(operation.calls), operation.name
        assert all(count == 1 for count in injector.attempts.values()), injector.attempts


# --- bounds --------------------------------------------------------------------------------


def _function_timeout() -> int:
    """The timeout of every function behind API Gateway (the stream's and the queue's own
    functions answer no client)."""
    template = template_module.load()
    behind_the_gateway = {route.function for route in template.routes}
    timeouts = {template.functions[name].timeout for name in behind_the_gateway}
    assert len(timeouts) == 1, timeouts
    return timeouts.pop()


def test_dynamodb_client_makes_at_most_three_attempts(
    injector: FaultInjector, tenant: Tenant
) -> None:
    # The configuration: botocore's standard retry mode
    config = injector.client.meta.config
    assert config.retries["mode"] == "standard"
    # And what botocore does under a throttle that does not stop: three attempts in all
    world = populate(injector, tenant)
    injector.reset_counts()
    injector.fail("GetItem", FAULTS_BY_NAME["throttling 400"])
    assert_unavailable(call("get_lead", request("GET", _path(world), tenant)))
    assert injector.attempts["GetItem"] == 3, (dict(injector.attempts), config.retries)


@pytest.mark.slow
def test_a_dynamodb_that_never_answers_is_given_up_on_well_inside_the_gateway_limit(
    tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a DynamoDB endpoint that accepts connections and never answers, and the
    # domain's own client (its real timeouts, retries and backoff) pointed at it
    with socket.create_server(("127.0.0.1", 0)) as silent:
        silent.listen(16)
        monkeypatch.setenv(
            "AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{silent.getsockname()[1]}"
        )
        forget_all()
        try:
            # When an operation reads a lead
            started = time.monotonic()
            answer = call("get_lead", request("GET", f"{COLLECTION}/lead_abc", tenant))
            elapsed = time.monotonic() - started
        finally:
            forget_all()

    # Then it answers our 503 before the function's own timeout, which is itself well inside
    # API Gateway's 29 s: the client never gets API Gateway's 504
    assert_unavailable(answer)
    function_timeout = _function_timeout()
    assert function_timeout <= GATEWAY_SECONDS - 10
    assert elapsed < function_timeout - 2, f"gave up after {elapsed:.1f} s"


# --- an idempotent create interrupted by a fault ----------------------------------------


def _idempotent(tenant: Tenant, key: str) -> dict[str, Any]:
    return request("POST", COLLECTION, tenant, body=NEW_LEAD, headers={"Idempotency-Key": key})


INTERRUPTIONS = {
    "saving the key": ("PutItem",),
    "writing the lead": ("TransactWriteItems",),
    "writing the lead, then releasing the key": ("TransactWriteItems", "DeleteItem"),
    "saving the answer": ("UpdateItem",),
}


@pytest.mark.parametrize("fault_name", ["unavailable 503", "read timeout"])
@pytest.mark.parametrize("interruption", INTERRUPTIONS, ids=list(INTERRUPTIONS))
def test_an_interrupted_idempotent_create_stays_retryable_and_creates_one_lead(
    interruption: str, fault_name: str, injector: FaultInjector, tenant: Tenant
) -> None:
    # Given a tenant with leads, and DynamoDB failing at one step of an idempotent create
    populate(injector, tenant)
    before = stored(injector, tenant)
    key = f"key-{uuid.uuid4()}"
    for dynamodb_call in INTERRUPTIONS[interruption]:
        injector.fail(dynamodb_call, FAULTS_BY_NAME[fault_name])

    # When the create fails with 503
    first = call(
        "create_lead",
        _idempotent(tenant, key),
        LambdaContext("create_lead", timeout_seconds=SHORT_INVOCATION_MS / 1000),
    )
    assert_unavailable(first)

    # And the client retries with the same key and body once DynamoDB is back
    injector.heal()
    retried = retry_while_in_progress(lambda: call("create_lead", _idempotent(tenant, key)))

    # Then the retry creates the lead (or answers the one created), and a later retry
    # answers the same lead
    assert retried.status == 201, retried.text
    again = call("create_lead", _idempotent(tenant, key))
    assert (again.status, again.body) == (201, retried.body)
    assert again.headers.get("etag") == retried.headers.get("etag")
    # And exactly one lead was created and counted, whatever the first attempt did
    after = stored(injector, tenant)
    assert_consistent(after)
    created = set(after.leads) - set(before.leads)
    assert created == {retried.body["id"]}, f"{len(created)} leads created for one key"
    assert after.count == before.count + 1
    assert_lead_stored(after, retried.body, retried.headers.get("etag"))


# --- the key check ------------------------------------------------------------------------

KEY_CHECK_FAULTS = [fault for fault in FAULTS if not fault.transactional_only]
KEY_CHECK_IDS = [fault.name for fault in KEY_CHECK_FAULTS]


@pytest.fixture(scope="module")
def gateway(shared_dynamodb: Any) -> Any:
    """The local run's API Gateway, in-process against moto: the authorizer as API Gateway
    runs it, and the template's gateway responses."""
    from leads_cli.gateway import Gateway

    template = template_module.load()
    names = {name for function in template.functions.values() for name in function.environment}
    saved = {name: os.environ.get(name) for name in names}
    try:
        return Gateway(template, log=lambda line: None)
    finally:
        # The gateway gives the process the template's environment; put this one back.
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def new_key(gateway: Any, injector: FaultInjector) -> str:
    """A working key of a new tenant, made before the faults and not counted with them."""
    with injector.paused():
        return provisioned_key(gateway)


@pytest.mark.parametrize("fault", KEY_CHECK_FAULTS, ids=KEY_CHECK_IDS)
def test_a_key_that_cannot_be_checked_is_503_with_retry_after(
    fault: Fault, gateway: Any, injector: FaultInjector
) -> None:
    # Given a valid key, and the authorizer's read of it failing
    key = new_key(gateway, injector)
    headers = [("Authorization", f"Bearer {key}")]
    injector.fail("GetItem", fault)

    # When it is used
    answer = gateway.handle("GET", COLLECTION, headers, None)

    # Then API Gateway answers 503 in the error shape, with no internals, after bounded tries
    body = json.loads(answer.body)
    assert answer.status == 503, body
    assert body["error"]["type"] == "api_error" and body["error"]["code"] == "service_unavailable"
    assert_no_internals(answer.body.decode())
    assert injector.attempts["GetItem"] == total_attempts()
    # And the key still works once DynamoDB is back (a failure is never cached as a denial)
    injector.heal()
    assert gateway.handle("GET", COLLECTION, headers, None).status == 200
    # And the 503 says when to retry, as every other 503 of the API does
    header_names = {name.lower(): value for name, value in answer.headers}
    assert header_names.get("retry-after", "").isdigit(), answer.headers


@pytest.mark.parametrize("fault", KEY_CHECK_FAULTS, ids=KEY_CHECK_IDS)
def test_a_key_check_cured_by_a_retry_is_accepted(
    fault: Fault, gateway: Any, injector: FaultInjector
) -> None:
    key = new_key(gateway, injector)
    injector.fail("GetItem", fault, times=1)
    answer = gateway.handle("GET", COLLECTION, [("Authorization", f"Bearer {key}")], None)
    assert answer.status == 200, answer.body
    assert json.loads(answer.body) == {"data": [], "has_more": False, "total": 0}


@pytest.mark.parametrize("fault", KEY_CHECK_FAULTS, ids=KEY_CHECK_IDS)
def test_the_functions_own_key_check_under_a_fault_is_503(
    fault: Fault, gateway: Any, injector: FaultInjector
) -> None:
    # Without the authorizer's context (API Gateway's console test) the function checks the
    # key itself: the same 503 when it cannot.
    key = new_key(gateway, injector)
    authorization = {"Authorization": f"Bearer {key}"}
    event = request("GET", COLLECTION, Tenant("x", "test"), headers=authorization)
    del event["requestContext"]["authorizer"]
    injector.fail("GetItem", fault)
    assert_unavailable(call("list_leads", event))
    assert injector.attempts["GetItem"] == total_attempts()

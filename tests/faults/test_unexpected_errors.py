"""An exception nobody expected, in every operation: 500 in the error shape with the request's
id and no internals; the traceback is logged, under that same request id."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest

from leads_domain.data import lead_pages, leads_table
from leads_domain.logic import leads
from leads_domain.logic.rules import VersionedLead
from leads_domain.tenancy import Tenant
from support.assertions import assert_error
from support.events import json_api_event as request
from support.faults import FaultInjector
from support.functions import invoke as call
from support.functions import load_function
from support.reference import COLLECTION
from support.stored import Stored, counted
from support.stored import stored as raw_stored


def stored(injector: FaultInjector, tenant: Tenant) -> Stored:
    with injector.paused():
        return raw_stored(injector.client, tenant)


# What the exception says: the kind of detail a client must never see.
SECRET = "arn:aws:dynamodb:us-east-1:123456789012:table/LeadsTable internal detail 7f3a"


@dataclass(frozen=True)
class Operation:
    name: str
    function: str
    # The data function that raises, called during the operation, and its module.
    raises_in: str
    event: Callable[[Tenant, VersionedLead], dict[str, Any]]
    module: ModuleType = leads_table


def _lead_path(lead: VersionedLead) -> str:
    return f"{COLLECTION}/{lead.lead['id']}"


OPERATIONS = (
    Operation(
        "create",
        "create_lead",
        "insert",
        lambda t, lead: request("POST", COLLECTION, t, body={"city": "Rome"}),
    ),
    Operation(
        "create with Idempotency-Key",
        "create_lead",
        "insert",
        lambda t, lead: request(
            "POST", COLLECTION, t, body={"city": "Rome"}, headers={"Idempotency-Key": "k-1"}
        ),
    ),
    Operation("get", "get_lead", "get", lambda t, lead: request("GET", _lead_path(lead), t)),
    Operation(
        "list", "list_leads", "page", lambda t, lead: request("GET", COLLECTION, t), lead_pages
    ),
    Operation(
        "list after a cursor",
        "list_leads",
        "cursor_of",
        lambda t, lead: request("GET", COLLECTION, t, query={"starting_after": lead.lead["id"]}),
        lead_pages,
    ),
    Operation(
        "filtered list",
        "list_leads",
        "page",
        lambda t, lead: request("GET", COLLECTION, t, query={"status": "Lead"}),
        lead_pages,
    ),
    Operation(
        "upsert",
        "upsert_lead",
        "insert",
        lambda t, lead: request("PUT", f"{COLLECTION}/by_email/new@example.com", t, body={}),
    ),
    Operation(
        "update",
        "update_lead",
        "update",
        lambda t, lead: request("PATCH", _lead_path(lead), t, body={"city": "Rome"}),
    ),
    Operation(
        "update deriving lead_name",
        "update_lead",
        "get",
        lambda t, lead: request("PATCH", _lead_path(lead), t, body={"first_name": "Ada"}),
    ),
    Operation(
        "delete",
        "delete_lead",
        "delete",
        lambda t, lead: request("DELETE", _lead_path(lead), t),
    ),
)
EXCEPTIONS = {
    "RuntimeError": RuntimeError,
    "KeyError": KeyError,
    "TypeError": TypeError,
}


@pytest.mark.parametrize("exception", EXCEPTIONS, ids=list(EXCEPTIONS))
@pytest.mark.parametrize("operation", OPERATIONS, ids=[operation.name for operation in OPERATIONS])
def test_an_unexpected_exception_is_500_with_a_request_id_and_a_logged_traceback(
    operation: Operation,
    exception: str,
    injector: FaultInjector,
    tenant: Tenant,
    monkeypatch: pytest.MonkeyPatch,
    log_output: Any,
) -> None:
    # Given a lead, and the data layer failing in a way nobody planned for
    with injector.paused():
        lead = leads.create_lead(tenant, {"city": "Oslo"})
    before = stored(injector, tenant)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise EXCEPTIONS[exception](SECRET)

    load_function(operation.function)
    logs = log_output("WARNING")

    # When the operation is called
    with monkeypatch.context() as patched:
        patched.setattr(operation.module, operation.raises_in, broken)
        answer = call(operation.function, operation.event(tenant, lead))

    # Then the client gets a 500 in the error shape, with the request id and no internals
    error = assert_error(answer, 500, type_="api_error", code="internal_error")
    assert error["param"] is None
    assert SECRET not in answer.text and "7f3a" not in answer.text
    # And the log has the traceback, under that same request id
    logged = [
        line
        for line in logs.powertools_lines()
        if line.get("level") == "ERROR" and answer.request_id in (line.get("request_id"),)
    ]
    assert len(logged) == 1, logs.powertools_lines()
    (line,) = logged
    assert line["correlation_id"] == answer.request_id
    assert line["exception_name"] == exception
    assert line["exception"].startswith("Traceback (most recent call last):")
    assert f"in {broken.__name__}" in line["exception"] and "7f3a" in line["exception"]
    # And nothing was stored
    assert stored(injector, tenant) == before


def test_an_unexpected_exception_in_an_idempotent_create_leaves_the_key_retryable(
    injector: FaultInjector, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = f"key-{uuid.uuid4()}"
    body = {"city": "Rome"}

    def create() -> Any:
        event = request("POST", COLLECTION, tenant, body=body, headers={"Idempotency-Key": key})
        return call("create_lead", event)

    with monkeypatch.context() as patched:
        patched.setattr(leads_table, "insert", lambda *args: 1 / 0)
        assert_error(create(), 500, type_="api_error", code="internal_error")

    first, again = create(), create()
    assert first.status == again.status == 201 and first.body == again.body
    assert counted(injector.client, tenant) == 1

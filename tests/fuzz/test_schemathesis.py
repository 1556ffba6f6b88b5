"""schemathesis against `leads serve`, driven by the checked-in openapi.json.

Every operation gets schema-valid and schema-invalid data (generation mode "all": positive and
negative), through schemathesis' three stateless phases: examples, coverage (boundaries, every
keyword negated, undeclared methods) and fuzzing. A stateful test then follows the document's
links, createLead -> getLead / updateLead / deleteLead, and the links schemathesis infers.
Every call authenticates with a key made for that test (with the `leads` CLI), so each test is
a tenant of its own.

All of schemathesis' default checks run; zero 5xx is `not_a_server_error`. Three are replaced
by stricter versions, for reasons given where they are defined:

- positive_data_acceptance: a schema-valid request may still be refused for reasons of state
  the document describes but OpenAPI cannot express (below); every other refusal still fails.
- unsupported_method: API Gateway answers a method a path does not declare itself, with 404
  route_not_found (README, "Errors"), never 405; the replacement demands exactly that.
- negative_data_rejection: the batch refuses a lead that breaks LeadFields in that lead's own
  entry of a 200 (createLeadsBatch's description); the replacement demands exactly that: each
  such lead refused by name, every other lead created. It also takes 413, which the document
  declares for every operation.

schemathesis' object_level_authorization needs several identities configured (Web Fuzzing
Commons auth) and is inert here; the stateful test instead asks, for every lead it reads,
whether another tenant's key reads it too.

The default run (part of `make test`) uses a fixed seed and 100 examples per operation (and 100
stateful scenarios). For a longer run: LEADS_FUZZ_EXAMPLES=2000, with a new random seed each
time (shown with any failure); LEADS_FUZZ_SEED=N replays a seed.
"""

import itertools
import json
import os
import random
import re
from collections import Counter
from typing import Any
from urllib.parse import parse_qs, urlsplit

import hypothesis
import jsonschema
import pytest
import requests
import schemathesis
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from leads_cli.template import PROJECT_ROOT
from support.local_api import LocalApi

pytestmark = pytest.mark.http

OPENAPI_PATH = PROJECT_ROOT / "openapi.json"
DEFAULT_EXAMPLES = 100
DEFAULT_SEED = 20240115


def _run_settings() -> tuple[int, int, bool]:
    """(examples per operation, seed, deterministic) for this run."""
    examples = int(os.environ.get("LEADS_FUZZ_EXAMPLES") or DEFAULT_EXAMPLES)
    if os.environ.get("LEADS_FUZZ_SEED"):
        return examples, int(os.environ["LEADS_FUZZ_SEED"]), False
    if os.environ.get("LEADS_FUZZ_EXAMPLES"):
        # A longer run explores: a new seed each time, the same in every xdist worker.
        run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
        seed = int(run_id[:12], 16) if run_id else random.getrandbits(48)
        return examples, seed, False
    return examples, DEFAULT_SEED, True


EXAMPLES, SEED, DETERMINISTIC = _run_settings()
REPLAY_HINT = (
    f"seed {SEED}, {EXAMPLES} examples; replay: LEADS_FUZZ_SEED={SEED} "
    f"LEADS_FUZZ_EXAMPLES={EXAMPLES} pytest tests/fuzz (make fuzz FUZZ_SEED={SEED})"
)

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {
            "mode": "all",
            "max-examples": EXAMPLES,
            "deterministic": DETERMINISTIC,
            # No .hypothesis/ directory in the project: a failure is replayed by its seed.
            "database": "none",
            # Every call carries the test's key (below). Generated or negated Authorization
            # headers would only be overwritten by it; ignored_auth tests the refusals instead.
            "with-security-parameters": False,
        },
        "checks": {
            # Replaced by the checks below; they are stricter, not looser.
            "positive_data_acceptance": {"enabled": False},
            "unsupported_method": {"enabled": False},
            "negative_data_rejection": {
                "enabled": False,
                # schemathesis' list, plus 413, 414 and 431: the document declares them for
                # every operation, and a request line and headers over API Gateway's 10 KB are
                # refused before any validation (an over-long query parameter, percent-encoded,
                # gets there).
                "expected-statuses": [
                    *map(
                        str, (400, 401, 403, 404, 405, 406, 409, 413, 414, 415, 422, 428, 429, 431)
                    ),
                    "5xx",
                ],
            },
        },
        "phases": {
            "stateful": {
                "checks": {
                    # Whether an operation enforces its key does not depend on the steps
                    # before it: the stateless tests probe every operation, on every 2xx
                    # answer, without a key and with a wrong one. Here the probes would be
                    # two requests of three.
                    "ignored_auth": {"enabled": False},
                }
            }
        },
    }
)
schema = schemathesis.openapi.from_path(OPENAPI_PATH, config=CONFIG)

COLLECTION = "/api/crm/lead"
BATCH = "/api/crm/lead/batch"
BATCH_LIMIT = 100
PAGING_PARAMETERS = ("offset", "starting_after", "ending_before")
CURSORS = ("starting_after", "ending_before")
IDEMPOTENCY_KEY = "Idempotency-Key"


# --- what the document says in words, checked ----------------------------------------------

# (Authorization, operationId, Idempotency-Key) -> (the body first created with, what it
# created: the lead's id, or the batch's answer). Keys are scoped to the tenant and to the
# operation, and each test has a tenant of its own.
_IDEMPOTENT_CREATES: dict[tuple[str, str, str], tuple[str, Any]] = {}


def _error(response: Any) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body.get("error") or {} if isinstance(body, dict) else {}


def _sent_body(case: schemathesis.Case) -> str:
    """The body as the API compares it for Idempotency-Key: its JSON, canonically."""
    body = case.body if isinstance(case.body, dict) else {}
    return json.dumps(body, sort_keys=True)


def _idempotency_key(response: Any) -> str | None:
    return response.request.headers.get(IDEMPOTENCY_KEY)


def _scope(response: Any, case: schemathesis.Case) -> tuple[str, str, str]:
    authorization = response.request.headers.get("Authorization", "")
    operation = case.operation.definition.raw.get("operationId", "")
    return authorization, operation, _idempotency_key(response) or ""


def _reused_with_another_body(response: Any, case: schemathesis.Case) -> bool:
    first = _IDEMPOTENT_CREATES.get(_scope(response, case))
    return first is not None and first[0] != _sent_body(case)


def _is_not_a_lead_of_the_caller(response: Any, lead_id: str) -> bool:
    """Ask the API itself: GET of the cursor's id, with the same key, is a 404."""
    return _is_missing(response, "/api/crm/lead", lead_id)


def _is_missing(response: Any, collection: str, item_id: str) -> bool:
    """Ask the API itself: GET of the id in the collection, with the same key, is a 404."""
    split = urlsplit(response.request.url)
    answer = requests.get(
        f"{split.scheme}://{split.netloc}{collection}/{requests.utils.quote(item_id, safe='')}",
        headers={"Authorization": response.request.headers["Authorization"]},
        timeout=30,
    )
    return answer.status_code == 404


# The event and webhook endpoint lists page by cursor: an id of the list, at most one of them.
CURSOR_LISTS = {"listEvents": "/api/crm/event", "listWebhookEndpoints": "/api/crm/webhook_endpoint"}


def _documented_refusal(response: Any, case: schemathesis.Case) -> bool:
    """Whether a refusal of schema-valid data is one the document describes and OpenAPI cannot
    express: it depends on the tenant's state, or on several parameters together."""
    error = _error(response)
    operation = case.operation.definition.raw.get("operationId")
    # If-Match names versions. Any string is well formed, but a version the lead no longer has
    # (or never had, like an empty or made-up tag) fails the precondition (RFC 9110 13.1.1).
    if response.status_code == 412:
        return (
            operation in ("updateLead", "deleteLead")
            and "If-Match" in response.request.headers
            and error.get("code") == "precondition_failed"
        )
    if response.status_code != 400:
        return False
    # The same Idempotency-Key with another body (the creates' descriptions; Stripe's rule).
    if operation in ("createLead", "createLeadsBatch") and error.get("type") == (
        "idempotency_error"
    ):
        return _reused_with_another_body(response, case)
    # "At most one of offset, starting_after and ending_before", and a cursor is "a lead id of
    # the caller's" (listLeads' description and parameters).
    if operation == "listLeads" and error.get("param") in PAGING_PARAMETERS:
        query = parse_qs(urlsplit(response.request.url).query, keep_blank_values=True)
        if sum(name in query for name in PAGING_PARAMETERS) > 1:
            return "cannot be combined" in error.get("message", "")
        name = error["param"]
        if name in CURSORS and name in query:
            return _is_not_a_lead_of_the_caller(response, query[name][0])
    # The same for the event and webhook endpoint lists; with `lead`, an event of another lead
    # is no event of the list either (listEvents' description).
    if operation in CURSOR_LISTS and error.get("param") in CURSORS:
        query = parse_qs(urlsplit(response.request.url).query, keep_blank_values=True)
        if all(name in query for name in CURSORS):
            return "cannot be combined" in error.get("message", "")
        name = error["param"]
        return "lead" in query or _is_missing(response, CURSOR_LISTS[operation], query[name][0])
    # An endpoint URL must be https to a public address (test mode: or loopback), which only
    # resolving its host can tell; and an account has at most 16 endpoints per mode
    # (createWebhookEndpoint's description).
    if operation in ("createWebhookEndpoint", "updateWebhookEndpoint"):
        if error.get("param") == "url" and error.get("code") == "url_invalid":
            return True
        return operation == "createWebhookEndpoint" and error.get("code") == "limit_reached"
    return False


@schemathesis.check
def positive_data_accepted_unless_state_forbids(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """schemathesis' positive_data_acceptance, minus the refusals _documented_refusal allows,
    each checked against what the API really holds (a replayed key, a missing cursor)."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if _documented_refusal(response, case):
            return None
        raise


def _lead_fields_validator(case: schemathesis.Case) -> Any:
    components = case.operation.schema.raw_schema["components"]
    return jsonschema.Draft202012Validator(
        {"$ref": "#/components/schemas/LeadFields", "components": components}
    )


def _refused_lead_by_lead(response: Any, case: schemathesis.Case) -> bool:
    """Whether a batch whose envelope is valid answered 200 with every lead that breaks
    LeadFields refused in its own entry (its param naming it) and every other lead created."""
    if case.operation.path != BATCH or response.status_code != 200:
        return False
    if not isinstance(case.body, dict) or set(case.body) != {"leads"}:
        return False
    leads = case.body["leads"]
    if not isinstance(leads, list) or not 1 <= len(leads) <= BATCH_LIMIT:
        return False
    if not all(isinstance(lead, dict) for lead in leads):
        return False
    data = response.json()["data"]
    assert len(data) == len(leads), response.text
    validator = _lead_fields_validator(case)
    for position, (lead, entry) in enumerate(zip(leads, data, strict=True)):
        if validator.is_valid(lead):
            assert "id" in entry, f"leads[{position}] is valid and was not created: {entry}"
        else:
            param = entry.get("error", {}).get("param") or ""
            assert param.startswith(f"leads[{position}]"), f"leads[{position}] accepted: {entry}"
    return True


@schemathesis.check
def negative_data_rejected_whole_or_lead_by_lead(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """schemathesis' negative_data_rejection, except that a batch whose only violations are
    inside its leads must refuse each such lead in its own entry (_refused_lead_by_lead)."""
    try:
        return negative_data_rejection(ctx, response, case)
    except AcceptedNegativeData:
        if _refused_lead_by_lead(response, case):
            return None
        raise


@schemathesis.check
def undeclared_method_is_route_not_found(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """A method the document does not declare for a path reaches no function: API Gateway
    answers it (MISSING_AUTHENTICATION_TOKEN, which template.yaml makes a 404 route_not_found
    in the error shape). schemathesis' unsupported_method wants 405, which a REST API cannot
    give without a mock integration per path and method. OPTIONS is the CORS preflight route."""
    method = (response.request.method or "").lower()
    declared = case.operation.schema.raw_schema["paths"][case.operation.path]
    if method in declared or method == "options":
        return None
    assert response.status_code == 404, (
        f"{method.upper()} {case.operation.path} is not declared: expected 404, "
        f"got {response.status_code}"
    )
    assert _error(response).get("code") == "route_not_found", response.text
    return None


def _created_a_lead(case: schemathesis.Case, response: Any) -> bool:
    """Whether this answer created a lead, rather than replayed a create: the first 201 for an
    Idempotency-Key is what every retry with that key and body must answer."""
    if case.operation.method.upper() != "POST" or response.status_code != 201:
        return False
    if case.operation.path != COLLECTION:
        return False
    key = _idempotency_key(response)
    if key is None:
        return True
    scope = _scope(response, case)
    body, lead_id = _sent_body(case), response.json()["id"]
    first = _IDEMPOTENT_CREATES.get(scope)
    if first is None:
        _IDEMPOTENT_CREATES[scope] = (body, lead_id)
        return True
    assert first[0] == body, f"{IDEMPOTENCY_KEY} reused with another body, and a 201"
    assert first[1] == lead_id, f"a retry with {IDEMPOTENCY_KEY} made a second lead"
    return False


def _without_request_ids(answer: dict[str, Any]) -> list[Any]:
    return [
        {"error": {**entry["error"], "request_id": None}} if "error" in entry else entry
        for entry in answer["data"]
    ]


def _check_batch_replay(case: schemathesis.Case, response: Any) -> None:
    """The first 200 of a batch with an Idempotency-Key is what every retry with that key and
    body answers (errors aside from their request id), marked Idempotent-Replayed."""
    if case.operation.path != BATCH or response.status_code != 200:
        return
    if _idempotency_key(response) is None:
        return
    scope = _scope(response, case)
    body, answer = _sent_body(case), _without_request_ids(response.json())
    first = _IDEMPOTENT_CREATES.setdefault(scope, (body, answer))
    if first == (body, answer) and "Idempotent-Replayed" not in response.headers:
        return
    assert first[0] == body, f"{IDEMPOTENCY_KEY} reused with another batch, and a 200"
    assert first[1] == answer, f"a retried batch with {IDEMPOTENCY_KEY} answered differently"
    assert response.headers.get("Idempotent-Replayed") == "true", response.headers


# --- the tests -------------------------------------------------------------------------------


@pytest.fixture
def tenant_key(request: pytest.FixtureRequest, fresh_key: str) -> str:
    request.node.user_properties.append(("fuzz run", REPLAY_HINT))
    return fresh_key


def _credentials(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _delete(api: LocalApi, key: str, lead_id: str) -> None:
    """Leads are deleted once they have served: the embedded DynamoDB (moto) copies a whole
    table for every transaction, so creates and deletes slow down with every lead stored (to
    seconds, past botocore's read timeout, with a few thousand)."""
    response = requests.delete(
        f"{api.url(COLLECTION)}/{lead_id}", headers=_credentials(key), timeout=30
    )
    assert response.status_code == 200, response.text


ENDPOINTS = "/api/crm/webhook_endpoint"


def _delete_endpoints(api: LocalApi, key: str) -> None:
    """Webhook endpoints go once they have served: the local run would otherwise go on trying
    to deliver the tenant's events to the made-up URLs for its whole retry window, a load on
    every later test of the worker."""
    listed = requests.get(f"{api.url(ENDPOINTS)}?limit=100", headers=_credentials(key), timeout=30)
    assert listed.status_code == 200, listed.text
    for endpoint in listed.json()["data"]:
        answer = requests.delete(
            f"{api.url(ENDPOINTS)}/{endpoint['id']}", headers=_credentials(key), timeout=30
        )
        assert answer.status_code == 200, answer.text


@schema.parametrize()
# One tenant per operation, shared by its examples on purpose (idempotency keys are per tenant).
@hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
def test_operation_conforms_to_the_document(
    case: schemathesis.Case, local_api: LocalApi, tenant_key: str
) -> None:
    # Passed as the caller's own headers, so that schemathesis treats them as explicit: its
    # ignored_auth check then probes every operation without a key and with a wrong one.
    response = case.call_and_validate(base_url=local_api.base_url, headers=_credentials(tenant_key))
    if _created_a_lead(case, response):
        _delete(local_api, tenant_key, response.json()["id"])
    _check_batch_replay(case, response)
    if case.operation.path == ENDPOINTS and response.status_code == 201:
        _delete_endpoints(local_api, tenant_key)


def _generation_depends_on_answers(error: BaseException) -> bool:
    if isinstance(error, hypothesis.errors.FlakyStrategyDefinition):
        return True
    # Hypothesis asserts, rather than raising Flaky, when a replay draws past a choice an earlier
    # run made differently: an assertion in its own choice tree, not in this test.
    traceback = error.__traceback__
    while traceback is not None and traceback.tb_next is not None:
        traceback = traceback.tb_next
    module = traceback.tb_frame.f_globals.get("__name__", "") if traceback else ""
    return module == "hypothesis.internal.conjecture.datatree"


LEAD_PATH = re.compile(r"/api/crm/lead/(lead_[0-9A-Za-z]+)$")


def test_stateful_create_get_update_delete_through_links(
    local_api: LocalApi, tenant_key: str
) -> None:
    other_tenant = local_api.new_client().key
    # Ids of leads a POST answered, and what the linked operations answered for them.
    created: set[str] = set()
    deleted: set[str] = set()
    reached: set[str] = set()
    answers: Counter[str] = Counter()
    scenarios: list[int] = []
    calls = itertools.count()

    def tenant_ids() -> set[str]:
        ids: set[str] = set()
        while True:
            url = f"{local_api.url(COLLECTION)}?limit=100&offset={len(ids)}"
            page = requests.get(url, headers=_credentials(tenant_key), timeout=30).json()
            ids.update(lead["id"] for lead in page["data"])
            if not page["has_more"]:
                return ids

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            scenarios.append(1)

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"base_url": local_api.base_url, "headers": _credentials(tenant_key)}

        def validate_response(
            self,
            response: schemathesis.Response,
            case: schemathesis.Case,
            additional_checks: list[schemathesis.CheckFunction] | None = None,
            **kwargs: Any,
        ) -> None:
            # As the stateless test does: the credentials are the caller's (see above).
            case.validate_response(
                response,
                additional_checks=additional_checks,
                headers=kwargs["headers"],
                transport_kwargs=kwargs,
                recorder=self.recorder,
            )

        def before_call(self, case: schemathesis.Case) -> None:
            # A reused Idempotency-Key replays the first answer, which may name a lead a later
            # step deleted: the API is right, but the chain's "created, so it exists" would
            # not be. Keys stay as generated otherwise; replays are checked statelessly above.
            if case.headers and IDEMPOTENCY_KEY in case.headers:
                value = case.headers[IDEMPOTENCY_KEY]
                case.headers[IDEMPOTENCY_KEY] = f"{next(calls):x}.{value}"[:255]

        def after_call(self, response: schemathesis.Response, case: schemathesis.Case) -> None:
            super().after_call(response, case)
            method = case.operation.method.upper()
            answers[f"{method} {response.status_code}"] += 1
            if (
                method == "POST"
                and response.status_code == 201
                and case.operation.path == COLLECTION
            ):
                created.add(response.json()["id"])
            match = LEAD_PATH.search(urlsplit(response.request.url).path)
            if match and match.group(1) in created and response.status_code == 200:
                reached.add(method)
                if method == "DELETE":
                    deleted.add(match.group(1))
                if method == "GET":
                    # Tenant isolation: another tenant's key finds no such lead.
                    other = requests.get(
                        response.request.url, headers=_credentials(other_tenant), timeout=30
                    )
                    assert other.status_code == 404, (other.status_code, other.text)
                    assert _error(other).get("code") == "resource_missing", other.text

        def teardown(self) -> None:
            # Nothing lost or doubled: the tenant's total is every lead created, less those
            # deleted, whatever order the steps came in.
            page = requests.get(
                f"{local_api.url(COLLECTION)}?limit=1",
                headers=_credentials(tenant_key),
                timeout=30,
            )
            assert page.status_code == 200, page.text
            expected = created - deleted
            if page.json()["total"] != len(expected):
                stored = tenant_ids()
                raise AssertionError(
                    f"total {page.json()['total']}, but {len(expected)} leads were created and "
                    f"not deleted; stored and never answered with 201: {stored - created}; "
                    f"deleted with a 200 but stored: {stored & deleted}; answered 201, never "
                    f"deleted, not stored: {expected - stored}; answers: {dict(answers)}"
                )
            # Each scenario starts from an empty tenant (see _delete).
            for lead_id in expected:
                _delete(local_api, tenant_key, lead_id)
                deleted.add(lead_id)
            _delete_endpoints(local_api, tenant_key)

    for attempt in itertools.count():
        hypothesis.seed(SEED + attempt)(Workflow)
        try:
            Workflow.run(
                settings=hypothesis.settings(
                    max_examples=EXAMPLES - len(scenarios),
                    stateful_step_count=6,
                    database=None,
                    deadline=None,
                    phases=[hypothesis.Phase.generate],
                    suppress_health_check=list(hypothesis.HealthCheck),
                )
            )
            break
        except (hypothesis.errors.FlakyStrategyDefinition, AssertionError) as error:
            # What a step draws depends on what earlier steps were answered (ids, bundles), so
            # Hypothesis may find a replayed prefix drawing differently, and stop. schemathesis'
            # own runner takes that as the end of a suite and starts another; so does this.
            # Real failures (FailureGroup, FlakyFailure, the checks above) are not caught.
            if not _generation_depends_on_answers(error) or attempt >= 20:
                raise
            if len(scenarios) >= EXAMPLES:
                break
    # The document's links were followed to a lead that exists: create -> get, update, delete.
    assert reached >= {"GET", "PATCH", "DELETE"}, reached

"""2. Warm overhead per request: each handler called in-process, many times, with DynamoDB
answered at once by a stub, so that only our code (and Powertools') is timed.

The stub replays what the embedded DynamoDB answered to the same request, recorded once: the
handlers parse real responses, and no botocore code (serialising, signing, validating, HTTP)
runs while timing."""

import copy
import itertools
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from botocore import xform_name

from bench import events, handlers
from bench.database import LocalDynamoDB, domain_client, seed_tenant
from bench.report import Section, Table, Target, median, percentile, ratio
from leads_cli.lambda_context import LambdaContext
from leads_domain.data import clients
from leads_domain.tenancy import Tenant

# A handler as timed: (event, context) -> response.
Handler = Callable[[dict[str, Any], LambdaContext], Any]
PAGE = 20
TENANT = Tenant("acct_warm", "test")
# (label, function folder, p50 target in ms)
OPERATIONS = (
    ("authorizer", "authorizer", 1.0),
    ("get", "get_lead", 1.0),
    ("delete", "delete_lead", 1.0),
    ("create", "create_lead", 2.0),
    ("update", "update_lead", 2.0),
    (f"list {PAGE}", "list_leads", 2.0),
)


class Replayer:
    """A DynamoDB client whose every method answers, in turn, the responses recorded for it."""

    def __init__(self, recorded: list[tuple[str, dict[str, Any]]]) -> None:
        self.calls = 0
        by_method: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for method, response in recorded:
            by_method[method].append(response)
        for method, responses in by_method.items():
            setattr(self, method, self._answering(itertools.cycle(responses)))

    def _answering(self, answers: Iterator[dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        def answer(**_: Any) -> dict[str, Any]:
            self.calls += 1
            return next(answers)

        return answer


@contextmanager
def recording() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every response leads_domain's real client gets, as (method name, parsed response)."""
    recorded: list[tuple[str, dict[str, Any]]] = []

    def keep(parsed: dict[str, Any], model: Any, **_: Any) -> None:
        recorded.append((xform_name(model.name), parsed))

    events_ = clients.dynamodb().meta.events
    events_.register("after-call.dynamodb", keep, unique_id="bench-warm-recording")
    try:
        yield recorded
    finally:
        events_.unregister("after-call.dynamodb", unique_id="bench-warm-recording")


def operation_events(lead_ids: list[str]) -> dict[str, dict[str, Any]]:
    """events/ for the warm tenant: get, update and delete each on a lead of their own, and a
    default list page (limit 20 of more than 20)."""

    def on(folder: str, lead_id: str) -> dict[str, Any]:
        return events.for_lead(events.for_tenant(events.event(folder), TENANT), lead_id)

    return {
        "authorizer": events.event("authorizer"),
        "get_lead": on("get_lead", lead_ids[0]),
        "update_lead": on("update_lead", lead_ids[1]),
        "delete_lead": on("delete_lead", lead_ids[2]),
        "create_lead": events.for_tenant(events.event("create_lead"), TENANT),
        "list_leads": events.with_query(
            events.for_tenant(events.event("list_leads"), TENANT), {"limit": str(PAGE)}
        ),
    }


def status(response: Any) -> Any:
    """What must stay the same from call to call: the status, or the authorizer's effect."""
    if "statusCode" in response:
        return response["statusCode"]
    return response["policyDocument"]["Statement"][0]["Effect"]


def timed(handler: Handler, event: dict[str, Any], calls: int, warmup: int):
    """Nanoseconds per call; each call gets its own copy of the event and its own Lambda context,
    both made untimed (Lambda's runtime, not the function, makes the context)."""
    expected = status(handler(copy.deepcopy(event), handlers.new_context()))
    for _ in range(warmup):
        handler(copy.deepcopy(event), handlers.new_context())
    samples = []
    for _ in range(calls):
        fresh, context = copy.deepcopy(event), handlers.new_context()
        start = time.perf_counter_ns()
        response = handler(fresh, context)
        samples.append(time.perf_counter_ns() - start)
        if status(response) != expected:
            raise SystemExit(f"warm: answer changed from {expected} to {status(response)}")
    return samples


def bare_get(replayer: Replayer) -> Handler:
    """The floor: the least a get handler does, with no framework, validation, logging or
    metrics: read the id and tenant, make the one DynamoDB call, answer the item as JSON."""

    def handler(event: dict[str, Any], _context: LambdaContext) -> dict[str, Any]:
        authorizer = event["requestContext"]["authorizer"]
        partition = f"{authorizer['account']}#{authorizer['mode']}"
        key = {"tenant": {"S": partition}, "sk": {"S": "LEAD#" + event["pathParameters"]["id"]}}
        item = replayer.get_item(TableName="LeadsTable", Key=key)["Item"]  # type: ignore[attr-defined]
        lead = {name: next(iter(value.values())) for name, value in item.items()}
        return {"statusCode": 200, "body": json.dumps(lead)}

    return handler


def run(db: LocalDynamoDB, calls: int, warmup: int) -> Section:
    handlers.configure()
    seeded = seed_tenant(db.raw, TENANT, PAGE + 5)
    prepared = operation_events(seeded.lead_ids)

    recordings = {}
    with handlers.stdout_discarded():
        for folder, event in prepared.items():
            with recording() as recorded:
                handlers.invoke(folder, copy.deepcopy(event))
            recordings[folder] = recorded

    samples: dict[str, list[int]] = {}
    with handlers.stdout_discarded():
        floor_replayer = Replayer(recordings["get_lead"])
        samples["floor"] = timed(bare_get(floor_replayer), prepared["get_lead"], calls, warmup)
        for _, folder, _ in OPERATIONS:
            replayer = Replayer(recordings[folder])
            with domain_client(replayer):
                samples[folder] = timed(
                    lambda event, context, f=folder: handlers.invoke(f, event, context),
                    prepared[folder],
                    calls,
                    warmup,
                )
            if replayer.calls == 0:
                raise SystemExit(f"warm: {folder} never called the stub; is it patched in?")

    floor_p50 = median(samples["floor"])
    table = Table(
        "Warm request, in-process, DynamoDB stubbed",
        ["Operation", "p50 ms", "p99 ms", "p50 / floor", "Target p50", "Verdict"],
    )
    table.add(
        "floor: bare get handler",
        _ms(floor_p50),
        _ms(percentile(samples["floor"], 0.99)),
        "1.00x",
        "-",
        "-",
    )
    targets = []
    for label, folder, target_ms in OPERATIONS:
        p50 = median(samples[folder])
        met = p50 / 1e6 < target_ms
        table.add(
            label,
            _ms(p50),
            _ms(percentile(samples[folder], 0.99)),
            ratio(p50 / floor_p50),
            f"< {target_ms:g} ms",
            "met" if met else "NOT MET",
        )
        targets.append(Target(f"{label} warm p50 < {target_ms:g} ms", met, f"{_ms(p50)} ms"))
    return Section(
        "2. Warm overhead per request",
        tables=[table],
        targets=targets,
        notes=[
            f"{calls:,} timed calls per operation after {warmup} untimed; each call gets a "
            "fresh copy of its events/ file (for a tenant of 25 leads).",
            "On while timing, as deployed: Powertools Logger at INFO and Metrics (namespace "
            "LeadsApi) writing to stdout, redirected to /dev/null; Tracer disabled (no X-Ray "
            "daemon). The handlers are the project's source (functions/, leads_domain), run "
            "on this process's Python and the dev virtualenv's pinned packages.",
            "DynamoDB: leads_domain's client replaced by a stub replaying the responses the "
            "embedded DynamoDB gave to the same requests, so no botocore code runs.",
            "Floor: a bare get handler (read the id, one stub call, json.dumps the item), no "
            "framework, validation, logging or metrics.",
        ],
    )


def _ms(nanoseconds: float) -> str:
    return f"{nanoseconds / 1e6:.3f}"

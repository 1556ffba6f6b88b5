"""Publishing events while DynamoDB, SQS or EventBridge fail: the publisher reports exactly the
records that failed (partial batch failure), Lambda (here the local run's stream mapping) sends
them again, and in the end every change has exactly one event, stored once, delivered once."""

import json

import pytest

from leads_domain.data import clients
from leads_domain.tenancy import Tenant
from support.faults import FAULTS, FAULTS_BY_NAME, Fault, FaultInjector, install
from support.pipeline import Pipeline
from support.receivers import Receiver

LEADS = "/api/crm/lead"
# Every fault a single call meets (transaction conflicts are TransactWriteItems' only).
CALL_FAULTS = [fault for fault in FAULTS if not fault.transactional_only]


@pytest.fixture
def faults(pipeline, monkeypatch):
    """Injectors on the functions' own DynamoDB, SQS and EventBridge clients."""
    injectors = {
        "dynamodb": install(monkeypatch, clients.dynamodb()),
        "sqs": FaultInjector(clients.sqs()),
        "events": FaultInjector(clients.eventbridge()),
    }
    yield injectors
    for injector in injectors.values():
        injector.close()


def with_endpoint_and_leads(pipeline: Pipeline, tenant: Tenant, receiver: Receiver, count: int):
    endpoint = pipeline.call(
        "CreateWebhookEndpointFunction",
        "POST",
        "/api/crm/webhook_endpoint",
        tenant,
        body={"url": receiver.url, "enabled_events": ["*"]},
    )
    assert endpoint.status == 201, endpoint.body
    leads = [
        pipeline.call("CreateLeadFunction", "POST", LEADS, tenant, body={"city": f"c{n}"}).body
        for n in range(count)
    ]
    return [lead["id"] for lead in leads]


def stored_events(pipeline: Pipeline, tenant: Tenant) -> list[dict]:
    answer = pipeline.call(
        "ListEventsFunction", "GET", "/api/crm/event", tenant, query={"limit": "100"}
    )
    assert answer.status == 200 and not answer.body["has_more"], answer.body
    return answer.body["data"]


def assert_one_event_per_lead_stored_and_delivered(pipeline, tenant, receiver, lead_ids):
    events = stored_events(pipeline, tenant)
    assert sorted(event["data"]["object"]["id"] for event in events) == sorted(lead_ids)
    assert len({event["id"] for event in events}) == len(lead_ids)
    pipeline.deliver(until_empty_seconds=30)
    delivered = [request.body for request in receiver.requests]
    ids = [json.loads(body)["id"] for body in delivered]
    assert sorted(ids) == sorted(event["id"] for event in events), "each event delivered once"


def test_a_record_failing_mid_batch_is_reported_with_those_after_it(
    pipeline, faults, tenant, receiver, monkeypatch
):
    lead_ids = with_endpoint_and_leads(pipeline, tenant, receiver, 5)
    publisher = pipeline.functions["EventsPublisherFunction"]
    invocations: list[tuple[list[str], dict]] = []
    invoke = publisher.invoke

    def recorded(event):
        answer = invoke(event)
        invocations.append(([r["dynamodb"]["SequenceNumber"] for r in event["Records"]], answer))
        faults["dynamodb"].heal()
        return answer

    monkeypatch.setattr(publisher, "invoke", recorded)
    # The third lead's event cannot be stored: every attempt of its write fails, once.
    faults["dynamodb"].fail("PutItem", FAULTS_BY_NAME["internal error 500"], matching=lead_ids[2])

    pipeline.publish()

    (first_batch, first), (second_batch, second) = invocations
    assert len(first_batch) == 5  # the counter's records are no lead's: filtered out
    assert first == {"batchItemFailures": [{"itemIdentifier": s} for s in first_batch[2:]]}
    # Lambda (here the local run's mapping) resends the stream from the first failed record.
    assert second_batch == first_batch[2:] and second == {"batchItemFailures": []}
    assert_one_event_per_lead_stored_and_delivered(pipeline, tenant, receiver, lead_ids)


@pytest.mark.parametrize("persistent", [False, True], ids=["first-attempt", "every-attempt"])
@pytest.mark.parametrize(
    ("service", "operation"),
    [("dynamodb", "PutItem"), ("events", "PutEvents"), ("sqs", "SendMessageBatch")],
)
@pytest.mark.parametrize("fault", CALL_FAULTS, ids=[fault.name for fault in CALL_FAULTS])
def test_faults_while_publishing_lose_and_double_nothing(
    pipeline, faults, tenant, receiver, service, operation, fault: Fault, persistent
):
    lead_ids = with_endpoint_and_leads(pipeline, tenant, receiver, 3)
    # One invocation's attempts (botocore tries three times) or only the first.
    faults[service].fail(operation, fault, times=3 if persistent else 1)
    logged = len(pipeline.log)

    pipeline.publish()

    faults[service].heal()
    # A fault on the first attempt only is cured by botocore's retry: the batch succeeds.
    assert pipeline.log[logged:] == [] or persistent, pipeline.log[logged:]
    assert_one_event_per_lead_stored_and_delivered(pipeline, tenant, receiver, lead_ids)

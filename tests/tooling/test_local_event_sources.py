"""The local run's event source mappings, as Lambda runs them: the template's filter applied
before the function, a batch sent again from its first failed record, a failing batch bisected
and, after its retries, described on the on-failure queue; a queue's failed messages kept."""

import dataclasses
import json
import time

from leads_cli import local_wakeup
from leads_cli.local_dynamodb import Endpoints
from leads_cli.local_queue import LocalQueueMapping
from leads_cli.local_stream import LocalStreamMapping
from leads_domain.tenancy import Tenant
from support.pipeline import Pipeline

LEADS = "/api/crm/lead"


class Recording:
    """A stand-in function: records each event; answers, or raises, as told."""

    def __init__(self, answer=None, fail_first: int = 0, always_fail: bool = False):
        self.events: list[dict] = []
        self.answer = answer
        self.fail_first = fail_first
        self.always_fail = always_fail

    def invoke(self, event):
        self.events.append(event)
        if self.always_fail or len(self.events) <= self.fail_first:
            raise RuntimeError("the function failed")
        return self.answer(event) if callable(self.answer) else self.answer


def stream_mapping(pipeline: Pipeline, function, wakeup=None, **changes) -> LocalStreamMapping:
    (mapping,) = [m for m in pipeline.template.event_source_mappings if m.kind == "stream"]
    endpoints = Endpoints(pipeline.endpoint, pipeline.endpoint)
    mapping = dataclasses.replace(mapping, **changes)
    opened = LocalStreamMapping(
        mapping, function, endpoints, pipeline.template, pipeline.log.append, wakeup
    )
    # From the stream's next record: what earlier tests of the module wrote is not this test's.
    return opened.open("LATEST")


def create_leads(pipeline: Pipeline, tenant: Tenant, count: int) -> None:
    for n in range(count):
        pipeline.call("CreateLeadFunction", "POST", LEADS, tenant, body={"city": f"c{n}"})


def keys_of(event) -> list[str]:
    return [record["dynamodb"]["Keys"]["sk"]["S"] for record in event["Records"]]


def test_the_templates_filter_keeps_items_that_are_no_lead_from_the_function(pipeline, tenant):
    function = Recording(answer={"batchItemFailures": []})
    mapping = stream_mapping(pipeline, function)
    create_leads(pipeline, tenant, 2)  # two leads, and the tenant's counter twice

    assert mapping.drain() >= 2

    keys = [key for event in function.events for key in keys_of(event)]
    assert keys and all(key.startswith("LEAD#") for key in keys)
    record = function.events[0]["Records"][0]
    assert record["eventSource"] == "aws:dynamodb"
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int)


def test_a_batch_is_sent_again_from_its_first_failed_record(pipeline, tenant):
    def fail_the_second_once(event):
        if len(answers) == 0:
            answers.append(1)
            return {
                "batchItemFailures": [
                    {"itemIdentifier": event["Records"][1]["dynamodb"]["SequenceNumber"]}
                ]
            }
        return {"batchItemFailures": []}

    answers: list[int] = []
    function = Recording(answer=fail_the_second_once)
    mapping = stream_mapping(pipeline, function)
    create_leads(pipeline, tenant, 3)

    mapping.drain()

    first, second = function.events[-2:]
    assert keys_of(second) == keys_of(first)[1:]


def test_a_failing_batch_is_bisected_then_described_on_the_failure_queue(pipeline, tenant):
    function = Recording(always_fail=True)
    mapping = stream_mapping(pipeline, function, maximum_retry_attempts=1)
    create_leads(pipeline, tenant, 4)

    mapping.drain()

    sizes = [len(event["Records"]) for event in function.events]
    assert sizes[0] == 4 and 1 in sizes, sizes  # halved until one record is alone
    descriptions = [
        json.loads(message["Body"]) for message in pipeline.messages("EventsPublisherFailureQueue")
    ]
    assert descriptions, "the batches given up are described on the on-failure queue"
    described = sum(d["DDBStreamBatchInfo"]["batchSize"] for d in descriptions)
    assert described == 4, "every record given up is described, none twice"
    assert all(
        d["DDBStreamBatchInfo"]["streamArn"].endswith(d["DDBStreamBatchInfo"]["streamArn"][-5:])
        for d in descriptions
    )


def test_a_queues_failed_messages_stay_and_the_others_go(pipeline):
    (mapping,) = [m for m in pipeline.template.event_source_mappings if m.kind == "queue"]
    sqs = pipeline.client("sqs")
    url = pipeline.template.queue_url(mapping.source)
    for body in ("keep", "done"):
        sqs.send_message(QueueUrl=url, MessageBody=body)

    def keep_one(event):
        return {
            "batchItemFailures": [
                {"itemIdentifier": r["messageId"]} for r in event["Records"] if r["body"] == "keep"
            ]
        }

    function = Recording(answer=keep_one)
    queue = LocalQueueMapping(
        mapping, function, Endpoints(pipeline.endpoint, pipeline.endpoint), pipeline.template, print
    )
    assert queue.poll()
    (event,) = function.events
    assert sorted(record["body"] for record in event["Records"]) == ["done", "keep"]
    record = event["Records"][0]
    assert record["eventSource"] == "aws:sqs" and "SentTimestamp" in record["attributes"]
    assert pipeline.queued() == 1  # "keep", invisible until its visibility timeout ends

    crashing = LocalQueueMapping(
        mapping,
        Recording(always_fail=True),
        Endpoints(pipeline.endpoint, pipeline.endpoint),
        pipeline.template,
        print,
    )
    sqs.send_message(QueueUrl=url, MessageBody="again")
    assert crashing.poll()
    assert pipeline.queued() == 2, "a function that fails deletes nothing"


def test_a_rolled_back_transaction_does_not_blind_the_mapping(pipeline, tenant):
    """moto replaces a table when it rolls a failed transaction back: the mapping still sees
    every change after it."""
    function = Recording(answer={"batchItemFailures": []})
    mapping = stream_mapping(pipeline, function)
    create_leads(pipeline, tenant, 1)
    mapping.drain()
    # A delete of a lead that is not there: its transaction fails and is rolled back.
    missing = pipeline.call("DeleteLeadFunction", "DELETE", f"{LEADS}/lead_missing0", tenant)
    assert missing.status == 404
    create_leads(pipeline, tenant, 1)

    mapping.drain()

    assert [len(event["Records"]) for event in function.events] == [1, 1]


def test_the_embedded_servers_writes_wake_the_mappings_and_its_reads_do_not(pipeline, tenant):
    # An idle local run waits for a write instead of polling (which cost a core's 12 %)
    woken = pipeline.wakeups.subscribe()
    dynamodb, sqs = pipeline.client(), pipeline.client("sqs")
    url = pipeline.template.queue_url(pipeline.queue.mapping.source)
    stream_arn = dynamodb.describe_table(TableName=pipeline.stream.mapping.source)["Table"][
        "LatestStreamArn"
    ]

    # When the mappings read (their own polls), Then nothing wakes
    woken.clear()
    pipeline.client("dynamodbstreams").describe_stream(StreamArn=stream_arn)
    sqs.receive_message(QueueUrl=url)
    pipeline.call("ListLeadsFunction", "GET", LEADS, tenant)
    assert not woken.is_set()

    # When a lead is written, or a message sent, Then the mappings wake
    create_leads(pipeline, tenant, 1)
    assert woken.is_set()
    woken.clear()
    sqs.send_message(QueueUrl=url, MessageBody="{}")
    assert woken.is_set()
    sqs.purge_queue(QueueUrl=url)


def test_a_running_mapping_hands_a_write_on_without_waiting_for_its_next_look(
    pipeline, tenant, monkeypatch
):
    # Given a running stream mapping whose idle look would come only after a minute, and that
    # has handed on a first lead (so it has read the stream once and is waiting)
    monkeypatch.setattr(local_wakeup, "IDLE_SECONDS", 60.0)
    function = Recording(answer={"batchItemFailures": []})
    mapping = stream_mapping(pipeline, function, wakeup=pipeline.wakeups.subscribe())
    mapping.start()
    try:
        first, second = Tenant(f"{tenant.account}a", "test"), Tenant(f"{tenant.account}b", "test")
        create_leads(pipeline, first, 1)
        wait_for_a_record_of(first, function)

        # When another lead is created
        create_leads(pipeline, second, 1)

        # Then the function has its record at once, not a minute later
        wait_for_a_record_of(second, function)
    finally:
        mapping.stop()


def wait_for_a_record_of(tenant: Tenant, function: Recording) -> None:
    deadline = time.monotonic() + 30  # bounds a broken run only: a write wakes the mapping
    while not any(tenant.account in json.dumps(event) for event in function.events):
        assert time.monotonic() < deadline, "the write did not wake the mapping"
        time.sleep(0.05)

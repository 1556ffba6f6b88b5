"""template.yaml's events pipeline: the stream, the mappings (partial batch failures, bisect,
bounded retries, an on-failure destination, a filter that passes leads only), the queues, the
bus, the events table, and what the functions are told."""

import json
import math
import re
from pathlib import Path

from leads_cli import template as template_module
from leads_cli.event_filters import passes
from leads_domain import event_settings
from leads_domain.data import events_table
from leads_domain.webhooks.sender import DEADLINE_SECONDS

RAW = template_module.read_raw()
RESOURCES = RAW["Resources"]
GLOBAL_VARIABLES = RAW["Globals"]["Function"]["Environment"]["Variables"]


def resources_of(kind: str) -> dict:
    return {name: spec["Properties"] for name, spec in RESOURCES.items() if spec["Type"] == kind}


MAPPINGS = resources_of("AWS::Lambda::EventSourceMapping")
QUEUES = resources_of("AWS::SQS::Queue")


def mapping_of(function: str) -> dict:
    # Through the alias (test_operations.py): new versions deploy gradually.
    (found,) = [m for m in MAPPINGS.values() if m["FunctionName"] == {"Ref": f"{function}.Alias"}]
    return found


def test_the_leads_table_streams_both_images():
    stream = RESOURCES["LeadsTable"]["Properties"]["StreamSpecification"]
    assert stream == {"StreamViewType": "NEW_AND_OLD_IMAGES"}


def test_the_publisher_reads_the_stream_with_partial_failures_bisect_bounded_retries():
    mapping = mapping_of("EventsPublisherFunction")
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": ["LeadsTable", "StreamArn"]}
    assert mapping["StartingPosition"] == "TRIM_HORIZON"
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BisectBatchOnFunctionError"] is True
    assert 0 < mapping["MaximumRetryAttempts"] <= 100
    destination = mapping["DestinationConfig"]["OnFailure"]["Destination"]
    assert destination == {"Fn::GetAtt": ["EventsPublisherFailureQueue", "Arn"]}


def test_the_stream_filter_passes_leads_and_nothing_else():
    (pattern,) = mapping_of("EventsPublisherFunction")["FilterCriteria"]["Filters"]
    filters = (json.loads(pattern["Pattern"]),)

    def record(sort_key: str) -> dict:
        return {"dynamodb": {"Keys": {"tenant": {"S": "a#test"}, "sk": {"S": sort_key}}}}

    assert passes(filters, record("LEAD#lead_abc"))
    for item in ("COUNTER", "COUNTER#3", "SHARD#1", "GUARD#email#x", "IDEMPOTENCY#k"):
        assert not passes(filters, record(item)), item


def test_the_delivery_function_reads_the_queue_with_partial_failures():
    mapping = mapping_of("WebhookDeliveryFunction")
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": ["WebhookDeliveryQueue", "Arn"]}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert 1 <= mapping["BatchSize"] <= 10


def test_the_delivery_queue_outlasts_the_retries_and_dead_letters():
    queue = QUEUES["WebhookDeliveryQueue"]
    delivery_timeout = RESOURCES["WebhookDeliveryFunction"]["Properties"]["Timeout"]
    # AWS: at least six times the function's timeout for a Lambda event source.
    assert queue["VisibilityTimeout"] >= 6 * delivery_timeout
    longest_window = RAW["Parameters"]["WebhookRetryWindowSeconds"]["MaxValue"]
    # Its last retry may wait 12 hours past the window's start of its final wait.
    assert queue["MessageRetentionPeriod"] >= longest_window + 12 * 60 * 60
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {
        "Fn::GetAtt": ["WebhookDeadLetterQueue", "Arn"]
    }
    for name, properties in QUEUES.items():
        assert properties["SqsManagedSseEnabled"] is True, name


def test_functions_fit_their_work_in_their_timeouts():
    delivery = RESOURCES["WebhookDeliveryFunction"]["Properties"]
    batch = mapping_of("WebhookDeliveryFunction")["BatchSize"]
    # Deliveries of a batch run at once, one endpoint's in turn: at worst all for one endpoint.
    assert delivery["Timeout"] >= DEADLINE_SECONDS * math.ceil(batch / 2)
    assert RESOURCES["EventsPublisherFunction"]["Properties"]["Timeout"] >= 30


def test_the_events_table_expires_events_and_indexes_them_for_the_lists():
    properties = RESOURCES["EventsTable"]["Properties"]
    assert properties["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    indexes = {index["IndexName"]: index for index in properties["GlobalSecondaryIndexes"]}
    assert set(indexes) == {events_table.BY_TIME, events_table.BY_TYPE, events_table.BY_LEAD}
    keys = {
        name: [key["AttributeName"] for key in index["KeySchema"]]
        for name, index in indexes.items()
    }
    assert keys == {
        "by_time": ["tenant", "time_key"],
        "by_type": ["type_key", "time_key"],
        "by_lead": ["lead_key", "order_key"],
    }
    # Pages read index entries, then their items: the entries stay small.
    assert {index["Projection"]["ProjectionType"] for index in indexes.values()} == {"KEYS_ONLY"}
    assert events_table.RETENTION_SECONDS == 30 * 24 * 60 * 60


def test_the_bus_is_named_for_the_stage():
    assert resources_of("AWS::Events::EventBus")["EventBus"]["Name"] == {
        "Fn::Sub": "leads-${Stage}"
    }
    assert template_module.load().buses == {"EventBus": "leads-dev"}


def test_every_function_is_told_what_the_event_code_reads():
    source = Path(event_settings.__file__).read_text()
    read = set(re.findall(r'_(?:required|seconds)\("([A-Z_]+)"\)', source))
    assert read and read <= set(GLOBAL_VARIABLES)
    # Loopback webhooks stay off in a deployed stack; the local run turns them on.
    assert RAW["Parameters"]["WebhookLoopback"]["Default"] == "never"
    assert RAW["Parameters"]["LocalServicesEndpointUrl"]["Default"] == ""
    for service in ("SQS", "EVENTBRIDGE"):
        assert GLOBAL_VARIABLES[f"AWS_ENDPOINT_URL_{service}"] == {
            "Ref": "LocalServicesEndpointUrl"
        }


def test_the_local_run_reads_the_same_mappings():
    loaded = {m.function: m for m in template_module.load().event_source_mappings}
    stream, queue = loaded["EventsPublisherFunction"], loaded["WebhookDeliveryFunction"]
    assert (stream.kind, stream.source, stream.on_failure) == (
        "stream",
        "LeadsTable",
        "EventsPublisherFailureQueue",
    )
    assert stream.report_item_failures and stream.bisect_on_error
    assert (queue.kind, queue.source, queue.report_item_failures) == (
        "queue",
        "WebhookDeliveryQueue",
        True,
    )

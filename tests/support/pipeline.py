"""The events pipeline in-process, as `leads serve` runs it: the embedded AWS services (moto's
server) with the template's tables, queues and bus, every function loaded from template.yaml
with its environment, the stream and queue event source mappings driven by the test (``publish``
reads the stream into the publisher, ``deliver`` the queue into the delivery function)."""

import contextlib
import dataclasses
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from leads_cli import template as template_module
from leads_cli.event_filters import passes
from leads_cli.local_dynamodb import EmbeddedDynamoDB, Endpoints, client, create_tables
from leads_cli.local_functions import LocalFunction, load_functions
from leads_cli.local_messaging import create_queues_and_buses
from leads_cli.local_queue import LocalQueueMapping
from leads_cli.local_stream import LocalStreamMapping, lambda_record
from leads_cli.local_wakeup import Wakeups
from leads_domain.container import forget_all
from leads_domain.tenancy import Tenant
from support.events import api_event

# Fast retries, so that a test sees several attempts in seconds.
TEST_PARAMETERS = {
    "LogLevel": "WARNING",
    "WebhookRetryFirstSeconds": "1",
    "WebhookRetryMaxSeconds": "2",
    "WebhookRetryWindowSeconds": "600",
    "WebhookLoopback": "test-mode",
}


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


@dataclass
class Pipeline:
    template: template_module.Template
    endpoint: str
    functions: dict[str, LocalFunction]
    stream: LocalStreamMapping
    queue: LocalQueueMapping
    # What the embedded server's writes set, as `leads serve`'s mappings wait on them.
    wakeups: Wakeups
    log: list[str] = field(default_factory=list)

    def client(self, service: str = "dynamodb") -> Any:
        return client(self.endpoint, service)

    def call(self, function: str, method: str, path: str, tenant: Tenant, **options: Any) -> Answer:
        """An API function answering a request of ``tenant`` (as the authorizer passed it)."""
        resource = _resource(path)
        event = api_event(method, path, tenant=tenant, **options)
        event["resource"] = resource
        event["pathParameters"] = (
            {"id": path.rsplit("/", 1)[1]} if resource.endswith("{id}") else None
        )
        response = self.functions[function].invoke(event)
        body = response.get("body")
        return Answer(
            response["statusCode"], json.loads(body) if body else None, response["headers"]
        )

    def stream_records(self) -> list[dict[str, Any]]:
        """Every record the leads table's stream holds that the mapping's filters pass, as
        Lambda hands them to the publisher."""
        table = self.client().describe_table(TableName=self.stream.mapping.source)["Table"]
        streams = self.client("dynamodbstreams")
        arn = table["LatestStreamArn"]
        records: list[dict[str, Any]] = []
        for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            iterator = streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            response = streams.get_records(ShardIterator=iterator, Limit=1000)
            records += [lambda_record(record, arn) for record in response["Records"]]
        return [record for record in records if passes(self.stream.mapping.filters, record)]

    def publish(self) -> int:
        """The stream's new records through the publisher, as the mapping hands them over."""
        return self.stream.drain()

    def deliver(self, until_empty_seconds: float = 0.0) -> int:
        """Batches of the delivery queue through the delivery function until no message is
        visible (and, with ``until_empty_seconds``, until the queue is empty or that long
        passed, waiting for messages to become visible again); how many batches ran."""
        batches = 0
        deadline = time.monotonic() + until_empty_seconds
        while True:
            if self.queue.poll():
                batches += 1
                continue
            if time.monotonic() >= deadline or self.queued() == 0:
                return batches
            time.sleep(0.1)

    def queued(self, queue: str = "WebhookDeliveryQueue") -> int:
        attributes = self.client("sqs").get_queue_attributes(
            QueueUrl=self.template.queue_url(queue),
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(
            attributes["ApproximateNumberOfMessagesNotVisible"]
        )

    def purge(self) -> None:
        """Empty every queue (made again: moto, like SQS, purges a queue once a minute only),
        so that no retry of one test is delivered during the next."""
        sqs = self.client("sqs")
        for logical_id in self.template.queues:
            sqs.delete_queue(QueueUrl=self.template.queue_url(logical_id))
        create_queues_and_buses(sqs, self.client("events"), self.template)

    def messages(self, queue: str) -> list[dict[str, Any]]:
        """Every message of a queue, read and left invisible for a minute."""
        sqs = self.client("sqs")
        found: list[dict[str, Any]] = []
        while True:
            batch = sqs.receive_message(
                QueueUrl=self.template.queue_url(queue),
                MaxNumberOfMessages=10,
                VisibilityTimeout=60,
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not batch:
                return found
            found.extend(batch)


def _resource(path: str) -> str:
    """The route's resource path: the collection, an item ({id}), or the lead batch."""
    parts = path.split("/")
    if len(parts) > 4 and parts[4] != "batch":
        return "/".join(parts[:4]) + "/{id}"
    return path


def _empty(endpoint: str) -> None:
    """No table or queue left by an earlier test: moto's services live as long as the process
    does, whichever server (or in-process mock) made them."""
    dynamodb, sqs = client(endpoint), client(endpoint, "sqs")
    for table in dynamodb.list_tables()["TableNames"]:
        dynamodb.delete_table(TableName=table)
    for url in sqs.list_queues().get("QueueUrls", []):
        sqs.delete_queue(QueueUrl=url)


@contextlib.contextmanager
def running_pipeline(**parameters: str) -> Iterator[Pipeline]:
    """The pipeline with the template's parameters (TEST_PARAMETERS, then ``parameters``)."""
    saved = dict(os.environ)
    server = EmbeddedDynamoDB().start()
    try:
        overrides = {
            **TEST_PARAMETERS,
            **parameters,
            "DynamoDbEndpointUrl": server.endpoint,
            "LocalServicesEndpointUrl": server.endpoint,
        }
        template = template_module.load(
            template_module.TEMPLATE_PATH, tuple(sorted(overrides.items()))
        )
        _empty(server.endpoint)
        create_tables(client(server.endpoint), template)
        create_queues_and_buses(
            client(server.endpoint, "sqs"), client(server.endpoint, "events"), template
        )
        forget_all()
        functions = load_functions(template)
        log: list[str] = []
        endpoints = Endpoints(server.endpoint, server.endpoint)
        (stream_mapping,) = [m for m in template.event_source_mappings if m.kind == "stream"]
        (queue_mapping,) = [m for m in template.event_source_mappings if m.kind == "queue"]
        yield Pipeline(
            template,
            server.endpoint,
            functions,
            LocalStreamMapping(
                dataclasses.replace(stream_mapping, maximum_retry_attempts=3),
                functions[stream_mapping.function],
                endpoints,
                template,
                log.append,
            ).open(),
            LocalQueueMapping(
                queue_mapping, functions[queue_mapping.function], endpoints, template, log.append
            ),
            server.wakeups,
            log,
        )
    finally:
        # moto's state outlives the server: leave no table or queue to the next test.
        _empty(server.endpoint)
        server.stop()
        os.environ.clear()
        os.environ.update(saved)
        forget_all()

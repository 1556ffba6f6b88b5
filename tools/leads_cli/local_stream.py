"""A DynamoDB stream event source mapping, as Lambda runs one, for the local run.

It reads the table's stream (moto's server keeps one for a table created with a
StreamSpecification), drops the records the mapping's filters do not pass, and invokes the
function with Lambda's DynamoDB event, batch by batch, in stream order. A batch item failure
(ReportBatchItemFailures) makes it resend the batch from the first failed record; a function
error makes it resend the batch, halved if the mapping bisects; after the mapping's retries a
batch's description goes to its on-failure queue and the stream moves past it.
"""

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from leads_cli.event_filters import passes
from leads_cli.local_dynamodb import Endpoints, client
from leads_cli.local_functions import LocalFunction
from leads_cli.local_wakeup import MappingThread
from leads_cli.template import EventSourceMapping, Template

# Lambda backs off between retries of a failed batch; locally a short wait, doubling.
RETRY_WAIT_SECONDS = 0.2
MAX_RETRY_WAIT_SECONDS = 2.0


class LocalStreamMapping:
    """One stream mapping in a thread of its own; ``stop`` ends it."""

    def __init__(
        self,
        mapping: EventSourceMapping,
        function: LocalFunction,
        endpoints: Endpoints,
        template: Template,
        log: Callable[[str], None],
        wakeup: threading.Event | None = None,
    ) -> None:
        self.mapping = mapping
        self._function = function
        self._log = log
        self._streams = client(endpoints.dynamodb, "dynamodbstreams")
        self._sqs = client(endpoints.services, "sqs")
        table = client(endpoints.dynamodb).describe_table(TableName=mapping.source)["Table"]
        self._stream_arn = table["LatestStreamArn"]
        self._failure_queue = template.queue_url(mapping.on_failure) if mapping.on_failure else None
        self._pending: list[dict[str, Any]] = []
        # Per shard: the last sequence number read, else the iterator to start from.
        self._read_up_to: dict[str, str | None] = {}
        self._start_iterators: dict[str, str] = {}
        self._from_the_oldest = True
        self._thread = MappingThread(
            mapping.logical_id, self.drain, log, wakeup, error_wait=MAX_RETRY_WAIT_SECONDS
        )
        self._stopped = self._thread.stopped

    def start(self) -> "LocalStreamMapping":
        self.open()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._thread.stop(timeout=10)

    def open(self, position: str = "TRIM_HORIZON") -> "LocalStreamMapping":
        """Ready to read the stream from its oldest record (or, LATEST, from its next), without
        a thread (``drain``)."""
        description = self._streams.describe_stream(StreamArn=self._stream_arn)
        for shard in description["StreamDescription"]["Shards"]:
            self._read_up_to[shard["ShardId"]] = None
            self._start_iterators[shard["ShardId"]] = self._iterator(shard["ShardId"], position)
        self._from_the_oldest = position == "TRIM_HORIZON"
        return self

    def drain(self) -> int:
        """Read what the stream has and hand it all to the function, batch after batch;
        how many records passed the filters."""
        passed = self._read()
        while self._pending and not self._stopped.is_set():
            self._deliver_head()
        return passed

    def _read(self) -> int:
        passed = 0
        for shard, last in list(self._read_up_to.items()):
            # A fresh iterator after the last record read, each time: moto may replace a table
            # (its stream's shard with it) when it rolls back a transaction it copied whole,
            # and an iterator it handed out before would go on reading the replaced shard.
            if last is None and self._from_the_oldest:
                iterator = self._iterator(shard, "TRIM_HORIZON")
            elif last is None:
                iterator = self._start_iterators[shard]
            else:
                iterator = self._iterator(shard, "AFTER_SEQUENCE_NUMBER", last)
            response = self._streams.get_records(ShardIterator=iterator, Limit=1000)
            if response["Records"]:
                self._read_up_to[shard] = response["Records"][-1]["dynamodb"]["SequenceNumber"]
            else:
                self._start_iterators[shard] = response["NextShardIterator"]
            for record in response["Records"]:
                event_record = lambda_record(record, self._stream_arn)
                if passes(self.mapping.filters, event_record):
                    self._pending.append(event_record)
                    passed += 1
        return passed

    def _iterator(self, shard: str, kind: str, sequence: str | None = None) -> str:
        options = {"SequenceNumber": sequence} if sequence else {}
        return str(
            self._streams.get_shard_iterator(
                StreamArn=self._stream_arn, ShardId=shard, ShardIteratorType=kind, **options
            )["ShardIterator"]
        )

    def _deliver_head(self) -> None:
        """Invoke the function with the next batch until it is done with it, as Lambda does."""
        size = min(self.mapping.batch_size, len(self._pending))
        retries = 0
        while not self._stopped.is_set():
            batch = self._pending[:size]
            failed_at, errored = self._invoke(batch)
            if failed_at is None:
                del self._pending[:size]
                return
            # Records before the first failure are done; the batch is sent again from it.
            del self._pending[:failed_at]
            size -= failed_at
            if failed_at == 0:
                retries += 1
                limit = self.mapping.maximum_retry_attempts
                if 0 <= limit < retries:
                    self._give_up(batch[:size])
                    del self._pending[:size]
                    return
                if self.mapping.bisect_on_error and errored and size > 1:
                    size //= 2
            wait = min(MAX_RETRY_WAIT_SECONDS, RETRY_WAIT_SECONDS * 2**retries)
            self._stopped.wait(wait)

    def _invoke(self, batch: list[dict[str, Any]]) -> tuple[int | None, bool]:
        """(None if the function took the whole batch, else the index of the first record to
        send again; whether the function failed as a whole, which makes that index 0)."""
        try:
            response = self._function.invoke({"Records": batch})
        except Exception as error:
            self._log(f"  {self.mapping.function} raised {type(error).__name__}: {error}")
            return 0, True
        failures = (response or {}).get("batchItemFailures") or []
        if not failures or not self.mapping.report_item_failures:
            return None, False
        failed = {str(failure["itemIdentifier"]) for failure in failures}
        first = next(
            (
                index
                for index, record in enumerate(batch)
                if record["dynamodb"]["SequenceNumber"] in failed
            ),
            0,  # an identifier that names no record of the batch: Lambda retries it all
        )
        return first, False

    def _give_up(self, batch: list[dict[str, Any]]) -> None:
        first, last = batch[0]["dynamodb"], batch[-1]["dynamodb"]
        self._log(
            f"  {self.mapping.logical_id}: gave up on {len(batch)} records after "
            f"{self.mapping.maximum_retry_attempts} retries"
        )
        if self._failure_queue is None:
            return
        description = {
            "version": "1.0",
            "timestamp": datetime.now(UTC).isoformat(),
            "requestContext": {"condition": "RetryAttemptsExhausted"},
            "DDBStreamBatchInfo": {
                "streamArn": self._stream_arn,
                "startSequenceNumber": first["SequenceNumber"],
                "endSequenceNumber": last["SequenceNumber"],
                "batchSize": len(batch),
            },
        }
        self._sqs.send_message(QueueUrl=self._failure_queue, MessageBody=json.dumps(description))


def lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A GetRecords record as Lambda hands it to a function."""
    stream = dict(record["dynamodb"])
    created = stream.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        # Lambda's events carry whole Unix seconds.
        stream["ApproximateCreationDateTime"] = int(created.timestamp())
    return {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": record.get("awsRegion", "us-east-1"),
        "dynamodb": stream,
        "eventSourceARN": stream_arn,
    }

"""An SQS event source mapping, as Lambda runs one, for the local run.

It polls the queue (moto's server), invokes the function with Lambda's SQS event, and deletes
the messages the function took; a message reported as a batch item failure (or every message,
when the function fails) stays in the queue and comes back when its visibility timeout ends,
which the function may have set itself (that is how webhook retries wait).
"""

import threading
from collections.abc import Callable
from typing import Any

from leads_cli.local_dynamodb import Endpoints, client
from leads_cli.local_functions import LocalFunction
from leads_cli.local_messaging import queue_arn
from leads_cli.local_wakeup import MappingThread
from leads_cli.template import EventSourceMapping, Template


class LocalQueueMapping:
    """One queue mapping in a thread of its own; ``stop`` ends it."""

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
        self._sqs = client(endpoints.services, "sqs")
        self._queue_url = template.queue_url(mapping.source)
        self._thread = MappingThread(mapping.logical_id, self.poll, log, wakeup, error_wait=1.0)
        self._stopped = self._thread.stopped

    def start(self) -> "LocalQueueMapping":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._thread.stop(timeout=30)

    def poll(self) -> bool:
        """One batch, if the queue has any visible messages: whether it had."""
        # No long polling: the embedded server answers one request at a time.
        messages = self._sqs.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=self.mapping.batch_size,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return False
        records = [self._lambda_record(message) for message in messages]
        try:
            response = self._function.invoke({"Records": records})
        except Exception as error:
            # Lambda deletes nothing: every message comes back after its visibility timeout.
            self._log(f"  {self.mapping.function} raised {type(error).__name__}: {error}")
            return True
        failures = (response or {}).get("batchItemFailures") or []
        kept = {str(failure["itemIdentifier"]) for failure in failures}
        if kept and not self.mapping.report_item_failures:
            return True
        done = [
            {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
            for index, message in enumerate(messages)
            if message["MessageId"] not in kept
        ]
        if done:
            self._sqs.delete_message_batch(QueueUrl=self._queue_url, Entries=done)
        return True

    def _lambda_record(self, message: dict[str, Any]) -> dict[str, Any]:
        """A ReceiveMessage message as Lambda hands it to a function."""
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": {
                name: {
                    "stringValue": value.get("StringValue"),
                    "dataType": value.get("DataType"),
                }
                for name, value in message.get("MessageAttributes", {}).items()
            },
            "md5OfBody": message.get("MD5OfBody"),
            "eventSource": "aws:sqs",
            "eventSourceARN": queue_arn(self.mapping.source),
            "awsRegion": "us-east-1",
        }

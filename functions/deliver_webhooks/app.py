"""The webhook delivery queue -> one signed POST per message to its endpoint.

A message whose delivery failed is reported as a batch item failure after its visibility was
set to the retry schedule's next wait, so SQS hands it back then. A batch's messages for
different endpoints are delivered concurrently (each may wait on its receiver for up to 10
seconds); one endpoint's messages one after another, in the order SQS handed them over.
"""

import asyncio
from collections import defaultdict

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    AsyncBatchProcessor,
    EventType,
    async_process_partial_response,
)

from leads_domain.data import clients
from leads_domain.data.webhook_queue import endpoint_of
from leads_domain.event_settings import get_event_settings
from leads_domain.logic.delivery import RetryScheduled, deliver_message
from leads_domain.observability import logger, metrics, tracer

# A receiver that is down is no error of this function: failed deliveries are reported, never
# raised, even when every message of a batch failed.
processor = AsyncBatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
get_event_settings()
METRICS = {
    "delivered": "WebhookDelivered",
    "dropped": "WebhookDropped",
    "dead-lettered": "WebhookDeadLettered",
}


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event, context):
    # Made before the deliveries run in threads, each of which uses them.
    clients.dynamodb()
    clients.sqs()
    in_turn: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def deliver_record(record):
        async with in_turn[endpoint_of(record.raw_event)]:
            try:
                outcome = await asyncio.to_thread(deliver_message, record.raw_event)
            except RetryScheduled:
                metrics.add_metric(name="WebhookRetryScheduled", unit=MetricUnit.Count, value=1)
                raise
        metrics.add_metric(name=METRICS[outcome], unit=MetricUnit.Count, value=1)

    return async_process_partial_response(event, deliver_record, processor, context)

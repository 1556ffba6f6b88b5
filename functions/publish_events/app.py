"""The leads table's DynamoDB stream -> one event per committed change to a lead: stored for
30 days, put on the EventBridge bus, queued for each webhook endpoint that wants it.

Powertools' batch processor reports the records that failed (ReportBatchItemFailures): Lambda
resends the stream from the first of them, and the event source mapping bisects a batch that
fails whole, retries a bounded number of times, then sends the batch's description to the
on-failure queue (template.yaml).
"""

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)

from leads_domain.event_settings import get_event_settings
from leads_domain.logic.publisher import PublishingBatch
from leads_domain.observability import logger, metrics, tracer

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
# At cold start: a function deployed without its settings fails here, not on a record.
get_event_settings()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event, context):
    batch = PublishingBatch()
    response = process_partial_response(
        event, lambda record: batch.publish(record.raw_event), processor, context
    )
    metrics.add_metric(name="EventsPublished", unit=MetricUnit.Count, value=batch.published)
    return response

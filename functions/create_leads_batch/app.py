"""POST /api/crm/lead/batch: create up to 100 leads, each validated on its own; 200 with one
entry per lead sent, the Lead or its error."""

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from leads_domain.batch_models import batch_items
from leads_domain.http.answers import Answer, batch_answer
from leads_domain.http.operation import api_operation
from leads_domain.http.parameters import idempotency_key
from leads_domain.http.request import Request
from leads_domain.logic import batches
from leads_domain.observability import logger, metrics, tracer
from leads_domain.tenancy import Tenant


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
@api_operation
def lambda_handler(request: Request, tenant: Tenant) -> Answer:
    items = batch_items(request.json_body())
    key = idempotency_key(request.header("Idempotency-Key"))
    result = batches.create_leads(tenant, items, key, request.lambda_context, request.request_id)
    metrics.add_metric(name="LeadCreated", unit=MetricUnit.Count, value=result.created)
    metrics.add_metric(
        name="LeadBatchFailedItems", unit=MetricUnit.Count, value=len(items) - result.created
    )
    return batch_answer(result, request.request_id)

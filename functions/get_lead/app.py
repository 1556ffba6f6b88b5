"""GET /api/crm/lead/{id}: one lead of the caller's tenant."""

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from leads_domain import logic
from leads_domain.http_api import Answer, Request, api_operation, lead_answer
from leads_domain.observability import logger, metrics, tracer


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
@api_operation
def lambda_handler(request: Request) -> Answer:
    lead = logic.get_lead(request.tenant(), request.path_id)
    metrics.add_metric(name="LeadRead", unit=MetricUnit.Count, value=1)
    return lead_answer(200, lead)

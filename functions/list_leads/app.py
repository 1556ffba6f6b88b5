"""GET /api/crm/lead: the caller's leads, newest first, by offset or by cursor."""

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from leads_domain import logic
from leads_domain.http_api import Answer, Request, api_operation
from leads_domain.observability import logger, metrics, tracer


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
@api_operation
def lambda_handler(request: Request) -> Answer:
    page = logic.list_leads(request.tenant(), request.query())
    metrics.add_metric(name="LeadsListed", unit=MetricUnit.Count, value=1)
    return Answer(200, page)

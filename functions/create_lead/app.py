"""POST /api/crm/lead: create a lead and answer it with 201."""

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from leads_domain import logic
from leads_domain.http_api import Answer, Request, api_operation, lead_answer
from leads_domain.models import parse_fields
from leads_domain.observability import logger, metrics, tracer


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
@api_operation
def lambda_handler(request: Request) -> Answer:
    tenant = request.tenant()
    fields = parse_fields(request.json_body())
    idempotency_key = request.header("Idempotency-Key")
    lead = logic.create_lead(tenant, fields, idempotency_key, request.lambda_context)
    metrics.add_metric(name="LeadCreated", unit=MetricUnit.Count, value=1)
    return lead_answer(201, lead)

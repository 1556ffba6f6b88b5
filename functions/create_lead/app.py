"""POST /api/crm/lead: create a lead and answer it with 201."""

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from leads_domain.http.answers import Answer, lead_answer
from leads_domain.http.operation import api_operation
from leads_domain.http.parameters import idempotency_key
from leads_domain.http.request import Request
from leads_domain.logic import leads
from leads_domain.models import parse_fields
from leads_domain.observability import logger, metrics, tracer
from leads_domain.tenancy import Tenant


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
@api_operation
def lambda_handler(request: Request, tenant: Tenant) -> Answer:
    fields = parse_fields(request.json_body())
    key = idempotency_key(request.header("Idempotency-Key"))
    lead = leads.create_lead(tenant, fields, key, request.lambda_context, request.request_id)
    metrics.add_metric(name="LeadCreated", unit=MetricUnit.Count, value=1)
    return lead_answer(201, lead)

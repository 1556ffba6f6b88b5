"""PUT /api/crm/lead/by_email/{email}: create the lead with this email (201), or update the
lead that has it with the fields sent (200)."""

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from leads_domain.http.answers import Answer, lead_answer
from leads_domain.http.filter_parameters import filter_value
from leads_domain.http.operation import api_operation
from leads_domain.http.parameters import idempotency_key, no_parameters
from leads_domain.http.request import Request
from leads_domain.logic import upserts
from leads_domain.models import parse_fields
from leads_domain.observability import logger, metrics, tracer
from leads_domain.tenancy import Tenant


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
@api_operation
def lambda_handler(request: Request, tenant: Tenant) -> Answer:
    no_parameters(request.query())
    email = filter_value("email", request.path_parameter("email"), email=True)
    fields = parse_fields(request.json_body())
    key = idempotency_key(request.header("Idempotency-Key"))
    done = upserts.upsert_by_email(
        tenant, email, fields, key, request.lambda_context, request.request_id
    )
    metric = "LeadCreated" if done.created else "LeadUpdated"
    metrics.add_metric(name=metric, unit=MetricUnit.Count, value=1)
    return lead_answer(201 if done.created else 200, done.result)

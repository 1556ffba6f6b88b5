"""DELETE /api/crm/lead/{id}: delete a lead of the caller's tenant, once."""

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from leads_domain.http.answers import Answer
from leads_domain.http.operation import api_operation
from leads_domain.http.parameters import expected_versions
from leads_domain.http.request import Request
from leads_domain.logic import leads
from leads_domain.observability import logger, metrics, tracer
from leads_domain.tenancy import Tenant


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
@api_operation
def lambda_handler(request: Request, tenant: Tenant) -> Answer:
    versions = expected_versions(request.header("If-Match"))
    deleted = leads.delete_lead(tenant, request.path_id, versions)
    metrics.add_metric(name="LeadDeleted", unit=MetricUnit.Count, value=1)
    return Answer(200, deleted)

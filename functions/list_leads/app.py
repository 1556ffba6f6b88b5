"""GET /api/crm/lead: the caller's leads, newest first, by offset or by cursor, filtered by
status, owner or email and by creation time."""

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from leads_domain.http.answers import Answer
from leads_domain.http.filter_parameters import lead_filter
from leads_domain.http.operation import api_operation
from leads_domain.http.parameters import page_request
from leads_domain.http.request import Request
from leads_domain.logic import leads
from leads_domain.observability import logger, metrics, tracer
from leads_domain.tenancy import Tenant


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
@api_operation
def lambda_handler(request: Request, tenant: Tenant) -> Answer:
    query = request.query()
    page = leads.list_leads(tenant, page_request(query), lead_filter(query))
    metrics.add_metric(name="LeadsListed", unit=MetricUnit.Count, value=1)
    return Answer(200, page)

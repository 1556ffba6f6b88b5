"""GET /api/crm/webhook_endpoint: the caller's webhook endpoints, newest first (no secrets)."""

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from leads_domain.event_settings import get_event_settings
from leads_domain.http.answers import Answer
from leads_domain.http.event_parameters import ENDPOINT_LIST_PARAMETERS, cursor_page_request
from leads_domain.http.operation import api_operation
from leads_domain.http.request import Request
from leads_domain.logic import webhook_endpoints
from leads_domain.observability import logger, metrics, tracer
from leads_domain.tenancy import Tenant

get_event_settings()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
@api_operation
def lambda_handler(request: Request, tenant: Tenant) -> Answer:
    page = cursor_page_request(request.query_lists(), ENDPOINT_LIST_PARAMETERS)
    answer = webhook_endpoints.list_page(tenant, page)
    metrics.add_metric(name="WebhookEndpointsListed", unit=MetricUnit.Count, value=1)
    return Answer(200, answer)

"""DELETE /api/crm/webhook_endpoint/{id}: no more deliveries to it, queued ones included."""

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from leads_domain.event_settings import get_event_settings
from leads_domain.http.answers import Answer
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
    deleted = webhook_endpoints.delete(tenant, request.path_id)
    metrics.add_metric(name="WebhookEndpointDeleted", unit=MetricUnit.Count, value=1)
    return Answer(200, deleted)

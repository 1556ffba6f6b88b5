"""GET /api/crm/event: the caller's events, newest first, by cursor, filtered by type or lead."""

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from leads_domain.event_settings import get_event_settings
from leads_domain.http.answers import Answer
from leads_domain.http.event_parameters import event_page_request
from leads_domain.http.operation import api_operation
from leads_domain.http.request import Request
from leads_domain.logic import event_feed
from leads_domain.observability import logger, metrics, tracer
from leads_domain.tenancy import Tenant

get_event_settings()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
@api_operation
def lambda_handler(request: Request, tenant: Tenant) -> Answer:
    page = event_feed.list_events(tenant, event_page_request(request.query_lists()))
    metrics.add_metric(name="EventsListed", unit=MetricUnit.Count, value=1)
    return Answer(200, page)

"""GET /api/crm/lead: the caller's leads, newest first, with limit and offset."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from leads_domain import logic
from leads_domain.http_api import caller_tenant, create_resolver, json_response, query_parameters

logger, tracer, metrics = Logger(), Tracer(), Metrics()
app = create_resolver()


@app.get("/api/crm/lead")
@tracer.capture_method
def list_leads():
    page = logic.list_leads(caller_tenant(app), query_parameters(app))
    metrics.add_metric(name="LeadsListed", unit=MetricUnit.Count, value=1)
    return json_response(200, page)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event, context):
    return app.resolve(event, context)

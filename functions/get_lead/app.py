"""GET /api/crm/lead/{id}: one lead of the caller's tenant."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from leads_domain import logic
from leads_domain.http_api import caller_tenant, create_resolver, lead_response, path_id

logger, tracer, metrics = Logger(), Tracer(), Metrics()
app = create_resolver()


@app.get("/api/crm/lead/<id>")
@tracer.capture_method
def get_lead(id: str):
    lead = logic.get_lead(caller_tenant(app), path_id(app))
    metrics.add_metric(name="LeadRead", unit=MetricUnit.Count, value=1)
    return lead_response(200, lead)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event, context):
    return app.resolve(event, context)

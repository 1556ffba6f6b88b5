"""POST /api/crm/lead: create a lead and answer it with 201."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from leads_domain import logic
from leads_domain.http_api import caller_tenant, create_resolver, json_body, lead_response

logger, tracer, metrics = Logger(), Tracer(), Metrics()
app = create_resolver()


@app.post("/api/crm/lead")
@tracer.capture_method
def create_lead():
    idempotency_key = app.current_event.headers.get("Idempotency-Key")
    lead = logic.create_lead(
        caller_tenant(app), json_body(app), idempotency_key, app.lambda_context
    )
    metrics.add_metric(name="LeadCreated", unit=MetricUnit.Count, value=1)
    return lead_response(201, lead)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event, context):
    return app.resolve(event, context)

"""Which API Gateway the `leads` CLI provisions tenants in, and with which ids: a deployed stack's
(its outputs name the REST API, stage and usage plans) or the local run's, which answers API
Gateway's management calls itself (management_api.py)."""

import os
from dataclasses import dataclass

from leads_cli import template as template_module
from leads_cli.failures import CommandError
from leads_cli.management_api import PREFIX
from leads_cli.proxy_event import API_ID
from leads_domain.container import forget_all
from leads_domain.data import api_gateway

# The environment variable botocore reads for API Gateway's endpoint.
ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_API_GATEWAY"


@dataclass(frozen=True)
class GatewayTarget:
    rest_api_id: str
    stage: str
    # The template's usage plans (logical id) -> their ids in this API Gateway.
    plan_ids: dict[str, str]

    def api_key_name(self, account: str, mode: str) -> str:
        """The name of a tenant's API Gateway API key: one per tenant, per API and stage, so
        that it can be found again by name."""
        return f"leads/{self.rest_api_id}/{self.stage}/{account}/{mode}"


def usage_plan_ids() -> list[str]:
    """The template's usage plans, by logical id."""
    return sorted(template_module.load().usage_plans)


def from_stack(stack: str, outputs: dict[str, str]) -> GatewayTarget:
    wanted = ["RestApiId", "StageName", *(f"{plan}Id" for plan in usage_plan_ids())]
    missing = [name for name in wanted if name not in outputs]
    if missing:
        raise CommandError(
            f"stack {stack} has no {', '.join(missing)} output: deploy this version first"
        )
    return GatewayTarget(
        outputs["RestApiId"],
        outputs["StageName"],
        {plan: outputs[f"{plan}Id"] for plan in usage_plan_ids()},
    )


def local(gateway_url: str) -> GatewayTarget:
    """The local run at ``gateway_url`` (as `leads serve` prints it): its usage plans are named
    by their logical ids, as its tables are."""
    os.environ[ENDPOINT_VARIABLE] = gateway_url.rstrip("/") + PREFIX
    forget_all()
    plans = usage_plan_ids()
    return GatewayTarget(API_ID, template_module.load().stage, {plan: plan for plan in plans})


def flush(target: GatewayTarget) -> None:
    """Drop the stage's cached authorizer answers: every key is authorized afresh on its next
    request (a revoked key refused, a key given a usage plan key metered)."""
    api_gateway.flush_authorizer_cache(target.rest_api_id, target.stage)

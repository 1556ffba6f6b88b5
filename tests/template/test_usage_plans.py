"""template.yaml's per-tenant rate limits and scoped keys: usage plans metered by the key the
authorizer returns, every method but the preflights metered, the stage throttle above the
plans, 429 with Retry-After, API Gateway's answers naming what a restricted key may do, the
authorizer's least privilege, and the outputs `leads keys --stack` needs."""

import re
from typing import Any

import pytest

from leads_cli import template as template_module
from leads_cli.tenant_limits import DEFAULT_PLANS, PLANS
from leads_domain import scopes
from support.sam_translation import translated

RAW = template_module.read_raw()
RESOURCES: dict[str, Any] = RAW["Resources"]
PARAMETERS: dict[str, Any] = RAW["Parameters"]
(API_ID, API) = next(
    (name, spec) for name, spec in RESOURCES.items() if spec["Type"] == "AWS::Serverless::Api"
)
PLAN_RESOURCES = {
    name: spec for name, spec in RESOURCES.items() if spec["Type"] == "AWS::ApiGateway::UsagePlan"
}
# Stripe's published limits, per tenant: requests per second and burst.
STRIPE_LIMITS = {"TestModeUsagePlan": (25, 50), "LiveModeUsagePlan": (100, 200)}


def default(value: Any) -> float:
    """A parameter's default, for a !Ref to it."""
    assert list(value) == ["Ref"], value
    return float(PARAMETERS[value["Ref"]]["Default"])


def gateway_response(response_type: str) -> dict[str, Any]:
    (found,) = [
        spec["Properties"]
        for spec in RESOURCES.values()
        if spec["Type"] == "AWS::ApiGateway::GatewayResponse"
        and spec["Properties"]["ResponseType"] == response_type
    ]
    return found


def api_events() -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{function}.{name}", event["Properties"])
        for function, spec in RESOURCES.items()
        if spec["Type"] == "AWS::Serverless::Function"
        for name, event in spec["Properties"].get("Events", {}).items()
    ]


def test_the_api_meters_requests_by_the_key_the_authorizer_returns():
    assert API["Properties"]["ApiKeySourceType"] == "AUTHORIZER"
    assert template_module.load().api_key_source == "AUTHORIZER"


def test_every_method_but_the_preflights_requires_an_api_key():
    assert API["Properties"]["Auth"]["ApiKeyRequired"] is True
    for where, properties in api_events():
        required = properties.get("Auth", {}).get("ApiKeyRequired", True)
        # A browser's preflight carries no key, and no authorizer runs to name one.
        assert required is (properties["Method"].lower() != "options"), where
    for route in template_module.load().routes:
        assert route.api_key_required is (route.method != "OPTIONS"), route


def test_every_usage_plan_meters_the_apis_stage_at_its_parameters():
    assert set(PLAN_RESOURCES) == {"TestModeUsagePlan", "LiveModeUsagePlan", "LargeUsagePlan"}
    for name, spec in PLAN_RESOURCES.items():
        properties = spec["Properties"]
        assert properties["ApiStages"] == [
            {"ApiId": {"Ref": API_ID}, "Stage": {"Ref": f"{API_ID}.Stage"}}
        ], name
        assert set(properties["Throttle"]) == {"RateLimit", "BurstLimit"}, name
        assert "Quota" not in properties, f"{name}: a quota needs a QUOTA_EXCEEDED response"
    for name, (rate, burst) in STRIPE_LIMITS.items():
        throttle = PLAN_RESOURCES[name]["Properties"]["Throttle"]
        assert (default(throttle["RateLimit"]), default(throttle["BurstLimit"])) == (rate, burst)
    large = PLAN_RESOURCES["LargeUsagePlan"]["Properties"]["Throttle"]
    live = PLAN_RESOURCES["LiveModeUsagePlan"]["Properties"]["Throttle"]
    assert default(large["RateLimit"]) > default(live["RateLimit"])
    assert default(large["BurstLimit"]) > default(live["BurstLimit"])


def test_the_local_run_reads_the_same_plans():
    plans = template_module.load().usage_plans
    assert set(plans) == set(PLAN_RESOURCES)
    overridden = template_module.load(overrides=(("TestModeRateLimit", "3"),)).usage_plans
    assert overridden["TestModeUsagePlan"].throttle.rate == 3
    assert plans["LiveModeUsagePlan"].throttle.burst == 200


def test_the_stage_throttle_is_a_safety_net_above_every_usage_plan():
    (setting,) = API["Properties"]["MethodSettings"]
    assert (setting["ResourcePath"], setting["HttpMethod"]) == ("/*", "*")
    for name, spec in PLAN_RESOURCES.items():
        throttle = spec["Properties"]["Throttle"]
        assert default(setting["ThrottlingRateLimit"]) > default(throttle["RateLimit"]), name
        assert default(setting["ThrottlingBurstLimit"]) > default(throttle["BurstLimit"]), name


def test_every_429_api_gateway_answers_carries_retry_after():
    throttled = gateway_response("THROTTLED")
    assert throttled["StatusCode"] == "429"
    retry_after = throttled["ResponseParameters"]["gatewayresponse.header.Retry-After"]
    assert re.fullmatch(r"'[1-9]\d*'", retry_after), retry_after


def test_a_refused_restricted_key_is_told_what_every_restricted_scope_may_do():
    # The response cannot see the key's scope: it must be true of every restricted key.
    denied = gateway_response("ACCESS_DENIED")
    message = denied["ResponseTemplates"]["application/json"]
    assert denied["StatusCode"] == "403" and '"type": "permission_error"' in message
    assert "rk_test_" in message and "rk_live_" in message
    for name in scopes.RESTRICTED_SCOPES:
        assert scopes.SCOPES[name].description in message, name


def test_a_key_api_gateway_cannot_meter_is_a_403_saying_so():
    invalid = gateway_response("INVALID_API_KEY")
    message = invalid["ResponseTemplates"]["application/json"]
    assert invalid["StatusCode"] == "403" and '"code": "api_key_not_provisioned"' in message


def test_the_cli_knows_every_usage_plan_and_a_default_for_each_mode():
    assert {plan.logical_id for plan in PLANS.values()} == set(PLAN_RESOURCES)
    for mode, plan in DEFAULT_PLANS.items():
        assert mode in PLANS[plan].modes


def test_the_stack_outputs_what_leads_keys_stack_needs():
    outputs = RAW["Outputs"]
    assert outputs["RestApiId"]["Value"] == {"Ref": API_ID}
    assert outputs["StageName"]["Value"] == {"Ref": f"{API_ID}.Stage"}
    for name in PLAN_RESOURCES:
        assert outputs[f"{name}Id"]["Value"] == {"Ref": name}


def test_the_authorizer_may_only_read_keys_and_no_function_may_manage_api_gateway():
    authorizer = RESOURCES["AuthorizerFunction"]["Properties"]
    (statement,) = [s for policy in authorizer["Policies"] for s in policy["Statement"]]
    assert statement == {
        "Effect": "Allow",
        "Action": ["dynamodb:GetItem"],
        "Resource": {"Fn::GetAtt": ["ApiKeysTable", "Arn"]},
    }
    for name, spec in RESOURCES.items():
        if spec["Type"] == "AWS::Serverless::Function":
            assert "apigateway" not in str(spec["Properties"].get("Policies", [])).lower(), name


@pytest.mark.sam
def test_sam_makes_every_authorized_method_require_the_authorizers_api_key():
    resources = translated()["Resources"]
    (rest_api,) = [r for r in resources.values() if r["Type"] == "AWS::ApiGateway::RestApi"]
    assert rest_api["Properties"]["ApiKeySourceType"] == "AUTHORIZER"
    for path, methods in rest_api["Properties"]["Body"]["paths"].items():
        for method, operation in methods.items():
            security = operation.get("security")
            if method == "options":
                assert security == [], path
            else:
                assert {"api_key": []} in security and {"BearerKeyAuthorizer": []} in security
    stages = {n for n, r in resources.items() if r["Type"] == "AWS::ApiGateway::Stage"}
    for name in PLAN_RESOURCES:
        (api_stage,) = resources[name]["Properties"]["ApiStages"]
        # A reference to the stage resource: CloudFormation makes the stage first.
        assert api_stage["Stage"]["Ref"] in stages, name

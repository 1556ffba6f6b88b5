"""template.yaml's operations: access logs, log retention, alarms (with an optional SNS topic),
the dashboard, gradual deployments, SnapStart, the Architecture parameter and the authorizer's
reserved concurrency.

Each check goes over EVERY function, route, table and log group the template has, so that one
added without its operations fails here (README: "Adding a function")."""

import json
import re
import tomllib
from typing import Any

import pytest

from leads_cli.template import PROJECT_ROOT
from support import cloudformation as cfn
from support.events import authorizer_event
from support.functions import authorize

RAW = cfn.raw()
PARAMETERS: dict[str, Any] = RAW["Parameters"]
CONDITIONS: dict[str, Any] = RAW["Conditions"]
RESOURCES = cfn.resources()
FUNCTIONS = cfn.functions()
ALARMS = cfn.resources_of("AWS::CloudWatch::Alarm")
LOG_GROUPS = cfn.resources_of("AWS::Logs::LogGroup")
TABLES = cfn.resources_of("AWS::DynamoDB::Table")
(API_ID, API) = next(iter(cfn.resources_of("AWS::Serverless::Api").items()))
ALIAS = "live"
NO_VALUE = cfn.ref("AWS::NoValue")


def alarms_on(namespace: str, metric: str, **dimensions: Any) -> list[str]:
    """Alarms watching this one metric with exactly these dimensions."""
    return [
        name
        for name, alarm in ALARMS.items()
        if alarm["Properties"].get("Namespace") == namespace
        and alarm["Properties"].get("MetricName") == metric
        and cfn.dimensions(alarm["Properties"]) == dimensions
    ]


def api_dimensions() -> dict[str, Any]:
    """ApiName and Stage, as API Gateway names the REST API's metrics."""
    return {"ApiName": API["Properties"]["Name"], "Stage": cfn.ref("Stage")}


def function_dimensions(function: str) -> dict[str, Any]:
    """The function's metrics through its alias, which is what API Gateway invokes."""
    return {
        "FunctionName": cfn.ref(function),
        "Resource": {"Fn::Sub": f"${{{function}}}:{ALIAS}"},
    }


def one(found: list[str], what: str) -> str:
    assert len(found) == 1, f"{what}: expected one alarm, found {found}"
    return found[0]


def is_authorized(method: str) -> bool:
    # Preflights answer browsers without a key and read nothing: their function's own error
    # and throttle alarms cover them.
    return method != "OPTIONS"


# --- logs -------------------------------------------------------------------------------------


def test_every_log_group_keeps_logs_for_the_retention_parameter():
    parameter = PARAMETERS["LogRetentionDays"]
    assert parameter["Default"] == 30
    assert 30 in parameter["AllowedValues"] and 365 in parameter["AllowedValues"]
    assert LOG_GROUPS
    for name, group in LOG_GROUPS.items():
        assert group["Properties"]["RetentionInDays"] == cfn.ref("LogRetentionDays"), name


def test_every_function_logs_to_a_log_group_of_its_own_that_the_stack_owns():
    groups = {}
    for function in FUNCTIONS:
        config = cfn.function_properties(function).get("LoggingConfig", {})
        group = config.get("LogGroup")
        assert group is not None and list(group) == ["Ref"], f"{function}: LoggingConfig.LogGroup"
        assert group["Ref"] in LOG_GROUPS, f"{function} logs to {group}, not a stack log group"
        groups[function] = group["Ref"]
    assert len(set(groups.values())) == len(groups), f"one log group per function: {groups}"


def access_log_format() -> dict[str, str]:
    setting = API["Properties"]["AccessLogSetting"]
    destination = setting["DestinationArn"]
    assert destination == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    assert "ApiAccessLogGroup" in LOG_GROUPS
    return dict(json.loads(setting["Format"]))


# What the access log must say about each request, and the $context variable that says it.
ACCESS_LOG_FIELDS = {
    "request_id": "$context.requestId",
    "account": "$context.authorizer.account",
    "mode": "$context.authorizer.mode",
    "key_id": "$context.authorizer.key_id",
    "method": "$context.httpMethod",
    "route": "$context.resourcePath",
    "status": "$context.status",
    "latency_ms": "$context.responseLatency",
    "integration_latency_ms": "$context.integrationLatency",
    "source_ip": "$context.identity.sourceIp",
}
# API Gateway's own variables the format may use (anything else is a typo that logs nothing).
KNOWN_CONTEXT = {
    *ACCESS_LOG_FIELDS.values(),
    "$context.requestTime",
    "$context.path",
    "$context.authorizer.latency",
    "$context.responseLength",
    "$context.identity.userAgent",
    "$context.error.responseType",
    "$context.stage",
}


def test_access_logs_are_one_json_line_per_request_with_every_field():
    fields = access_log_format()
    assert {name: fields.get(name) for name in ACCESS_LOG_FIELDS} == ACCESS_LOG_FIELDS
    for name, value in fields.items():
        assert re.fullmatch(r"\$context\.[A-Za-z_.]+", value), (name, value)
        if not value.startswith("$context.authorizer."):
            assert value in KNOWN_CONTEXT, f"{name}: {value} is not an API Gateway variable"


def test_access_logs_take_the_tenant_and_key_from_what_the_authorizer_answers(make_key):
    # Given the authorizer's answer for a working key
    key = make_key("acct_logs", "live")
    answer = authorize(authorizer_event(f"Bearer {key}"))
    # Then every $context.authorizer.* the access log reads is a key of its context
    wanted = {
        value.removeprefix("$context.authorizer.")
        for value in access_log_format().values()
        if value.startswith("$context.authorizer.")
    } - {"latency", "integrationLatency"}  # API Gateway's own, not the context's
    assert wanted == {"account", "mode", "key_id"}
    assert wanted <= set(answer["context"])
    assert answer["context"]["account"] == "acct_logs"


def test_api_gateway_may_log_through_the_accounts_cloudwatch_role():
    # The stage is created only once the account's role is set.
    assert API["DependsOn"] in ("ApiGatewayAccount", ["ApiGatewayAccount"])
    account = RESOURCES["ApiGatewayAccount"]
    assert account["Type"] == "AWS::ApiGateway::Account"
    assert account["Properties"]["CloudWatchRoleArn"] == {
        "Fn::If": [
            "CreateApiGatewayCloudWatchRole",
            {"Fn::GetAtt": ["ApiGatewayCloudWatchRole", "Arn"]},
            cfn.ref("ApiGatewayCloudWatchRoleArn"),
        ]
    }
    assert CONDITIONS["CreateApiGatewayCloudWatchRole"] == {
        "Fn::Equals": [cfn.ref("ApiGatewayCloudWatchRoleArn"), ""]
    }
    assert PARAMETERS["ApiGatewayCloudWatchRoleArn"]["Default"] == ""
    role = RESOURCES["ApiGatewayCloudWatchRole"]
    assert role["Condition"] == "CreateApiGatewayCloudWatchRole"
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "apigateway.amazonaws.com"}
    (policy,) = role["Properties"]["ManagedPolicyArns"]
    assert str(policy["Fn::Sub"]).endswith("service-role/AmazonAPIGatewayPushToCloudWatchLogs")
    # Account-wide: deleting this stack must not stop every other API of the account logging.
    for resource in (account, role):
        assert resource["DeletionPolicy"] == resource["UpdateReplacePolicy"] == "Retain"


# --- alarms -----------------------------------------------------------------------------------


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_every_function_has_error_and_throttle_alarms_on_its_alias(function):
    for metric in ("Errors", "Throttles"):
        name = one(
            alarms_on("AWS/Lambda", metric, **function_dimensions(function)),
            f"{function} {metric}",
        )
        alarm = ALARMS[name]["Properties"]
        assert alarm["Statistic"] == "Sum" and alarm["Threshold"] == 0
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold"


AUTHORIZED_ROUTES = [route for route in cfn.api_routes() if is_authorized(route[2])]


@pytest.mark.parametrize(
    ("function", "event", "method", "path"), AUTHORIZED_ROUTES, ids=lambda value: str(value)
)
def test_every_route_has_a_p99_latency_alarm(function, event, method, path):
    name = one(
        alarms_on("AWS/ApiGateway", "Latency", **api_dimensions(), Method=method, Resource=path),
        f"{method} {path}",
    )
    alarm = ALARMS[name]["Properties"]
    assert alarm["ExtendedStatistic"] == "p99"
    assert alarm["Threshold"] == cfn.ref("LatencyAlarmMilliseconds")


def test_per_route_metrics_are_on_so_the_route_alarms_have_data():
    (settings,) = API["Properties"]["MethodSettings"]
    assert settings["ResourcePath"] == "/*" and settings["HttpMethod"] == "*"
    assert settings["MetricsEnabled"] is True
    # A canary's new versions start cold: the threshold must stay above a cold start.
    assert PARAMETERS["LatencyAlarmMilliseconds"]["Default"] >= 2000


def test_the_api_5xx_rate_has_an_alarm():
    name = one(alarms_on("AWS/ApiGateway", "5XXError", **api_dimensions()), "5xx rate")
    alarm = ALARMS[name]["Properties"]
    # The average of 5XXError is the share of requests answered 5xx.
    assert alarm["Statistic"] == "Average"
    assert 0 < alarm["Threshold"] <= 0.1


def test_429s_are_counted_from_the_access_log_and_have_an_alarm():
    (name, metric_filter) = next(iter(cfn.resources_of("AWS::Logs::MetricFilter").items()))
    properties = metric_filter["Properties"]
    assert properties["LogGroupName"] == cfn.ref("ApiAccessLogGroup")
    fields = access_log_format()
    assert fields["status"] == "$context.status" and fields["stage"] == "$context.stage"
    assert properties["FilterPattern"] == '{ $.status = "429" }'
    (transformation,) = properties["MetricTransformations"]
    assert transformation["Dimensions"] == [{"Key": "stage", "Value": "$.stage"}]
    counted = (transformation["MetricNamespace"], transformation["MetricName"])
    # Some alarm divides that count by the API's requests.
    for alarm in ALARMS.values():
        stats = {
            query["Id"]: query["MetricStat"]["Metric"]
            for query in alarm["Properties"].get("Metrics", [])
            if "MetricStat" in query
        }
        by_metric = {(m["Namespace"], m["MetricName"]): i for i, m in stats.items()}
        if counted in by_metric and ("AWS/ApiGateway", "Count") in by_metric:
            throttled, requests = by_metric[counted], by_metric[("AWS/ApiGateway", "Count")]
            assert cfn.dimensions(stats[throttled]) == {"stage": cfn.ref("Stage")}
            assert cfn.dimensions(stats[requests]) == api_dimensions()
            (expression,) = [
                q["Expression"] for q in alarm["Properties"]["Metrics"] if "Expression" in q
            ]
            assert re.fullmatch(rf"(FILL\({throttled}, 0\)|{throttled}) / {requests}", expression)
            return
    raise AssertionError(f"no alarm on the share of requests {name} counts")


def table_grants(table: str) -> set[str]:
    operations = set()
    for function in FUNCTIONS:
        for policy in FUNCTIONS[function]["Properties"].get("Policies", []):
            for statement in policy.get("Statement", []):
                actions = statement["Action"]
                resources = statement["Resource"]
                resources = resources if isinstance(resources, list) else [resources]
                if any(_on_table(resource, table) for resource in resources):
                    actions = [actions] if isinstance(actions, str) else actions
                    operations |= {action.removeprefix("dynamodb:") for action in actions}
    if operations & {"PutItem", "UpdateItem", "DeleteItem"}:
        operations.add("TransactWriteItems")
    return operations


def _on_table(resource: Any, table: str) -> bool:
    if resource == {"Fn::GetAtt": [table, "Arn"]}:
        return True
    return isinstance(resource, dict) and str(resource.get("Fn::Sub", "")).startswith(
        f"${{{table}.Arn}}"
    )


def summed_operations(alarm: dict[str, Any], metric: str, table: str) -> set[str]:
    """The operations whose `metric` the alarm sums for the table (none if it watches
    something else)."""
    queries = alarm["Properties"].get("Metrics", [])
    stats = [query for query in queries if "MetricStat" in query]
    operations = set()
    for query in stats:
        found = query["MetricStat"]["Metric"]
        dims = cfn.dimensions(found)
        if (found["Namespace"], found["MetricName"]) != ("AWS/DynamoDB", metric) or dims.get(
            "TableName"
        ) != cfn.ref(table):
            return set()
        assert query["MetricStat"]["Stat"] == "Sum" and query["ReturnData"] is False
        operations.add(dims["Operation"])
    (expression,) = [query["Expression"] for query in queries if "Expression" in query]
    assert expression == "SUM(FILL(METRICS(), 0))"
    # CloudWatch allows ten metrics in an alarm's expression.
    assert len(stats) <= 10, "split the alarm: at most 10 metrics"
    return operations


@pytest.mark.parametrize("metric", ["ThrottledRequests", "SystemErrors"])
@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_table_has_an_alarm_over_every_operation_the_functions_call(table, metric):
    served = table_grants(table)
    assert served, f"{table}: no function uses it?"
    watched = [
        name
        for name, alarm in ALARMS.items()
        if "Metrics" in alarm["Properties"] and summed_operations(alarm, metric, table)
    ]
    name = one(watched, f"{table} {metric}")
    assert summed_operations(ALARMS[name], metric, table) >= served


def test_every_dead_letter_queue_has_a_depth_alarm():
    for queue in dead_letter_queues():
        one(
            alarms_on(
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                QueueName={"Fn::GetAtt": [queue, "QueueName"]},
            ),
            f"{queue} depth",
        )


def stream_consumers() -> set[str]:
    """Functions reading a stream: through SAM's DynamoDB or Kinesis events, or an event
    source mapping of their own."""
    consumers = {
        function
        for function in FUNCTIONS
        if any(
            event["Type"] in ("DynamoDB", "Kinesis")
            for event in FUNCTIONS[function]["Properties"].get("Events", {}).values()
        )
    }
    for mapping in cfn.resources_of("AWS::Lambda::EventSourceMapping").values():
        properties = mapping["Properties"]
        if properties["EventSourceArn"].get("Fn::GetAtt", [None, None])[1] == "StreamArn":
            consumers.add(str(properties["FunctionName"]["Ref"]).removesuffix(".Alias"))
    return consumers


def test_every_stream_consumer_has_an_iterator_age_alarm():
    for function in stream_consumers():
        one(
            alarms_on("AWS/Lambda", "IteratorAge", **function_dimensions(function)),
            f"{function} iterator age",
        )


def test_event_source_mappings_invoke_the_alias_so_new_versions_deploy_gradually():
    mappings = cfn.resources_of("AWS::Lambda::EventSourceMapping")
    for name, mapping in mappings.items():
        target = mapping["Properties"]["FunctionName"]
        assert list(target) == ["Ref"] and target["Ref"].endswith(".Alias"), name
        assert target["Ref"].removesuffix(".Alias") in FUNCTIONS, name


def test_every_alarm_notifies_the_optional_topic_when_it_fires_and_recovers():
    assert PARAMETERS["AlarmTopicArn"]["Default"] == ""
    assert CONDITIONS["HasAlarmTopic"] == {
        "Fn::Not": [{"Fn::Equals": [cfn.ref("AlarmTopicArn"), ""]}]
    }
    notify = {"Fn::If": ["HasAlarmTopic", [cfn.ref("AlarmTopicArn")], NO_VALUE]}
    for name, alarm in ALARMS.items():
        properties = alarm["Properties"]
        assert properties["AlarmActions"] == properties["OKActions"] == notify, name
        # A quiet API is a healthy one.
        assert properties["TreatMissingData"] == "notBreaching", name
    pattern = PARAMETERS["AlarmTopicArn"]["AllowedPattern"]
    assert re.fullmatch(pattern, "")
    assert re.fullmatch(pattern, "arn:aws:sns:eu-west-1:123456789012:leads-alarms")
    assert not re.fullmatch(pattern, "leads-alarms")


# --- the dashboard ----------------------------------------------------------------------------


def dashboard() -> dict[str, Any]:
    (board,) = cfn.resources_of("AWS::CloudWatch::Dashboard").values()
    body = board["Properties"]["DashboardBody"]["Fn::Sub"]
    # ${Resource} -> Resource, ${Resource.Arn} -> Resource.Arn: names stand for the values.
    return dict(json.loads(re.sub(r"\$\{([A-Za-z0-9:.]+)\}", r"\1", body)))


def dashboard_metrics() -> tuple[set[tuple[str, str, frozenset[tuple[str, str]]]], list[str]]:
    """Every metric a dashboard widget plots (namespace, name, dimensions) and every
    expression."""
    metrics, expressions = set(), []
    for widget in dashboard()["widgets"]:
        for line in widget["properties"].get("metrics", []):
            if isinstance(line[-1], dict) and "expression" in line[-1]:
                expressions.append(line[-1]["expression"])
                continue
            values = [v for v in line if not isinstance(v, dict)]
            pairs = frozenset(zip(values[2::2], values[3::2], strict=True))
            metrics.add((values[0], values[1], pairs))
    return metrics, expressions


def test_the_dashboard_shows_every_alarm():
    (alarm_widget,) = [w for w in dashboard()["widgets"] if w["type"] == "alarm"]
    assert sorted(alarm_widget["properties"]["alarms"]) == sorted(f"{a}.Arn" for a in ALARMS)


def test_the_dashboard_plots_every_functions_errors_throttles_and_duration():
    metrics, _ = dashboard_metrics()
    for function in FUNCTIONS:
        dims = frozenset({("FunctionName", function), ("Resource", f"{function}:{ALIAS}")})
        for metric in ("Errors", "Throttles", "Duration"):
            assert ("AWS/Lambda", metric, dims) in metrics, (function, metric)


def test_the_dashboard_plots_the_api_and_every_routes_latency():
    metrics, _ = dashboard_metrics()
    api = {("ApiName", "leads-api-Stage"), ("Stage", "Stage")}
    for metric in ("Count", "4XXError", "5XXError"):
        assert ("AWS/ApiGateway", metric, frozenset(api)) in metrics, metric
    assert ("LeadsApi", "ThrottledRequests", frozenset({("stage", "Stage")})) in metrics
    for _, _, method, path in AUTHORIZED_ROUTES:
        dims = frozenset(api | {("Method", method), ("Resource", path)})
        assert ("AWS/ApiGateway", "Latency", dims) in metrics, (method, path)


def dead_letter_queues() -> set[str]:
    """Queues that catch what failed (an SQS redrive target or an on-failure destination)."""
    found = set()
    for name, resource in RESOURCES.items():
        text = json.dumps(resource.get("Properties", {}))
        for queue in cfn.resources_of("AWS::SQS::Queue"):
            if queue != name and re.search(
                rf'"(deadLetterTargetArn|Destination|TargetArn)":\s*\{{"Fn::GetAtt": \["{queue}"',
                text,
            ):
                found.add(queue)
    return found


def test_the_dashboard_plots_every_dead_letter_queues_depth_and_stream_iterator_age():
    metrics, _ = dashboard_metrics()
    for queue in dead_letter_queues():
        dims = frozenset({("QueueName", f"{queue}.QueueName")})
        assert ("AWS/SQS", "ApproximateNumberOfMessagesVisible", dims) in metrics, queue
    for function in stream_consumers():
        dims = frozenset({("FunctionName", function), ("Resource", f"{function}:{ALIAS}")})
        assert ("AWS/Lambda", "IteratorAge", dims) in metrics, function


def test_the_dashboard_plots_every_tables_throttles_and_system_errors():
    _, expressions = dashboard_metrics()
    for table in TABLES:
        for metric in ("ThrottledRequests", "SystemErrors"):
            wanted = f'MetricName="{metric}" TableName="{table}"'
            assert any(wanted in expression for expression in expressions), (table, metric)


# --- gradual deployments ----------------------------------------------------------------------


def test_deployments_are_canaries_by_default_and_all_at_once_for_dev():
    parameter = PARAMETERS["DeploymentType"]
    assert parameter["Default"] == "Canary10Percent5Minutes"
    assert "AllAtOnce" in parameter["AllowedValues"]
    config = tomllib.loads((PROJECT_ROOT / "samconfig.toml").read_text())
    for environment in ("default", "dev"):
        overrides = config[environment]["deploy"]["parameters"]["parameter_overrides"]
        assert "DeploymentType=AllAtOnce" in overrides.split(), environment
    assert "DeploymentType" not in config["prod"]["deploy"]["parameters"]["parameter_overrides"]


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_every_function_rolls_out_through_its_alias_and_rolls_back_on_its_alarms(function):
    properties = cfn.function_properties(function)
    assert properties["AutoPublishAlias"] == ALIAS
    preference = properties["DeploymentPreference"]
    assert preference["Type"] == cfn.ref("DeploymentType")
    assert preference.get("Enabled", True) is True
    rollback = {alarm["Ref"] for alarm in preference["Alarms"]}
    wanted = {
        one(alarms_on("AWS/Lambda", metric, **function_dimensions(function)), metric)
        for metric in ("Errors", "Throttles")
    }
    wanted |= {
        one(
            alarms_on("AWS/ApiGateway", "Latency", **api_dimensions(), Method=m, Resource=p),
            f"{m} {p}",
        )
        for owner, _, m, p in AUTHORIZED_ROUTES
        if owner == function
    }
    # A handler answers an unexpected error with a 500 (no Lambda error): the 5xx rate too.
    wanted.add(one(alarms_on("AWS/ApiGateway", "5XXError", **api_dimensions()), "5xx"))
    assert rollback >= wanted, f"{function} does not roll back on {wanted - rollback}"


def test_the_authorizer_is_invoked_through_its_alias():
    authorizer = API["Properties"]["Auth"]["Authorizers"]["BearerKeyAuthorizer"]
    assert authorizer["FunctionArn"] == cfn.ref("AuthorizerFunction.Alias")


# --- SnapStart, Architecture, reserved concurrency --------------------------------------------


def test_snapstart_is_an_opt_in_parameter_for_every_function():
    parameter = PARAMETERS["SnapStart"]
    assert parameter["Default"] == "None"
    assert set(parameter["AllowedValues"]) == {"None", "PublishedVersions"}
    for function in FUNCTIONS:
        properties = cfn.function_properties(function)
        assert properties["SnapStart"] == {"ApplyOn": cfn.ref("SnapStart")}, function
        # SnapStart restores published versions only: the alias is what API Gateway calls.
        assert properties["AutoPublishAlias"] == ALIAS


def test_the_architecture_parameter_sets_every_function_and_the_layers_build():
    parameter = PARAMETERS["Architecture"]
    assert parameter["Default"] == "x86_64"
    assert set(parameter["AllowedValues"]) == {"x86_64", "arm64"}
    for function in FUNCTIONS:
        assert cfn.function_properties(function)["Architectures"] == [cfn.ref("Architecture")]
    for name, layer in cfn.resources_of("AWS::Serverless::LayerVersion").items():
        assert layer["Properties"]["CompatibleArchitectures"] == [cfn.ref("Architecture")], name
        # sam build resolves it from --parameter-overrides: wheels for that architecture.
        assert layer["Metadata"]["BuildArchitecture"] == cfn.ref("Architecture"), name


def test_queue_consumers_concurrency_is_bounded_by_a_parameter():
    # A burst of queued work must not take the account's concurrency from the API.
    for name, mapping in cfn.resources_of("AWS::Lambda::EventSourceMapping").items():
        properties = mapping["Properties"]
        if properties["EventSourceArn"]["Fn::GetAtt"][1] != "Arn":
            continue  # a stream: one batch per shard at a time
        bound = properties["ScalingConfig"]["MaximumConcurrency"]
        parameter = PARAMETERS[bound["Ref"]]
        assert parameter["MinValue"] >= 2 and parameter["MaxValue"] <= 1000, name
        assert parameter["MinValue"] <= parameter["Default"] <= 100, name


def test_the_authorizer_alone_reserves_concurrency_from_a_parameter():
    parameter = PARAMETERS["AuthorizerReservedConcurrency"]
    assert parameter["Type"] == "Number" and parameter["Default"] > 0
    assert parameter["MinValue"] == 0
    assert CONDITIONS["ReserveAuthorizerConcurrency"] == {
        "Fn::Not": [{"Fn::Equals": [cfn.ref("AuthorizerReservedConcurrency"), 0]}]
    }
    assert FUNCTIONS["AuthorizerFunction"]["Properties"]["ReservedConcurrentExecutions"] == {
        "Fn::If": [
            "ReserveAuthorizerConcurrency",
            cfn.ref("AuthorizerReservedConcurrency"),
            NO_VALUE,
        ]
    }
    for function in set(FUNCTIONS) - {"AuthorizerFunction"}:
        assert "ReservedConcurrentExecutions" not in cfn.function_properties(function), function

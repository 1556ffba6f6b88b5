"""template.yaml as data: the one source of truth for routes, functions, the authorizer,
gateway responses, usage plans, tables, queues, buses and event source mappings, read by the
local run and by the tests."""

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = PROJECT_ROOT / "template.yaml"
# What !Ref AWS::NoValue leaves: nothing, in the list or mapping that holds it.
_NO_VALUE: Any = object()
# What the local run resolves references to: moto's region and account.
LOCAL_REGION = "us-east-1"
LOCAL_ACCOUNT = "123456789012"
# Where the local run's SQS and EventBridge calls go (a template parameter).
LOCAL_SERVICES_PARAMETER = "LocalServicesEndpointUrl"


class _CloudFormationLoader(yaml.SafeLoader):
    """Reads CloudFormation's short tags (!Ref, !GetAtt, !Sub ...) as their long forms."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_CloudFormationLoader.add_multi_constructor("!", _tag)


@dataclass(frozen=True)
class Route:
    method: str  # upper case
    path: str  # API Gateway resource path, e.g. /api/crm/lead/{id}
    function: str  # logical id
    authorizer: str | None  # logical name in the Api's Authorizers, None for NONE
    api_key_required: bool = False  # metered by a usage plan (Auth.ApiKeyRequired)

    def match(self, path: str) -> dict[str, str] | None:
        """Path parameters if ``path`` is this resource, else None."""
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.path))
        found = re.fullmatch(pattern, path)
        return found.groupdict() if found else None


@dataclass(frozen=True)
class Authorizer:
    name: str
    function: str
    header: str
    validation_expression: str | None
    ttl_seconds: int


@dataclass(frozen=True)
class Throttle:
    """A token bucket's settings: a steady rate (requests per second) and a burst."""

    rate: float
    burst: int


@dataclass(frozen=True)
class UsagePlan:
    """An AWS::ApiGateway::UsagePlan of this API's stage: each API key in it is throttled on
    its own, at the plan's rate and burst."""

    logical_id: str
    name: str
    throttle: Throttle


@dataclass(frozen=True)
class Function:
    logical_id: str
    code_uri: Path
    handler: str  # module.function
    environment: dict[str, str]
    timeout: int
    memory_mb: int


@dataclass(frozen=True)
class EventSourceMapping:
    """An AWS::Lambda::EventSourceMapping: which function reads which stream or queue, how."""

    logical_id: str
    function: str  # logical id
    source: str  # logical id of the table (its stream) or the queue
    kind: str  # "stream" or "queue"
    batch_size: int
    filters: tuple[dict[str, Any], ...]  # FilterCriteria patterns, parsed
    report_item_failures: bool
    bisect_on_error: bool
    maximum_retry_attempts: int  # -1: until the record expires
    on_failure: str | None  # logical id of the on-failure destination queue


@dataclass
class Template:
    raw: dict[str, Any]
    parameters: dict[str, str]
    stage: str = ""
    functions: dict[str, Function] = field(default_factory=dict)
    routes: list[Route] = field(default_factory=list)
    authorizers: dict[str, Authorizer] = field(default_factory=dict)
    gateway_responses: dict[str, dict[str, Any]] = field(default_factory=dict)
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    queues: dict[str, dict[str, Any]] = field(default_factory=dict)
    buses: dict[str, str] = field(default_factory=dict)  # logical id -> bus name
    event_source_mappings: list[EventSourceMapping] = field(default_factory=list)
    # Where a method that requires an API key gets it: HEADER (X-API-Key) or AUTHORIZER.
    api_key_source: str = "HEADER"
    # The stage's own throttle, per method, for every caller together (MethodSettings).
    stage_throttle: Throttle | None = None
    usage_plans: dict[str, UsagePlan] = field(default_factory=dict)

    def resolve(self, value: Any) -> Any:
        """Intrinsic functions, as far as a local run can answer them: a resource's name is its
        logical id, parameters take their defaults (or the overrides given), Fn::If follows
        its condition and AWS::NoValue removes what holds it."""
        if isinstance(value, list):
            return [item for item in map(self.resolve, value) if item is not _NO_VALUE]
        if not isinstance(value, dict):
            return value
        if "Fn::If" in value:
            condition, if_true, if_false = value["Fn::If"]
            return self.resolve(if_true if self.condition(condition) else if_false)
        if "Ref" in value:
            name = value["Ref"]
            if name == "AWS::NoValue":
                return _NO_VALUE
            return self._reference(name)
        if "Fn::GetAtt" in value:
            resource, attribute = value["Fn::GetAtt"]
            return f"arn:aws:local:{LOCAL_REGION}:{LOCAL_ACCOUNT}:{resource}/{attribute}"
        if "Fn::Sub" in value:
            text = value["Fn::Sub"]
            return re.sub(r"\$\{([^}]+)\}", lambda m: str(self.resolve({"Ref": m.group(1)})), text)
        resolved = {key: self.resolve(item) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not _NO_VALUE}

    def condition(self, name: str) -> bool:
        """One of the template's Conditions, with the parameters' values."""
        return self._holds(self.raw.get("Conditions", {})[name])

    def _holds(self, expression: dict[str, Any]) -> bool:
        if "Condition" in expression:
            return self.condition(expression["Condition"])
        if "Fn::Equals" in expression:
            left, right = (str(self.resolve(side)) for side in expression["Fn::Equals"])
            return left == right
        if "Fn::Not" in expression:
            return not self._holds(expression["Fn::Not"][0])
        if "Fn::And" in expression:
            return all(self._holds(part) for part in expression["Fn::And"])
        if "Fn::Or" in expression:
            return any(self._holds(part) for part in expression["Fn::Or"])
        raise ValueError(f"unsupported condition {expression!r}")

    def _reference(self, name: str) -> Any:
        """!Ref: a parameter's value; a queue's URL and a bus's name as the local run makes
        them; any other resource's name, which locally is its logical id."""
        if name in self.parameters:
            return self.parameters[name]
        if name.endswith(".Stage"):  # SAM's reference to an Api's stage
            return self.stage
        pseudo = {"AWS::Region": LOCAL_REGION, "AWS::AccountId": LOCAL_ACCOUNT}
        if name in pseudo:
            return pseudo[name]
        resource = self.raw.get("Resources", {}).get(name, {})
        if resource.get("Type") == "AWS::SQS::Queue":
            return self.queue_url(name)
        if resource.get("Type") == "AWS::Events::EventBus":
            return self.resolve(resource["Properties"]["Name"])
        return name

    def queue_url(self, logical_id: str) -> str:
        """The local URL of the template's queue (named by its logical id)."""
        endpoint = self.parameters.get(LOCAL_SERVICES_PARAMETER) or "http://localhost"
        return f"{endpoint}/{LOCAL_ACCOUNT}/{logical_id}"


def read_raw(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    return yaml.load(path.read_text(), Loader=_CloudFormationLoader)


@cache
def load(path: Path = TEMPLATE_PATH, overrides: tuple[tuple[str, str], ...] = ()) -> Template:
    raw = read_raw(path)
    parameters = {
        name: str(spec.get("Default", "")) for name, spec in raw.get("Parameters", {}).items()
    }
    unknown = set(dict(overrides)) - set(parameters)
    if unknown:
        raise ValueError(f"unknown template parameters: {', '.join(sorted(unknown))}")
    parameters.update(dict(overrides))
    template = Template(raw=raw, parameters=parameters)
    resources = raw["Resources"]
    globals_ = raw.get("Globals", {}).get("Function", {})
    api_key_required = False
    for resource in resources.values():
        if resource["Type"] == "AWS::Serverless::Api":
            _read_api(template, resource.get("Properties", {}))
            api_key_required = bool(resource["Properties"].get("Auth", {}).get("ApiKeyRequired"))
    for logical_id, resource in resources.items():
        kind, properties = resource["Type"], resource.get("Properties", {})
        if kind == "AWS::Serverless::Function":
            _read_function(
                template, path.parent, logical_id, properties, globals_, api_key_required
            )
        elif kind == "AWS::ApiGateway::UsagePlan":
            _read_usage_plan(template, logical_id, template.resolve(properties))
        elif kind == "AWS::ApiGateway::GatewayResponse":
            template.gateway_responses[properties["ResponseType"]] = template.resolve(properties)
        elif kind == "AWS::DynamoDB::Table":
            template.tables[logical_id] = template.resolve(properties)
        elif kind == "AWS::SQS::Queue":
            template.queues[logical_id] = properties
        elif kind == "AWS::Events::EventBus":
            template.buses[logical_id] = template.resolve(properties["Name"])
        elif kind == "AWS::Lambda::EventSourceMapping":
            template.event_source_mappings.append(_event_source_mapping(logical_id, properties))
    default_authorizer = _default_authorizer(resources)
    for route in list(template.routes):
        if route.authorizer == "__default__":
            template.routes.remove(route)
            template.routes.append(
                Route(
                    route.method,
                    route.path,
                    route.function,
                    default_authorizer,
                    route.api_key_required,
                )
            )
    return template


def _read_api(template: Template, properties: dict[str, Any]) -> None:
    template.stage = template.resolve(properties["StageName"])
    template.api_key_source = str(properties.get("ApiKeySourceType", "HEADER"))
    _read_authorizers(template, properties.get("Auth", {}))
    for setting in template.resolve(properties.get("MethodSettings", [])):
        # The one setting for every resource and method: each method's own bucket.
        if setting.get("ResourcePath") == "/*" and setting.get("HttpMethod") == "*":
            template.stage_throttle = Throttle(
                float(setting["ThrottlingRateLimit"]), int(float(setting["ThrottlingBurstLimit"]))
            )


def _read_usage_plan(template: Template, logical_id: str, properties: dict[str, Any]) -> None:
    if not any(stage.get("Stage") == template.stage for stage in properties.get("ApiStages", [])):
        return
    throttle = properties.get("Throttle") or {}
    template.usage_plans[logical_id] = UsagePlan(
        logical_id,
        str(properties.get("UsagePlanName", logical_id)),
        Throttle(float(throttle["RateLimit"]), int(float(throttle["BurstLimit"]))),
    )


def _default_authorizer(resources: dict[str, Any]) -> str | None:
    for resource in resources.values():
        if resource["Type"] == "AWS::Serverless::Api":
            return resource.get("Properties", {}).get("Auth", {}).get("DefaultAuthorizer")
    return None


def _event_source_mapping(logical_id: str, properties: dict[str, Any]) -> EventSourceMapping:
    source, attribute = properties["EventSourceArn"]["Fn::GetAtt"]
    on_failure = properties.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
    return EventSourceMapping(
        logical_id=logical_id,
        function=_function_of(properties["FunctionName"]),
        source=source,
        kind="stream" if attribute == "StreamArn" else "queue",
        batch_size=int(properties.get("BatchSize", 100 if attribute == "StreamArn" else 10)),
        filters=tuple(
            json.loads(item["Pattern"])
            for item in properties.get("FilterCriteria", {}).get("Filters", [])
        ),
        report_item_failures="ReportBatchItemFailures"
        in properties.get("FunctionResponseTypes", []),
        bisect_on_error=bool(properties.get("BisectBatchOnFunctionError", False)),
        maximum_retry_attempts=int(properties.get("MaximumRetryAttempts", -1)),
        on_failure=on_failure["Fn::GetAtt"][0] if on_failure else None,
    )


def _read_authorizers(template: Template, auth: dict[str, Any]) -> None:
    for name, spec in auth.get("Authorizers", {}).items():
        identity = spec.get("Identity", {})
        template.authorizers[name] = Authorizer(
            name=name,
            function=_function_of(spec["FunctionArn"]),
            header=identity.get("Header", "Authorization"),
            validation_expression=identity.get("ValidationExpression"),
            ttl_seconds=int(template.resolve(identity.get("ReauthorizeEvery", 300))),
        )


def _function_of(function_arn: dict[str, Any]) -> str:
    """The logical id of the function behind an ARN: !GetAtt Fn.Arn, or !Ref Fn.Alias (the
    alias AutoPublishAlias makes; locally, the function itself)."""
    if "Fn::GetAtt" in function_arn:
        return str(function_arn["Fn::GetAtt"][0])
    return str(function_arn["Ref"]).removesuffix(".Alias")


def _read_function(
    template: Template,
    root: Path,
    logical_id: str,
    properties: dict[str, Any],
    globals_: dict[str, Any],
    api_key_required: bool,
) -> None:
    environment = {
        **globals_.get("Environment", {}).get("Variables", {}),
        **properties.get("Environment", {}).get("Variables", {}),
    }
    template.functions[logical_id] = Function(
        logical_id=logical_id,
        code_uri=root / properties["CodeUri"],
        handler=properties["Handler"],
        environment={name: str(template.resolve(value)) for name, value in environment.items()},
        timeout=int(properties.get("Timeout", globals_.get("Timeout", 3))),
        memory_mb=int(properties.get("MemorySize", globals_.get("MemorySize", 128))),
    )
    for event in properties.get("Events", {}).values():
        if event["Type"] != "Api":
            continue
        event_properties = event["Properties"]
        auth = event_properties.get("Auth", {})
        authorizer = auth.get("Authorizer", "__default__")
        template.routes.append(
            Route(
                method=event_properties["Method"].upper(),
                path=event_properties["Path"],
                function=logical_id,
                authorizer=None if authorizer == "NONE" else authorizer,
                api_key_required=bool(auth.get("ApiKeyRequired", api_key_required)),
            )
        )


def create_table_requests(template: Template) -> list[dict[str, Any]]:
    """CreateTable requests for every table of the template, named by logical id."""
    requests = []
    for logical_id, properties in template.tables.items():
        request: dict[str, Any] = {
            "TableName": logical_id,
            "AttributeDefinitions": properties["AttributeDefinitions"],
            "KeySchema": properties["KeySchema"],
            "BillingMode": properties.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if properties.get("StreamSpecification"):
            request["StreamSpecification"] = {
                "StreamEnabled": True,
                **properties["StreamSpecification"],
            }
        if properties.get("GlobalSecondaryIndexes"):
            request["GlobalSecondaryIndexes"] = [
                {key: index[key] for key in ("IndexName", "KeySchema", "Projection")}
                for index in properties["GlobalSecondaryIndexes"]
            ]
        requests.append(request)
    return requests


def time_to_live(template: Template) -> dict[str, str]:
    """Table name -> TTL attribute, for tables that expire items."""
    return {
        logical_id: properties["TimeToLiveSpecification"]["AttributeName"]
        for logical_id, properties in template.tables.items()
        if properties.get("TimeToLiveSpecification", {}).get("Enabled")
    }

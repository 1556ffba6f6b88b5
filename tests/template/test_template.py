"""template.yaml: sam lint, every route behind the authorizer, least-privilege permissions, one
runtime, durable tables, and API Gateway's own answers in the API's error shape."""

import ast
import json
import os
import random
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from leads_cli import template as template_module
from leads_domain import api_keys
from leads_domain.data import leads_table
from support import cloudformation as cfn

ROOT = Path(__file__).resolve().parents[2]
RAW = cfn.raw()
RESOURCES: dict[str, Any] = cfn.resources()
GLOBAL_FUNCTION: dict[str, Any] = cfn.global_function()
RUNTIME = "python3.13"
AUTHORIZER = "BearerKeyAuthorizer"
resources_of = cfn.resources_of

FUNCTIONS = cfn.functions()
TABLES = resources_of("AWS::DynamoDB::Table")
(API_ID, API) = next(iter(resources_of("AWS::Serverless::Api").items()))


def sam_cli() -> str:
    return os.environ.get("SAM_CLI") or str(ROOT / ".venv-sam" / "bin" / "sam")


@pytest.mark.sam
def test_sam_validate_lint_passes():
    sam = sam_cli()
    if not Path(sam).exists():
        pytest.fail(f"{sam} is missing: `make .venv-sam/.installed` (or set SAM_CLI)")
    result = subprocess.run(
        [sam, "validate", "--lint", "--template-file", str(ROOT / "template.yaml")],
        cwd=ROOT,
        env={**os.environ, "SAM_CLI_TELEMETRY": "0", "AWS_DEFAULT_REGION": "us-east-1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "is a valid SAM Template" in output


# --- routes and the authorizer ---------------------------------------------------------------


def api_events() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (function, name, event["Properties"])
        for function, spec in FUNCTIONS.items()
        for name, event in spec["Properties"].get("Events", {}).items()
        if event["Type"] == "Api"
    ]


def test_the_api_routes_are_exactly_the_references_plus_preflights():
    routes = {(props["Method"].upper(), props["Path"]) for _, _, props in api_events()}
    assert routes == {
        ("POST", "/api/crm/lead"),
        ("GET", "/api/crm/lead"),
        ("GET", "/api/crm/lead/{id}"),
        ("PATCH", "/api/crm/lead/{id}"),
        ("DELETE", "/api/crm/lead/{id}"),
        ("POST", "/api/crm/lead/batch"),
        ("PUT", "/api/crm/lead/by_email/{email}"),
        ("OPTIONS", "/api/crm/lead"),
        ("OPTIONS", "/api/crm/lead/{id}"),
        ("OPTIONS", "/api/crm/lead/batch"),
        ("OPTIONS", "/api/crm/lead/by_email/{email}"),
        # Events and webhook endpoints (issue 9).
        ("GET", "/api/crm/event"),
        ("GET", "/api/crm/event/{id}"),
        ("POST", "/api/crm/webhook_endpoint"),
        ("GET", "/api/crm/webhook_endpoint"),
        ("GET", "/api/crm/webhook_endpoint/{id}"),
        ("PATCH", "/api/crm/webhook_endpoint/{id}"),
        ("DELETE", "/api/crm/webhook_endpoint/{id}"),
        ("OPTIONS", "/api/crm/event"),
        ("OPTIONS", "/api/crm/event/{id}"),
        ("OPTIONS", "/api/crm/webhook_endpoint"),
        ("OPTIONS", "/api/crm/webhook_endpoint/{id}"),
    }
    # Only Api events: anything else would be a way in that API Gateway does not guard. (The
    # stream and the queue reach their functions through event source mappings of their own.)
    for spec in FUNCTIONS.values():
        for event in spec["Properties"].get("Events", {}).values():
            assert event["Type"] == "Api"


def test_every_route_but_the_preflights_is_behind_the_bearer_key_authorizer():
    assert API["Properties"]["Auth"]["DefaultAuthorizer"] == AUTHORIZER
    for function, name, props in api_events():
        where = f"{function}.Events.{name}"
        # An event without RestApiId lands on SAM's implicit API, which has no authorizer.
        assert props.get("RestApiId") == {"Ref": API_ID}, where
        if props["Method"].lower() == "options":
            assert props.get("Auth", {}).get("Authorizer") == "NONE", where
        else:
            assert "Auth" not in props, f"{where} must not override the default authorizer"
    # The same, as the local run reads the template.
    for route in template_module.load(ROOT / "template.yaml").routes:
        expected = None if route.method == "OPTIONS" else AUTHORIZER
        assert route.authorizer == expected, route


def test_authorizer_is_a_token_authorizer_on_the_authorization_header():
    authorizer = API["Properties"]["Auth"]["Authorizers"][AUTHORIZER]
    # Its alias, so that authorizer versions roll out gradually (and back) like the others.
    assert authorizer["FunctionArn"] == {"Ref": "AuthorizerFunction.Alias"}
    assert authorizer["FunctionPayloadType"] == "TOKEN"
    identity = authorizer["Identity"]
    assert identity["Header"] == "Authorization"
    assert identity["ReauthorizeEvery"] == {"Ref": "AuthorizerCacheTtl"}
    ttl = RAW["Parameters"]["AuthorizerCacheTtl"]
    assert ttl["Type"] == "Number" and ttl["Default"] == 300
    loaded = template_module.load(ROOT / "template.yaml").authorizers[AUTHORIZER]
    assert loaded.ttl_seconds == 300
    assert loaded.function == "AuthorizerFunction"  # the local run calls it directly


def _base62(length: int) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    return "".join(random.choice(alphabet) for _ in range(length))


# Generated keys change on every run: the test ids name the cases instead.
ACCEPTED = {
    "base62-test-key": f"Bearer sk_test_{_base62(38)}",
    "generated-test-key": f"Bearer {api_keys.generate_key('test')}",
    "generated-live-key": f"Bearer {api_keys.generate_key('live')}",
    "restricted-test-key": f"Bearer {api_keys.generate_key('test', restricted=True)}",
    "restricted-live-key": f"Bearer {api_keys.generate_key('live', restricted=True)}",
    # The scheme is case-insensitive (RFC 9110, 11.1).
    "lowercase-bearer": f"bearer {api_keys.generate_key('test')}",
    "uppercase-bearer": f"BEARER {api_keys.generate_key('test')}",
    "mixed-case-bearer": f"bEaReR {api_keys.generate_key('live')}",
}
REJECTED = {
    "basic": "Basic x",
    "basic-credentials": "Basic dXNlcjpwYXNz",
    "bearer-alone": "Bearer",
    "bearer-space": "Bearer ",
    "bearer-prefix-of-a-word": f"Bearers {api_keys.generate_key('test')}",
    "two-spaces": f"Bearer  {api_keys.generate_key('test')}",
    "trailing-word": f"Bearer {api_keys.generate_key('test')} extra",
    "other-scheme": f"Token {api_keys.generate_key('test')}",
}


def validation_expression() -> str:
    identity = API["Properties"]["Auth"]["Authorizers"][AUTHORIZER]["Identity"]
    return str(identity["ValidationExpression"])


@pytest.mark.parametrize("header", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_validation_expression_accepts_bearer_keys(header):
    # API Gateway matches the whole header value (Java's Pattern.matches).
    assert re.fullmatch(validation_expression(), header)


@pytest.mark.parametrize("header", REJECTED.values(), ids=REJECTED.keys())
def test_validation_expression_rejects_other_headers(header):
    assert not re.search(validation_expression(), header)


def test_validation_expression_uses_only_syntax_every_regex_engine_reads_alike():
    # API Gateway documents no regex dialect: no inline flags, lookarounds or named groups,
    # whose spelling differs between Java (API Gateway), JavaScript and Python (the local run).
    expression = validation_expression()
    assert "(?" not in expression and "\\p" not in expression
    assert expression.startswith("^") and expression.endswith("$")


# --- least privilege -------------------------------------------------------------------------

LEADS, KEYS = "LeadsTable", "ApiKeysTable"
LEADS_INDEX = f"LeadsTable/index/{leads_table.CREATED_INDEX}"
FILTER_INDEXES = (
    "LeadsTable/index/by_status",
    "LeadsTable/index/by_owner",
    "LeadsTable/index/by_email",
)
EMAIL_INDEX = "LeadsTable/index/by_email"
# Every function may read a key by its digest: the console's "Test" skips the authorizer, and
# the functions then check the Authorization header themselves.
EXPECTED_GRANTS: dict[str, set[tuple[str, str]]] = {
    # Query on the table: whether the tenant's leads are all filed, an email's count (for
    # ?unique=email_id); on by_email: the lead that has the email.
    "CreateLeadFunction": {
        ("dynamodb:PutItem", LEADS),
        ("dynamodb:UpdateItem", LEADS),
        ("dynamodb:Query", LEADS),
        ("dynamodb:Query", EMAIL_INDEX),
        ("dynamodb:GetItem", KEYS),
    },
    "GetLeadFunction": {("dynamodb:GetItem", LEADS), ("dynamodb:GetItem", KEYS)},
    "ListLeadsFunction": {
        ("dynamodb:Query", LEADS_INDEX),
        *(("dynamodb:Query", index) for index in FILTER_INDEXES),
        ("dynamodb:Query", LEADS),
        ("dynamodb:BatchGetItem", LEADS),
        ("dynamodb:GetItem", LEADS),
        ("dynamodb:GetItem", KEYS),
    },
    "UpdateLeadFunction": {
        ("dynamodb:GetItem", LEADS),
        ("dynamodb:UpdateItem", LEADS),
        ("dynamodb:Query", LEADS),
        ("dynamodb:Query", EMAIL_INDEX),
        ("dynamodb:GetItem", KEYS),
    },
    # GetItem: the lead, to uncount it from the counts of its values.
    "DeleteLeadFunction": {
        ("dynamodb:GetItem", LEADS),
        ("dynamodb:DeleteItem", LEADS),
        ("dynamodb:UpdateItem", LEADS),
        ("dynamodb:GetItem", KEYS),
    },
    "CreateLeadsBatchFunction": {
        ("dynamodb:GetItem", LEADS),
        ("dynamodb:PutItem", LEADS),
        ("dynamodb:UpdateItem", LEADS),
        ("dynamodb:GetItem", KEYS),
    },
    "UpsertLeadFunction": {
        ("dynamodb:GetItem", LEADS),
        ("dynamodb:PutItem", LEADS),
        ("dynamodb:UpdateItem", LEADS),
        ("dynamodb:Query", LEADS),
        ("dynamodb:Query", EMAIL_INDEX),
        ("dynamodb:GetItem", KEYS),
    },
    "AuthorizerFunction": {("dynamodb:GetItem", KEYS)},
    "CorsPreflightFunction": set(),
}
EVENTS, ENDPOINTS = "EventsTable", "WebhookEndpointsTable"
DELIVERIES, DEAD_LETTERS = "WebhookDeliveryQueue", "WebhookDeadLetterQueue"
EXPECTED_GRANTS |= {
    # The stream (what its event source mapping reads with), the events store, the endpoints,
    # the bus, the delivery queue and the mapping's on-failure queue.
    "EventsPublisherFunction": {
        *(
            (f"dynamodb:{action}", "LeadsTable/stream")
            for action in ("DescribeStream", "GetRecords", "GetShardIterator", "ListStreams")
        ),
        ("dynamodb:PutItem", EVENTS),
        ("dynamodb:Query", ENDPOINTS),
        ("events:PutEvents", "EventBus"),
        ("sqs:SendMessage", DELIVERIES),
        ("sqs:SendMessage", "EventsPublisherFailureQueue"),
    },
    # The queue (what its mapping polls with, and the retries' visibility), the dead letters,
    # the endpoint's state.
    "WebhookDeliveryFunction": {
        ("sqs:ReceiveMessage", DELIVERIES),
        ("sqs:DeleteMessage", DELIVERIES),
        ("sqs:GetQueueAttributes", DELIVERIES),
        ("sqs:ChangeMessageVisibility", DELIVERIES),
        ("sqs:SendMessage", DEAD_LETTERS),
        ("dynamodb:GetItem", ENDPOINTS),
        ("dynamodb:UpdateItem", ENDPOINTS),
    },
    "ListEventsFunction": {
        ("dynamodb:Query", f"{EVENTS}/index/by_time"),
        ("dynamodb:Query", f"{EVENTS}/index/by_type"),
        ("dynamodb:Query", f"{EVENTS}/index/by_lead"),
        ("dynamodb:BatchGetItem", EVENTS),
        ("dynamodb:GetItem", EVENTS),
        ("dynamodb:GetItem", KEYS),
    },
    "GetEventFunction": {("dynamodb:GetItem", EVENTS), ("dynamodb:GetItem", KEYS)},
    "CreateWebhookEndpointFunction": {
        ("dynamodb:PutItem", ENDPOINTS),
        ("dynamodb:UpdateItem", ENDPOINTS),
        ("dynamodb:GetItem", KEYS),
    },
    "ListWebhookEndpointsFunction": {("dynamodb:Query", ENDPOINTS), ("dynamodb:GetItem", KEYS)},
    "GetWebhookEndpointFunction": {("dynamodb:GetItem", ENDPOINTS), ("dynamodb:GetItem", KEYS)},
    "UpdateWebhookEndpointFunction": {
        ("dynamodb:GetItem", ENDPOINTS),
        ("dynamodb:UpdateItem", ENDPOINTS),
        ("dynamodb:GetItem", KEYS),
    },
    "DeleteWebhookEndpointFunction": {
        ("dynamodb:DeleteItem", ENDPOINTS),
        ("dynamodb:UpdateItem", ENDPOINTS),
        ("dynamodb:GetItem", KEYS),
    },
}
IDEMPOTENCY = "IdempotencyTable"
if IDEMPOTENCY in RESOURCES:
    # Powertools' idempotency records for the creates' Idempotency-Key: claim, read, complete
    # and release a record.
    for idempotent in ("CreateLeadFunction", "CreateLeadsBatchFunction", "UpsertLeadFunction"):
        EXPECTED_GRANTS[idempotent] |= {
            (f"dynamodb:{action}", IDEMPOTENCY)
            for action in ("GetItem", "PutItem", "UpdateItem", "DeleteItem")
        }


def _resource(resource: Any) -> str:
    """A table's, queue's or bus's Arn (or a path under it) as 'Name[/suffix]', a table's
    stream as 'Table/stream'; anything else is refused."""
    if isinstance(resource, dict) and list(resource) == ["Fn::GetAtt"]:
        name, attribute = resource["Fn::GetAtt"]
        if attribute == "Arn":
            return str(name)
        if attribute == "StreamArn":
            return f"{name}/stream"
    if isinstance(resource, dict) and list(resource) == ["Fn::Sub"]:
        found = re.fullmatch(r"\$\{(\w+)\.Arn\}(/[\w/.-]+)?", str(resource["Fn::Sub"]))
        if found:
            return found.group(1) + (found.group(2) or "")
    raise AssertionError(f"resource {resource!r}: grant on a resource's Arn or a part of it")


def grants(properties: dict[str, Any]) -> set[tuple[str, str]]:
    pairs = set()
    for policy in properties.get("Policies", []):
        # Inline statements only: SAM policy templates and managed policies grant more
        # (DynamoDBCrudPolicy includes Scan, on the table and every index).
        assert isinstance(policy, dict) and list(policy) == ["Statement"], policy
        for statement in policy["Statement"]:
            assert statement["Effect"] == "Allow"
            assert set(statement) <= {"Effect", "Action", "Resource"}, statement
            actions = statement["Action"]
            resources = statement["Resource"]
            for action in [actions] if isinstance(actions, str) else actions:
                for resource in [resources] if not isinstance(resources, list) else resources:
                    pairs.add((action, _resource(resource)))
    return pairs


def test_each_function_is_granted_exactly_what_it_needs():
    assert set(FUNCTIONS) == set(EXPECTED_GRANTS)
    assert "Policies" not in GLOBAL_FUNCTION and "Role" not in GLOBAL_FUNCTION
    for name, spec in FUNCTIONS.items():
        assert "Role" not in spec["Properties"], f"{name}: a Role would bypass Policies"
        assert grants(spec["Properties"]) == EXPECTED_GRANTS[name], name


def test_no_wildcard_action_and_no_scan_anywhere():
    for name, spec in FUNCTIONS.items():
        for action, resource in grants(spec["Properties"]):
            assert re.fullmatch(r"(dynamodb|sqs|events):[A-Z][A-Za-z]+", action), (name, action)
            assert action != "dynamodb:Scan", name
            assert "*" not in resource, (name, resource)


def _scan_uses(path: Path) -> list[str]:
    """Calls of scan/parallel_scan, and 'Scan' as an action or operation name, in one file.
    (ScanIndexForward, the Query parameter, is no Scan.)"""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Attribute) and node.attr.lower() in ("scan", "parallel_scan"):
            found.append(f"{path}:{node.lineno}: .{node.attr}")
        if isinstance(node, ast.Name) and node.id.lower() == "scan":
            found.append(f"{path}:{node.lineno}: {node.id}")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.strip().lower()
            if text == "scan" or text.endswith(":scan"):
                found.append(f"{path}:{node.lineno}: {node.value!r}")
    return found


def test_no_scan_in_the_deployed_code():
    files = [*(ROOT / "layers").rglob("*.py"), *(ROOT / "functions").rglob("*.py")]
    assert any(path.name == "leads_table.py" for path in files)
    assert [use for path in files for use in _scan_uses(path)] == []


# --- runtime, layer, tables ------------------------------------------------------------------


def test_every_function_and_the_layer_are_on_one_python_runtime():
    assert GLOBAL_FUNCTION["Runtime"] == RUNTIME
    for name, spec in FUNCTIONS.items():
        assert spec["Properties"].get("Runtime", RUNTIME) == RUNTIME, name
        assert spec["Properties"]["Handler"] == "app.lambda_handler", name
    assert GLOBAL_FUNCTION["Layers"] == [{"Ref": "DomainLayer"}]
    layer = RESOURCES["DomainLayer"]
    assert layer["Type"] == "AWS::Serverless::LayerVersion"
    assert layer["Properties"]["CompatibleRuntimes"] == [RUNTIME]
    assert layer["Metadata"]["BuildMethod"] == RUNTIME


def test_tables_are_on_demand_and_the_data_tables_recoverable_and_kept():
    assert {LEADS, KEYS} <= set(TABLES) <= {LEADS, KEYS, IDEMPOTENCY, EVENTS, ENDPOINTS}
    for name, table in TABLES.items():
        assert table["Properties"]["BillingMode"] == "PAY_PER_REQUEST", name
    # Customers' webhook endpoints (and their secrets) are data like the leads; events are a
    # 30-day feed derived from the stream (tests/template/test_template_events.py).
    for name in (LEADS, KEYS, ENDPOINTS):
        table = TABLES[name]
        assert table["Properties"]["PointInTimeRecoverySpecification"] == {
            "PointInTimeRecoveryEnabled": True
        }, name
        assert table["DeletionPolicy"] == "Retain", name
        assert table["UpdateReplacePolicy"] == "Retain", name
    if IDEMPOTENCY in TABLES:
        # A 24-hour cache of answers, not data: it expires its records instead.
        ttl = TABLES[IDEMPOTENCY]["Properties"]["TimeToLiveSpecification"]
        assert ttl["Enabled"] is True


def test_leads_table_lists_newest_first_through_an_index_partitioned_by_tenant():
    properties = TABLES[LEADS]["Properties"]
    table_hash = [k["AttributeName"] for k in properties["KeySchema"] if k["KeyType"] == "HASH"]
    assert table_hash == ["tenant"]
    (index,) = [
        index
        for index in properties["GlobalSecondaryIndexes"]
        if index.get("IndexName") == leads_table.CREATED_INDEX
    ]
    assert index["KeySchema"] == [
        {"AttributeName": "tenant", "KeyType": "HASH"},
        {"AttributeName": "created_key", "KeyType": "RANGE"},
    ]
    assert {"AttributeName": "created_key", "AttributeType": "S"} in properties[
        "AttributeDefinitions"
    ]


def test_each_filter_has_a_keys_only_index_by_value_sorted_like_the_list_added_one_by_one():
    properties = TABLES[LEADS]["Properties"]
    indexes = properties["GlobalSecondaryIndexes"]
    filters = {"by_status": "status_key", "by_owner": "owner_key", "by_email": "email_key"}
    found = {}
    for index in indexes:
        # by_owner and by_email exist unless FilterIndexes says otherwise (an upgrade adds
        # one index per deployment: DynamoDB allows one new index per table update).
        if "Fn::If" in index:
            condition, index, absent = index["Fn::If"]
            assert absent == {"Ref": "AWS::NoValue"}, index
            assert condition in RAW["Conditions"], condition
        found[index["IndexName"]] = index
    for name, attribute in filters.items():
        assert found[name]["KeySchema"] == [
            {"AttributeName": attribute, "KeyType": "HASH"},
            {"AttributeName": "created_key", "KeyType": "RANGE"},
        ], name
        assert found[name]["Projection"] == {"ProjectionType": "KEYS_ONLY"}, name
    parameter = RAW["Parameters"]["FilterIndexes"]
    assert parameter["Default"] == 3 and parameter["AllowedValues"] == [1, 2, 3]


# --- gateway responses -----------------------------------------------------------------------

# API Gateway's own status for these is not the API's (MISSING_AUTHENTICATION_TOKEN is a 403
# there; it is how API Gateway answers an unknown route, so it must be a 404 here).
GATEWAY_STATUS = {
    "UNAUTHORIZED": "401",
    "ACCESS_DENIED": "403",
    "INVALID_API_KEY": "403",
    "MISSING_AUTHENTICATION_TOKEN": "404",
    "REQUEST_TOO_LARGE": "413",
    "THROTTLED": "429",
    "INTEGRATION_FAILURE": "5xx",
    "INTEGRATION_TIMEOUT": "5xx",
    "AUTHORIZER_FAILURE": "5xx",
    "DEFAULT_4XX": "4xx",
    "DEFAULT_5XX": "5xx",
}
REQUEST_ID = "0f3c9a52-7a1e-4a35-8c1b-2e7d5f6a9b10"


def gateway_responses() -> dict[str, dict[str, Any]]:
    responses: dict[str, dict[str, Any]] = {}
    for spec in resources_of("AWS::ApiGateway::GatewayResponse").values():
        properties = spec["Properties"]
        assert properties["RestApiId"] == {"Ref": API_ID}
        assert properties["ResponseType"] not in responses, "one response per type"
        responses[properties["ResponseType"]] = properties
    return responses


def render(template: str, message: str) -> str:
    """The body API Gateway sends: $context variables substituted as it substitutes them
    ($context.error.messageString is the message as a quoted JSON string)."""
    values = {
        "$context.requestId": REQUEST_ID,
        "$context.extendedRequestId": "Ab1Cd2Ef3Gh=",
        "$context.error.message": message,
        "$context.error.messageString": json.dumps(message),
        "$context.error.responseType": "DEFAULT_4XX",
    }

    def substitute(found: re.Match[str]) -> str:
        assert found.group(0) in values, f"unknown variable {found.group(0)}"
        return values[found.group(0)]

    return re.sub(r"\$context(?:\.[A-Za-z]+)+", substitute, template)


def test_gateway_responses_cover_what_api_gateway_answers_itself():
    responses = gateway_responses()
    assert set(GATEWAY_STATUS) <= set(responses)
    for response_type, status in GATEWAY_STATUS.items():
        code = responses[response_type].get("StatusCode")
        if code is None:
            # Only the defaults may keep the status of the error they stand for.
            assert response_type.startswith("DEFAULT_"), f"{response_type} needs a StatusCode"
            continue
        assert re.fullmatch(status.replace("x", r"\d"), str(code)), (response_type, code)


@pytest.mark.parametrize("message", ["Missing Authentication Token", 'Bad "quoted" \\ value'])
def test_every_gateway_response_renders_the_api_error_shape(message):
    for response_type, properties in gateway_responses().items():
        templates = properties["ResponseTemplates"]
        assert set(templates) == {"application/json"}, response_type
        body = json.loads(render(templates["application/json"], message))
        assert list(body) == ["error"], response_type
        error = body["error"]
        assert list(error) == ["type", "code", "message", "param", "request_id"], response_type
        assert error["type"].endswith("_error") and re.fullmatch(r"[a-z_]+", error["code"])
        assert isinstance(error["message"], str) and error["message"]
        assert error["param"] is None
        assert error["request_id"] == REQUEST_ID, response_type


@pytest.mark.parametrize("response_type", ["THROTTLED", "AUTHORIZER_FAILURE"])
def test_answers_worth_retrying_say_when_with_retry_after(response_type):
    # The document promises Retry-After on every 429 and 503 (README, "Retrying").
    parameters = gateway_responses()[response_type].get("ResponseParameters") or {}
    retry_after = parameters.get("gatewayresponse.header.Retry-After", "")
    assert re.fullmatch(r"'[1-9]\d*'", retry_after), (response_type, retry_after)

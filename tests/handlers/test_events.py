"""The sample events of events/ (what `sam local invoke` is given) stay valid: each function,
in-process against moto, answers its own event file with the example key and lead seeded."""

import json
import re
from typing import Any

import botocore.session
import pytest

from leads_cli import template as template_module
from leads_cli.event_filters import passes
from leads_cli.examples import (
    EXAMPLE_ENDPOINT_ID,
    EXAMPLE_EVENT_ID,
    EXAMPLE_KEY,
    EXAMPLE_KEY_ID,
    EXAMPLE_LEAD,
    EXAMPLE_LEAD_ID,
    EXAMPLE_TENANT,
    SEEDED_AT,
    example_event,
    seed_examples,
)
from leads_cli.lambda_context import LambdaContext
from leads_cli.local_messaging import create_queues_and_buses
from leads_domain import api_keys
from leads_domain.container import forget_all
from leads_domain.data import clients, events_table, leads_table, webhook_endpoints_table
from support.events import EVENTS, sample_event
from support.functions import function_names, load_function, logical_ids

ENV_FILE = EVENTS / "env.json"
# What the events file of each function folder is called: events/<folder>.json.
FUNCTION_NAMES = function_names()
# Events of an event source mapping (the stream, the queue) rather than of API Gateway.
MAPPING_EVENTS = ("publish_events", "deliver_webhooks")
REST_EVENTS = [name for name in FUNCTION_NAMES if name not in ("authorizer", *MAPPING_EVENTS)]


def env_file_values(folder: str) -> dict[str, str]:
    """The variables events/env.json gives one function: its Parameters, then its own entry."""
    values = json.loads(ENV_FILE.read_text())
    return {**values.get("Parameters", {}), **values.get(logical_ids()[folder], {})}


@pytest.fixture
def seeded(dynamodb: Any) -> Any:
    create_queues_and_buses(
        clients.sqs(),
        botocore.session.get_session().create_client("events"),
        template_module.load(),
    )
    seed_examples()
    return dynamodb


@pytest.fixture
def invoke_with_env_file(seeded: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """invoke(folder) -> the handler's answer to events/<folder>.json, run with the variables
    events/env.json sets (except the endpoint: moto answers in-process here)."""

    def invoke(folder: str) -> Any:
        for name, value in env_file_values(folder).items():
            if not name.startswith("AWS_ENDPOINT_URL"):
                monkeypatch.setenv(name, value)
        forget_all()
        return load_function(folder).lambda_handler(sample_event(folder), LambdaContext(folder))

    yield invoke
    monkeypatch.undo()
    forget_all()


# --- the files themselves ---------------------------------------------------------------------


def test_every_function_has_an_event_file_and_nothing_else_does():
    events = {path.stem for path in EVENTS.glob("*.json")} - {"env"}
    assert events == set(FUNCTION_NAMES)
    assert set(logical_ids()) == set(FUNCTION_NAMES)


@pytest.mark.parametrize("folder", REST_EVENTS)
def test_rest_event_is_the_proxy_event_api_gateway_sends_for_the_functions_route(folder):
    event = sample_event(folder)
    template = template_module.load()
    assert set(event) >= {
        "resource",
        "path",
        "httpMethod",
        "headers",
        "multiValueHeaders",
        "queryStringParameters",
        "multiValueQueryStringParameters",
        "pathParameters",
        "requestContext",
        "body",
        "isBase64Encoded",
    }
    routes = [
        route
        for route in template.routes
        if (route.method, route.path) == (event["httpMethod"], event["resource"])
    ]
    assert len(routes) == 1, "the event's method and resource must be one of template.yaml's routes"
    route = routes[0]
    assert route.function == logical_ids()[folder]
    assert route.match(event["path"]) == (event["pathParameters"] or {})

    assert event["multiValueHeaders"] == {name: [v] for name, v in event["headers"].items()}
    query = event["queryStringParameters"]
    assert event["multiValueQueryStringParameters"] == (
        {name: [v] for name, v in query.items()} if query else None
    )
    assert event["body"] is None or isinstance(event["body"], str)
    assert event["isBase64Encoded"] is False

    context = event["requestContext"]
    assert context["requestId"] and context["stage"] == template.stage
    assert context["resourcePath"] == event["resource"]
    assert context["httpMethod"] == event["httpMethod"]
    assert context["path"] == f"/{template.stage}{event['path']}"
    if route.authorizer is None:
        assert "authorizer" not in context, "a route outside the authorizer gets no context"
    else:
        authorizer = context["authorizer"]
        # API Gateway hands the authorizer's context on as strings.
        assert authorizer["account"] == "acct_example"
        assert authorizer["mode"] == "test"
        assert isinstance(authorizer["key_id"], str) and authorizer["key_id"]
        assert isinstance(authorizer["principalId"], str)
        header = event["headers"]["Authorization"]
        expression = template.authorizers[route.authorizer].validation_expression
        assert expression and re.fullmatch(expression, header)
        assert header == f"Bearer {EXAMPLE_KEY}"


def test_authorizer_event_is_a_token_event_with_the_example_test_key():
    event = sample_event("authorizer")
    template = template_module.load()
    assert event["type"] == "TOKEN"
    assert re.fullmatch(
        rf"arn:aws:execute-api:us-east-1:123456789012:abcdef1234/{template.stage}/GET/api/crm/lead",
        event["methodArn"],
    )
    expression = template.authorizers["BearerKeyAuthorizer"].validation_expression
    assert expression and re.fullmatch(expression, event["authorizationToken"])
    # A committed key is a test key, and a well-formed one (its checksum matches).
    assert EXAMPLE_KEY.startswith("sk_test_")
    assert api_keys.key_mode(EXAMPLE_KEY) == "test"
    assert "sk_live_" not in "".join(path.read_text() for path in EVENTS.iterdir())


def test_env_file_points_every_function_at_a_local_dynamodb_with_the_local_table_names():
    values = json.loads(ENV_FILE.read_text())
    assert set(values) - {"Parameters"} <= set(logical_ids().values()), "unknown function"
    assert all(
        isinstance(variables, dict) and all(isinstance(v, str) for v in variables.values())
        for variables in values.values()
    )
    local_tables = {
        request["TableName"]
        for request in template_module.create_table_requests(template_module.load())
    }
    for folder, logical_id in logical_ids().items():
        variables = env_file_values(folder)
        # Every table the template hands the function is named as the local tables are.
        declared = template_module.load().functions[logical_id].environment
        table_variables = {name for name in declared if name.endswith("_TABLE_NAME")}
        assert {"LEADS_TABLE_NAME", "API_KEYS_TABLE_NAME"} <= table_variables
        assert {variables[name] for name in table_variables} <= local_tables, logical_id
        assert re.fullmatch(r"http://[\w.-]+:\d+", variables["AWS_ENDPOINT_URL_DYNAMODB"])


def test_env_file_sets_only_variables_that_sam_local_passes_on():
    # samcli.local.lambdafn.env_vars.EnvironmentVariables.resolve(): only the names in the
    # function's Environment.Variables take values from the file.
    for folder, logical_id in logical_ids().items():
        declared = set(template_module.load().functions[logical_id].environment)
        assert set(env_file_values(folder)) <= declared, logical_id


# --- each function answers its event ------------------------------------------------------


def test_create_lead_event(invoke_with_env_file):
    response = invoke_with_env_file("create_lead")

    assert response["statusCode"] == 201
    lead = json.loads(response["body"])
    sent = json.loads(sample_event("create_lead")["body"])
    assert lead["id"].startswith("lead_") and lead["id"] != EXAMPLE_LEAD_ID
    assert {name: lead[name] for name in sent} == sent
    assert lead["lead_name"] == "Ada Lovelace"
    assert leads_table.get(EXAMPLE_TENANT, lead["id"]) is not None
    assert leads_table.count(EXAMPLE_TENANT) == 2


def test_create_leads_batch_event(invoke_with_env_file):
    response = invoke_with_env_file("create_leads_batch")

    assert response["statusCode"] == 200
    answer = json.loads(response["body"])
    sent = json.loads(sample_event("create_leads_batch")["body"])["leads"]
    assert (answer["created"], answer["failed"]) == (2, 1)
    for lead, fields in zip(answer["data"][:2], sent, strict=False):
        assert {name: lead[name] for name in fields} == fields
        assert leads_table.get(EXAMPLE_TENANT, lead["id"]) is not None
    error = answer["data"][2]["error"]
    assert (error["code"], error["param"]) == ("parameter_invalid", "leads[2].annual_revenue")
    assert error["request_id"] == sample_event("create_leads_batch")["requestContext"]["requestId"]
    assert leads_table.count(EXAMPLE_TENANT) == 3


def test_get_lead_event(invoke_with_env_file):
    response = invoke_with_env_file("get_lead")

    assert response["statusCode"] == 200
    lead = json.loads(response["body"])
    assert lead["id"] == EXAMPLE_LEAD_ID
    assert {name: lead[name] for name in EXAMPLE_LEAD} == EXAMPLE_LEAD


def test_list_leads_event(invoke_with_env_file):
    response = invoke_with_env_file("list_leads")

    assert response["statusCode"] == 200
    page = json.loads(response["body"])
    assert [lead["id"] for lead in page["data"]] == [EXAMPLE_LEAD_ID]
    assert page["total"] == 1 and page["has_more"] is False


def test_update_lead_event(invoke_with_env_file):
    response = invoke_with_env_file("update_lead")

    assert response["statusCode"] == 200
    lead = json.loads(response["body"])
    sent = json.loads(sample_event("update_lead")["body"])
    assert {name: lead[name] for name in sent} == sent
    assert lead["created_at"] == SEEDED_AT and lead["updated_at"] > SEEDED_AT
    assert lead["lead_name"] == EXAMPLE_LEAD["lead_name"]


def test_delete_lead_event_deletes_once(invoke_with_env_file):
    response = invoke_with_env_file("delete_lead")

    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"id": EXAMPLE_LEAD_ID, "deleted": True}
    assert leads_table.get(EXAMPLE_TENANT, EXAMPLE_LEAD_ID) is None
    assert leads_table.count(EXAMPLE_TENANT) == 0
    assert invoke_with_env_file("delete_lead")["statusCode"] == 404


def test_authorizer_event_is_allowed_for_the_whole_stage(invoke_with_env_file):
    answer = invoke_with_env_file("authorizer")

    assert answer["principalId"] == EXAMPLE_KEY_ID
    assert answer["policyDocument"]["Statement"] == [
        {
            "Action": "execute-api:Invoke",
            "Effect": "Allow",
            "Resource": ["arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev/*/*"],
        }
    ]
    assert answer["context"] == {
        "account": "acct_example",
        "mode": "test",
        "key_id": EXAMPLE_KEY_ID,
        "scope": "full",
    }
    assert all(isinstance(value, str) for value in answer["context"].values())


def test_cors_preflight_event_with_the_origin_env_json_allows(invoke_with_env_file):
    response = invoke_with_env_file("cors_preflight")

    assert response["statusCode"] == 204
    origin = sample_event("cors_preflight")["headers"]["Origin"]
    assert origin in env_file_values("cors_preflight")["CORS_ALLOWED_ORIGINS"].split(",")
    assert response["headers"]["Access-Control-Allow-Origin"] == origin
    assert "POST" in response["headers"]["Access-Control-Allow-Methods"].split(",")


def test_events_dir_holds_only_what_the_readme_describes():
    names = {path.name for path in EVENTS.iterdir()}
    assert names == {f"{name}.json" for name in FUNCTION_NAMES} | {"env.json", "README.md"}
    readme = (EVENTS / "README.md").read_text()
    for logical_id in logical_ids().values():
        assert f"sam local invoke {logical_id}" in readme


# --- the events and webhook functions --------------------------------------------------------


def test_publish_events_is_the_stream_event_the_mapping_hands_over():
    event = sample_event("publish_events")
    (mapping,) = [m for m in template_module.load().event_source_mappings if m.kind == "stream"]
    assert [record["eventName"] for record in event["Records"]] == ["INSERT", "MODIFY", "REMOVE"]
    for record in event["Records"]:
        assert passes(mapping.filters, record)
        assert record["eventSource"] == "aws:dynamodb"
        assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
        assert record["dynamodb"]["Keys"]["tenant"]["S"] == EXAMPLE_TENANT.partition


def test_publish_events_event_publishes_three_events(invoke_with_env_file):
    answer = invoke_with_env_file("publish_events")

    assert answer == {"batchItemFailures": []}
    lead_id = sample_event("publish_events")["Records"][0]["dynamodb"]["Keys"]["sk"]["S"][5:]
    history, _ = events_table.page(EXAMPLE_TENANT, 10, lead_id=lead_id)
    assert [event["type"] for event in history] == ["lead.deleted", "lead.updated", "lead.created"]
    assert history[1]["data"]["previous_attributes"] == {
        "city": None,
        "status": "Lead",
        "updated_at": "2025-01-15T09:10:00.000000Z",
    }
    assert history[2]["request"]["idempotency_key"] == "crm-sync-0001"
    # Again (Lambda may deliver a batch twice): the same three events.
    assert invoke_with_env_file("publish_events") == {"batchItemFailures": []}
    assert events_table.page(EXAMPLE_TENANT, 10, lead_id=lead_id)[0] == history


def test_deliver_webhooks_event_is_a_delivery_for_the_example_endpoint():
    (record,) = sample_event("deliver_webhooks")["Records"]
    body = json.loads(record["body"])
    assert body["tenant"] == EXAMPLE_TENANT.partition
    assert body["endpoint_id"] == EXAMPLE_ENDPOINT_ID
    assert body["event"]["type"] == "lead.created"
    assert record["attributes"]["ApproximateReceiveCount"] == "1"


def test_deliver_webhooks_event_drops_the_delivery_to_the_disabled_example(invoke_with_env_file):
    # The example endpoint is seeded disabled: the sample never sends anything anywhere.
    assert invoke_with_env_file("deliver_webhooks") == {"batchItemFailures": []}
    assert webhook_endpoints_table.get(EXAMPLE_TENANT, EXAMPLE_ENDPOINT_ID)["status"] == "disabled"


def test_list_events_event(invoke_with_env_file):
    response = invoke_with_env_file("list_events")
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"data": [example_event()], "has_more": False}


def test_get_event_event(invoke_with_env_file):
    response = invoke_with_env_file("get_event")
    assert response["statusCode"] == 200
    assert json.loads(response["body"])["id"] == EXAMPLE_EVENT_ID


def test_create_webhook_endpoint_event(invoke_with_env_file):
    response = invoke_with_env_file("create_webhook_endpoint")
    assert response["statusCode"] == 201
    created = json.loads(response["body"])
    assert created["secret"].startswith("whsec_") and created["status"] == "enabled"
    assert created["url"] == json.loads(sample_event("create_webhook_endpoint")["body"])["url"]


def test_webhook_endpoint_list_get_update_delete_events(invoke_with_env_file):
    listed = invoke_with_env_file("list_webhook_endpoints")
    assert listed["statusCode"] == 200
    assert [e["id"] for e in json.loads(listed["body"])["data"]] == [EXAMPLE_ENDPOINT_ID]
    got = invoke_with_env_file("get_webhook_endpoint")
    assert got["statusCode"] == 200 and "secret" not in json.loads(got["body"])
    updated = invoke_with_env_file("update_webhook_endpoint")
    assert updated["statusCode"] == 200
    assert json.loads(updated["body"])["description"] == "CRM sync (paused)"
    deleted = invoke_with_env_file("delete_webhook_endpoint")
    assert deleted["statusCode"] == 200
    assert json.loads(deleted["body"]) == {"id": EXAMPLE_ENDPOINT_ID, "deleted": True}
    assert invoke_with_env_file("delete_webhook_endpoint")["statusCode"] == 404

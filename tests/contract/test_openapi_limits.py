"""The OpenAPI document says what rate limits and restricted keys make API Gateway answer: 429
with Retry-After, 403 permission_error, on every operation, in the Error schema."""

import json

import jsonschema

from leads_cli import openapi
from leads_cli.template import load

ANSWERED_BY_API_GATEWAY = {"THROTTLED": "429", "ACCESS_DENIED": "403", "INVALID_API_KEY": "403"}


def resolve(document, node):
    while "$ref" in node:
        *_, kind, name = node["$ref"].split("/")
        node = document["components"][kind][name]
    return node


def operations(document):
    return [op for path in document["paths"].values() for op in path.values()]


def test_every_operation_may_be_throttled_and_is_told_when_to_retry():
    document = openapi.document()
    for operation in operations(document):
        throttled = resolve(document, operation["responses"]["429"])
        retry_after = resolve(document, throttled["headers"]["Retry-After"])
        assert retry_after["required"] is True
        assert retry_after["schema"]["type"] == "integer" and retry_after["schema"]["minimum"] >= 1
        assert "rate limit" in throttled["description"]


def test_every_operation_may_be_refused_to_a_restricted_key():
    document = openapi.document()
    for operation in operations(document):
        refused = resolve(document, operation["responses"]["403"])
        assert "permission_error" in refused["description"]
        assert "read-only" in refused["description"] and "GET" in refused["description"]
    assert "rk_test_" in document["components"]["securitySchemes"]["bearerAuth"]["description"]


def test_api_gateways_own_answers_are_documented_errors():
    document = openapi.document()
    schema = {"$ref": "#/components/schemas/ErrorResponse", "components": document["components"]}
    responses = load().gateway_responses
    for response_type, status in ANSWERED_BY_API_GATEWAY.items():
        template = responses[response_type]["ResponseTemplates"]["application/json"]
        body = json.loads(template.replace("$context.requestId", "req-1"))
        jsonschema.validate(body, schema)
        assert responses[response_type]["StatusCode"] == status
        for operation in operations(document):
            assert status in operation["responses"]

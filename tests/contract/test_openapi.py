"""The OpenAPI document is part of the contract: generated from the models, checked in, valid,
and describing what the functions really answer."""

import json
import re
import subprocess
import sys

import jsonschema
from openapi_spec_validator import validate

from leads_cli import openapi
from leads_cli.template import load
from leads_domain import ids
from support.events import api_event
from support.functions import invoke
from support.reference import DEFAULTS, REFERENCE_LEAD


def test_the_checked_in_document_is_what_the_code_generates():
    checked_in = openapi.OPENAPI_PATH.read_text()
    assert checked_in == openapi.render(), "run `.venv/bin/leads openapi --write`"


def test_leads_openapi_prints_it():
    printed = subprocess.run(
        [sys.executable, "-m", "leads_cli.main", "openapi"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(printed) == openapi.document()


def test_it_is_valid_openapi_3_1_with_bearer_security():
    document = openapi.document()
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_template_route_is_documented_and_nothing_else():
    document = openapi.document()
    documented = {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}
    routes = {(r.method, r.path) for r in load().routes if r.method != "OPTIONS"}
    assert documented == routes


def _schema(document, name):
    # Resolve $refs against the document's own components.
    return {"$ref": f"#/components/schemas/{name}", "components": document["components"]}


def test_real_answers_match_their_documented_schemas(dynamodb, tenant):
    document = openapi.document()
    created = invoke(
        "create_lead", api_event("POST", "/api/crm/lead", tenant=tenant, body={"city": "Oslo"})
    )
    listed = invoke("list_leads", api_event("GET", "/api/crm/lead", tenant=tenant))
    deleted = invoke(
        "delete_lead", api_event("DELETE", f"/api/crm/lead/{created[1]['id']}", tenant=tenant)
    )
    error = invoke("get_lead", api_event("GET", "/api/crm/lead/lead_nope", tenant=tenant))

    for (status, body, _), name in (
        (created, "Lead"),
        (listed, "LeadList"),
        (deleted, "DeletedLead"),
        (error, "ErrorResponse"),
    ):
        assert str(status) in str(document["paths"])  # documented somewhere
        jsonschema.validate(body, _schema(document, name))


def test_the_request_schema_refuses_what_the_api_refuses():
    document = openapi.document()
    schema = _schema(document, "LeadFields")
    jsonschema.validate({"city": "Oslo", "annual_revenue": 0, "disabled": None}, schema)
    for bad in ({"city": 5}, {"nickname": "x"}, {"disabled": "true"}, {"city": "x" * 141}):
        try:
            jsonschema.validate(bad, schema)
        except jsonschema.ValidationError:
            continue
        raise AssertionError(f"schema accepts {bad}")


# --- what generators and linters read ---------------------------------------------------------


def _parameter(document, path, method, name):
    for parameter in document["paths"][path][method]["parameters"]:
        if "$ref" in parameter:
            parameter = _resolve(document, parameter)
        if parameter["name"] == name:
            return parameter
    raise AssertionError(f"{method} {path} has no parameter {name}")


def _resolve(document, item):
    while "$ref" in item:
        *_, section, name = item["$ref"].split("/")
        item = document["components"][section][name]
    return item


def test_offset_declares_no_default_so_clients_do_not_send_it_with_a_cursor():
    offset = _parameter(openapi.document(), "/api/crm/lead", "get", "offset")
    assert "default" not in offset["schema"]
    assert "0 when not sent" in offset["description"]


def test_defaults_are_on_the_lead_and_its_create_fields_but_not_on_an_update():
    schemas = openapi.document()["components"]["schemas"]
    for name, default in DEFAULTS.items():
        assert schemas["Lead"]["properties"][name]["default"] == default
        assert schemas["LeadFields"]["properties"][name]["default"] == default
        # A generated client sends a default whenever a field is not set: on PATCH that
        # would put every defaulted field back.
        assert "default" not in schemas["LeadUpdate"]["properties"][name]
    document = openapi.document()
    update_body = document["paths"]["/api/crm/lead/{id}"]["patch"]["requestBody"]
    assert update_body["content"]["application/json"]["schema"]["$ref"].endswith("/LeadUpdate")


def test_the_reference_examples_are_on_every_operation_and_schema():
    document = openapi.document()
    expected_lead = {
        **REFERENCE_LEAD,
        # The reference's "2024-01-15T09: 30: 00Z", in the form the API answers.
        "created_at": "2024-01-15T09:30:00.000000Z",
        "updated_at": "2024-01-15T09:30:00.000000Z",
    }
    schemas = document["components"]["schemas"]
    assert schemas["Lead"]["examples"] == [expected_lead]
    assert schemas["LeadList"]["examples"] == [
        {"data": [expected_lead], "has_more": False, "total": 1}
    ]
    for name, schema in schemas.items():
        assert schema.get("examples"), f"schema {name} has no example"
        for example in schema["examples"]:
            jsonschema.validate(example, _schema(document, name))
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                media = _resolve(document, response)["content"]["application/json"]
                assert media.get("examples"), f"{method} {path} {status} has no example"
                schema = {**media["schema"], "components": document["components"]}
                for example in media["examples"].values():
                    jsonschema.validate(example["value"], schema)
            if "requestBody" in operation:
                body = operation["requestBody"]["content"]["application/json"]
                schema = {**body["schema"], "components": document["components"]}
                for example in body["examples"].values():
                    jsonschema.validate(example["value"], schema)
                # A lead's body shows the API reference's own example.
                if path.startswith("/api/crm/lead"):
                    reference = {"lead_name": "lead_name_example", "company_name": "Example Corp"}
                    if path == openapi.BATCH:
                        reference = {"leads": [reference]}
                    assert body["examples"]["reference"]["value"] == reference


def test_lead_ids_are_bounded_by_the_pattern_the_api_makes_them_in():
    document = openapi.document()
    schemas = [
        _parameter(document, "/api/crm/lead/{id}", "get", "id")["schema"],
        _parameter(document, "/api/crm/lead", "get", "starting_after")["schema"],
        _parameter(document, "/api/crm/lead", "get", "ending_before")["schema"],
        document["components"]["schemas"]["Lead"]["properties"]["id"],
        document["components"]["schemas"]["DeletedLead"]["properties"]["id"],
    ]
    for schema in schemas:
        assert schema["maxLength"] == 69
        assert re.fullmatch(schema["pattern"].strip("^$"), ids.new_lead_id())
        assert re.fullmatch(schema["pattern"].strip("^$"), "lead_abc123")
        for not_an_id in ("lead_", "abc123", "lead_abc/123", "lead_" + "a" * 65):
            assert not re.search(schema["pattern"], not_an_id), not_an_id


def test_headers_and_pages_are_bounded_and_retry_after_is_documented():
    document = openapi.document()
    if_match = _parameter(document, "/api/crm/lead/{id}", "patch", "If-Match")
    assert if_match["schema"]["maxLength"] == 256
    assert document["components"]["schemas"]["LeadList"]["properties"]["data"]["maxItems"] == 100
    for status in ("429", "503"):
        response = document["components"]["responses"][f"Error{status}"]
        retry_after = _resolve(document, response["headers"]["Retry-After"])
        assert retry_after["schema"]["type"] == "integer"


def test_there_is_a_server_for_a_deployed_stack_and_one_for_the_local_run():
    deployed, local = openapi.document()["servers"]
    assert deployed["url"] == "https://{apiId}.execute-api.{region}.amazonaws.com/{stage}"
    assert set(deployed["variables"]) == {"apiId", "region", "stage"}
    assert all(variable["default"] for variable in deployed["variables"].values())
    assert local["url"] == "http://127.0.0.1:3000"


def test_an_answered_etag_is_linked_to_if_match_of_update_and_delete():
    document = openapi.document()
    for path, method, status in (
        ("/api/crm/lead", "post", "201"),
        ("/api/crm/lead/{id}", "get", "200"),
        ("/api/crm/lead/{id}", "patch", "200"),
    ):
        links = document["paths"][path][method]["responses"][status]["links"]
        for name, operation_id in (("UpdateLead", "updateLead"), ("DeleteLead", "deleteLead")):
            assert links[name]["operationId"] == operation_id
            assert links[name]["parameters"] == {
                "id": "$response.body#/id",
                "If-Match": "$response.header.ETag",
            }


def test_the_401_says_which_code_comes_from_where():
    document = openapi.document()
    unauthorized = document["components"]["responses"]["Error401"]
    examples = unauthorized["content"]["application/json"]["examples"]
    assert {example["value"]["error"]["code"] for example in examples.values()} == {
        "api_key_invalid",
        "api_key_missing",
    }
    assert "cannot tell a missing header apart" in unauthorized["description"]

"""The OpenAPI document is part of the contract: generated from the models, checked in, valid,
and describing what the functions really answer."""

import json
import subprocess
import sys

import jsonschema
from openapi_spec_validator import validate

from leads_cli import openapi
from leads_cli.template import load
from support.events import api_event
from support.functions import invoke


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

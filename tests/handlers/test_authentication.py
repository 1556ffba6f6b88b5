"""The authorizer, and the functions' own key check when API Gateway skipped the authorizer
(its console "Test" button sends no authorizer context)."""

import pytest

from support.events import api_event, authorizer_event
from support.functions import authorize as run_authorizer
from support.functions import invoke

JSON = "application/json"


def authorize(token):
    return run_authorizer(authorizer_event(token))


def test_authorizer_allows_the_whole_api_and_passes_the_tenant(make_key, tenant):
    key = make_key(tenant.account)
    answer = authorize(f"Bearer {key}")
    (statement,) = answer["policyDocument"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == ["arn:aws:execute-api:us-east-1:123456789012:abc123/dev/*/*"]
    assert answer["context"]["account"] == tenant.account and answer["context"]["mode"] == "test"
    assert all(isinstance(value, str) for value in answer["context"].values())
    assert key not in str(answer)


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_the_bearer_scheme_is_case_insensitive_in_the_authorizer_and_the_functions(
    make_key, tenant, scheme
):
    key = make_key(tenant.account)
    # The authorizer accepts the key, whatever the scheme's case (RFC 9110, 11.1)
    assert authorize(f"{scheme} {key}")["context"]["account"] == tenant.account
    # And so does the functions' own check, when API Gateway skipped the authorizer
    no_context = api_event("GET", "/api/crm/lead")
    no_context["headers"] = {"Authorization": f"{scheme} {key}"}
    assert invoke("list_leads", no_context)[0] == 200


@pytest.mark.parametrize(
    "token",
    [None, "", "Basic abc", "Bearer ", "Bearer sk_test_nope", "Bearers sk_test_nope", "Bearer"],
)
def test_authorizer_rejects_with_unauthorized(dynamodb, token):
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorize(token)


def test_authorizer_rejects_unknown_and_revoked_keys(make_key, tenant):
    from leads_cli.keys import create_key, revoke_key
    from leads_domain.api_keys import generate_key

    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorize(f"Bearer {generate_key('test')}")
    key_id, key = create_key(tenant.account)
    revoke_key(key_id)
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        authorize(f"Bearer {key}")


def test_functions_check_the_key_themselves_without_authorizer_context(make_key, tenant):
    key = make_key(tenant.account)
    no_context = api_event("POST", "/api/crm/lead", body={"city": "Oslo"})

    status, body, _ = invoke("create_lead", no_context)
    assert status == 401 and body["error"]["type"] == "authentication_error"

    no_context["headers"] = {"authorization": "Bearer sk_test_wrong", "Content-Type": JSON}
    assert invoke("create_lead", no_context)[0] == 401

    no_context["headers"] = {"Authorization": f"Bearer {key}", "Content-Type": JSON}
    status, body, _ = invoke("create_lead", no_context)
    assert status == 201
    listed = invoke("list_leads", api_event("GET", "/api/crm/lead", tenant=tenant))[1]
    assert [lead["id"] for lead in listed["data"]] == [body["id"]]


def test_an_unexpected_fault_is_500_without_internals(dynamodb, tenant, monkeypatch):
    from leads_domain.logic import leads

    def explode(*_):
        raise RuntimeError("secret internals: table arn:aws:dynamodb:...")

    monkeypatch.setattr(leads, "get_lead", explode)
    status, body, _ = invoke("get_lead", api_event("GET", "/api/crm/lead/lead_x", tenant=tenant))
    assert status == 500
    assert body["error"]["type"] == "api_error" and body["error"]["request_id"]
    assert "secret" not in str(body) and "RuntimeError" not in str(body)


def test_dynamodb_failure_is_503_not_500(dynamodb, tenant, monkeypatch):
    from botocore.exceptions import ClientError

    from leads_domain.data import clients

    class Throttled:
        def get_item(self, **_):
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "x"}}, "GetItem")

    monkeypatch.setattr(clients, "dynamodb", lambda: Throttled())
    monkeypatch.setattr("leads_domain.data.leads_table.dynamodb", lambda: Throttled())
    status, body, _ = invoke("get_lead", api_event("GET", "/api/crm/lead/lead_x", tenant=tenant))
    assert status == 503 and body["error"]["code"] == "service_unavailable"

"""A client generated from openapi.json by openapi-python-client, as an independent client's
author would make one, against `leads serve`: it creates, retrieves, updates, lists by offset
and by cursor and deletes, and meets a 400, 401, 404 and 412. Every answer parses into the
generated models, and the model says exactly what the API sent."""

import json
from collections.abc import Iterator
from typing import Any

import pytest

from leads_cli.openapi import OPENAPI_PATH
from support.generated_client import GeneratedClient, generated_client
from support.local_api import LocalApi

pytestmark = pytest.mark.http


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GeneratedClient]:
    with generated_client(OPENAPI_PATH, tmp_path_factory.mktemp("generated")) as client:
        yield client


def answer(sdk: GeneratedClient, response: Any, status: int, model: str) -> Any:
    """The generated model the answer parsed into, which must hold what the API sent."""
    assert response.status_code == status, response.content
    parsed = response.parsed
    assert isinstance(parsed, getattr(sdk.models, model)), (model, parsed)
    assert parsed.to_dict() == json.loads(response.content)
    return parsed


def test_a_generated_client_drives_every_operation(sdk: GeneratedClient, local_api: LocalApi):
    # Given a generated client with a key of a fresh tenant
    client = sdk.client(local_api.base_url, local_api.new_client().key)
    create, get, update = (
        sdk.operation(name) for name in ("create_lead", "get_lead", "update_lead")
    )
    list_leads, delete = sdk.operation("list_leads"), sdk.operation("delete_lead")

    # When it creates a lead, Then the answer is a Lead, with an ETag
    response = create.sync_detailed(
        client=client, body=sdk.models.LeadFields(first_name="Ada", status="Open")
    )
    lead = answer(sdk, response, 201, "Lead")
    assert (lead.lead_name, lead.status, lead.lead_owner) == ("Ada", "Open", "__user")
    etag = response.headers["ETag"]

    # When it retrieves it, Then it reads the same lead at the same version
    response = get.sync_detailed(lead.id, client=client)
    assert answer(sdk, response, 200, "Lead").to_dict() == lead.to_dict()
    assert response.headers["ETag"] == etag

    # When it updates it with that ETag as If-Match, Then only what it set changes: the
    # generated update model sends no defaults, so status stays "Open"
    response = update.sync_detailed(
        lead.id, client=client, body=sdk.models.LeadUpdate(last_name="Lovelace"), if_match=etag
    )
    updated = answer(sdk, response, 200, "Lead")
    assert (updated.lead_name, updated.status) == ("Ada Lovelace", "Open")
    current = response.headers["ETag"]
    assert current != etag

    # When it lists by offset and by cursor, over three leads
    older = [
        answer(
            sdk,
            create.sync_detailed(client=client, body=sdk.models.LeadFields(city=city)),
            201,
            "Lead",
        )
        for city in ("Oslo", "Rome")
    ]
    newest_first = [older[1].id, older[0].id, lead.id]
    page = answer(sdk, list_leads.sync_detailed(client=client, limit=2, offset=1), 200, "LeadList")
    assert ([item.id for item in page.data], page.has_more, page.total) == (
        newest_first[1:],
        False,
        3,
    )
    first = answer(sdk, list_leads.sync_detailed(client=client, limit=1), 200, "LeadList")
    assert [item.id for item in first.data] == newest_first[:1] and first.has_more
    after = list_leads.sync_detailed(client=client, limit=2, starting_after=first.data[0].id)
    assert [item.id for item in answer(sdk, after, 200, "LeadList").data] == newest_first[1:]
    before = list_leads.sync_detailed(client=client, ending_before=lead.id)
    assert [item.id for item in answer(sdk, before, 200, "LeadList").data] == newest_first[:2]

    # When it deletes a lead at its current version, Then it is gone
    response = delete.sync_detailed(lead.id, client=client, if_match=current)
    deleted = answer(sdk, response, 200, "DeletedLead")
    assert (deleted.id, deleted.deleted) == (lead.id, True)

    # And every refusal parses into the error model, with its code
    errors = {
        "parameter_invalid": (list_leads.sync_detailed(client=client, limit=0), 400),
        "api_key_invalid": (
            get.sync_detailed(older[0].id, client=sdk.client(local_api.base_url, "sk_test_nope")),
            401,
        ),
        "resource_missing": (get.sync_detailed(lead.id, client=client), 404),
        "precondition_failed": (
            # older[0] is at its first version, not at the one `current` names
            update.sync_detailed(
                older[0].id,
                client=client,
                body=sdk.models.LeadUpdate(city="Paris"),
                if_match=current,
            ),
            412,
        ),
    }
    for code, (response, status) in errors.items():
        assert answer(sdk, response, status, "ErrorResponse").error.code == code


def test_a_generated_client_creates_a_batch(sdk: GeneratedClient, local_api: LocalApi):
    # Given a generated client with a key of a fresh tenant
    client = sdk.client(local_api.base_url, local_api.new_client().key)
    batch = sdk.operation("create_leads_batch")
    body = sdk.models.LeadBatch(
        leads=[sdk.models.LeadFields(first_name="Ada"), sdk.models.LeadFields(city="Oslo")]
    )

    # When it creates a batch with an Idempotency-Key, and sends it again
    first = batch.sync_detailed(client=client, body=body, idempotency_key="generated-batch-1")
    again = batch.sync_detailed(client=client, body=body, idempotency_key="generated-batch-1")

    # Then both answers parse into the batch's model: the two leads, the same both times
    result = answer(sdk, first, 200, "LeadBatchResult")
    assert (result.created, result.failed) == (2, 0)
    assert [(lead.lead_name, lead.city) for lead in result.data] == [("Ada", None), (None, "Oslo")]
    assert all(isinstance(lead, sdk.models.Lead) for lead in result.data)
    assert answer(sdk, again, 200, "LeadBatchResult").to_dict() == result.to_dict()
    assert again.headers["Idempotent-Replayed"] == "true"
    listed = sdk.operation("list_leads").sync_detailed(client=client)
    assert answer(sdk, listed, 200, "LeadList").total == 2

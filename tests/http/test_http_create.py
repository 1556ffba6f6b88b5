"""POST /api/crm/lead: the object it answers, defaults, the derived lead_name, and strict
validation (every refusal a 400 that names the field, and nothing stored)."""

from typing import Any

import pytest

from support.assertions import assert_error, assert_json, assert_lead, assert_recent
from support.client import LeadsClient
from support.local_api import LocalApi
from support.reference import (
    DEFAULTS,
    REFERENCE_LEAD,
    RESPONSE_FIELDS,
    STRING_FIELDS,
    TEXT_LENGTH,
    URL_FIELDS,
    URL_LENGTH,
    WRITABLE_FIELDS,
)

pytestmark = pytest.mark.http

JSON = "application/json"


@pytest.fixture(scope="module")
def rejecting(local_api: LocalApi) -> LeadsClient:
    """A tenant that only ever sends requests that must be refused: it must stay empty."""
    return local_api.new_client()


def assert_nothing_stored(client: LeadsClient) -> None:
    assert client.page() == {"data": [], "has_more": False, "total": 0}


# --- success ------------------------------------------------------------------------------


def test_create_with_every_field_answers_201_and_stores_exactly_what_was_sent(
    client: LeadsClient,
) -> None:
    # Given every writable field, with the reference's own example values
    sent = {name: REFERENCE_LEAD[name] for name in WRITABLE_FIELDS}
    sent["annual_revenue"] = 1250000.5
    sent["unsubscribed"] = sent["disabled"] = True

    # When the lead is created
    response = client.post(sent)

    # Then 201 with exactly the reference's fields, holding what was sent
    assert response.status_code == 201, response.text
    lead = assert_lead(assert_json(response))
    assert set(lead) == RESPONSE_FIELDS and len(lead) == 45
    assert {name: lead[name] for name in WRITABLE_FIELDS} == sent
    assert lead["email_id"] == "[email protected]"
    assert lead["qualified_on"] == "qualified_on_example"
    assert lead["created_at"] == lead["updated_at"]
    assert_recent(lead["created_at"])

    # And it is stored so: read back, and listed, identically
    assert client.lead(lead["id"]) == lead
    assert client.page() == {"data": [lead], "has_more": False, "total": 1}


def test_create_with_an_empty_object_gives_every_field_null_or_its_default(
    shared_client: LeadsClient,
) -> None:
    # When a lead is created from {}
    lead = shared_client.create()

    # Then every field is present: the defaults set, everything else null
    expected = {name: DEFAULTS.get(name) for name in WRITABLE_FIELDS}
    assert {name: lead[name] for name in WRITABLE_FIELDS} == expected
    assert lead["lead_owner"] == "__user" and lead["status"] == "Lead"
    assert lead["unsubscribed"] is False
    assert lead["blog_subscriber"] is False
    assert lead["disabled"] is False
    assert shared_client.lead(lead["id"]) == lead


def test_create_without_any_body_creates_a_lead(client: LeadsClient) -> None:
    # When POST is sent with no body at all (and no Content-Type), as the reference's curl does
    response = client.request("POST", "/api/crm/lead")

    # Then a lead with the defaults is created
    assert response.status_code == 201, response.text
    lead = assert_lead(assert_json(response))
    assert {name: lead[name] for name in DEFAULTS} == DEFAULTS
    assert client.page() == {"data": [lead], "has_more": False, "total": 1}


def test_ids_are_unique_and_timestamps_fixed_width_utc_with_microseconds(
    shared_client: LeadsClient,
) -> None:
    # When several leads are created
    leads = [shared_client.create(company_name=f"Company {n}") for n in range(5)]

    # Then each has an id of its own, and timestamps that sort as text in creation order
    assert len({lead["id"] for lead in leads}) == 5
    created = [lead["created_at"] for lead in leads]
    assert created == sorted(created)
    assert len({len(text) for text in created}) == 1
    for text in created:
        assert text.endswith("Z") and len(text) == len("2024-01-15T09:30:00.000000Z")
        assert_recent(text)


def test_null_fields_on_create_are_unset_and_defaults_apply(shared_client: LeadsClient) -> None:
    # When a create sends null for plain fields and for fields with a default
    lead = shared_client.create(company_name=None, status=None, disabled=None, annual_revenue=None)

    # Then plain fields stay null and defaulted fields take their defaults
    assert lead["company_name"] is None and lead["annual_revenue"] is None
    assert lead["status"] == "Lead" and lead["disabled"] is False
    assert shared_client.lead(lead["id"]) == lead


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {
                "salutation": "Dr",
                "first_name": "Ada",
                "middle_name": "King",
                "last_name": "Lovelace",
                "company_name": "Analytical Engines",
                "email_id": "ada@example.com",
            },
            "Dr Ada King Lovelace",
        ),
        ({"first_name": "Ada", "last_name": "Lovelace"}, "Ada Lovelace"),
        ({"first_name": "Ada", "company_name": "Analytical Engines"}, "Ada"),
        ({"salutation": "Ms", "last_name": "Lovelace"}, "Ms Lovelace"),
        ({"middle_name": "King", "email_id": "ada@example.com"}, "King"),
        (
            {"company_name": "Analytical Engines", "email_id": "ada@example.com"},
            "Analytical Engines",
        ),
        ({"email_id": "ada@example.com"}, "ada@example.com"),
        ({"city": "London"}, None),
        (
            {"lead_name": "Chosen Name", "first_name": "Ada", "company_name": "Engines"},
            "Chosen Name",
        ),
    ],
    ids=[
        "all name parts",
        "first and last",
        "name before company",
        "salutation joins a name",
        "middle name alone",
        "company before email",
        "email last",
        "nothing to derive from",
        "sent lead_name kept",
    ],
)
def test_lead_name_is_derived_when_not_sent(
    shared_client: LeadsClient, fields: dict[str, Any], expected: str | None
) -> None:
    # When a lead is created with these fields
    lead = shared_client.create(**fields)

    # Then lead_name is the sent one, else salutation+first+middle+last, else company, else email
    assert lead["lead_name"] == expected
    assert shared_client.lead(lead["id"])["lead_name"] == expected
    for name, value in fields.items():
        assert lead[name] == value


def test_strings_are_plain_text_whatever_their_content(shared_client: LeadsClient) -> None:
    # Given values that look like formats or markup, and multi-byte text at the length limit
    fields = {
        "email_id": "[email protected]",
        "qualified_on": "qualified_on_example",
        "website": "not a url",
        "phone": "+1 (555) <script>",
        "company_name": "é" * TEXT_LENGTH,
        "city": "😀" * TEXT_LENGTH,
        "country": "",
    }

    # When they are sent, Then they are stored as sent
    lead = shared_client.create(**fields)
    assert {name: lead[name] for name in fields} == fields
    assert shared_client.lead(lead["id"]) == lead


def test_every_string_field_accepts_its_maximum_length(shared_client: LeadsClient) -> None:
    # Given every string field at its longest: 140 characters, 2048 for URL fields
    fields = {
        name: (name[0] * (URL_LENGTH if name in URL_FIELDS else TEXT_LENGTH))
        for name in STRING_FIELDS
    }

    # When they are sent, Then they are all stored in full
    lead = shared_client.create(**fields)
    assert {name: lead[name] for name in fields} == fields
    assert shared_client.lead(lead["id"]) == lead


@pytest.mark.parametrize(
    "revenue", [0, -5, 42, 1234.5, 0.1, 999999999999, -0.25], ids=lambda value: repr(value)
)
def test_annual_revenue_takes_json_numbers(shared_client: LeadsClient, revenue: float) -> None:
    lead = shared_client.create(annual_revenue=revenue)
    assert lead["annual_revenue"] == revenue
    assert shared_client.lead(lead["id"])["annual_revenue"] == revenue


def test_a_json_body_is_accepted_with_a_charset_in_its_media_type(
    shared_client: LeadsClient,
) -> None:
    response = shared_client.request(
        "POST",
        "/api/crm/lead",
        data=b'{"company_name": "Typed"}',
        headers={"Content-Type": "Application/JSON; charset=utf-8"},
    )
    assert response.status_code == 201, response.text
    assert assert_lead(assert_json(response))["company_name"] == "Typed"


# --- refusals: one of each kind (the whole matrix is in tests/unit/test_models.py and
# tests/unit/test_http_request.py) ------------------------------------------------------------


def test_a_wrong_json_type_is_400_naming_the_field(rejecting: LeadsClient) -> None:
    # When a field is sent with a JSON type other than its own (no coercion: "1" is no number)
    response = rejecting.post({"company_name": "Acme", "annual_revenue": "1"})

    # Then 400 parameter_invalid names the field, and nothing is stored
    assert_error(
        response,
        400,
        type_="invalid_request_error",
        code="parameter_invalid",
        param="annual_revenue",
    )
    assert_nothing_stored(rejecting)


def test_an_unknown_field_is_400_parameter_unknown(rejecting: LeadsClient) -> None:
    response = rejecting.post({"company_name": "Acme", "lead_id": "x"})
    assert_error(response, 400, code="parameter_unknown", param="lead_id")
    assert_nothing_stored(rejecting)


def test_a_read_only_field_is_400(rejecting: LeadsClient) -> None:
    response = rejecting.post({"company_name": "Acme", "id": REFERENCE_LEAD["id"]})
    assert_error(response, 400, code="parameter_read_only", param="id")
    assert_nothing_stored(rejecting)


def test_a_text_field_over_140_characters_is_400(rejecting: LeadsClient) -> None:
    response = rejecting.post({"city": "x" * (TEXT_LENGTH + 1)})
    assert_error(response, 400, code="parameter_invalid", param="city")
    assert_nothing_stored(rejecting)


def test_a_url_field_over_2048_characters_is_400(rejecting: LeadsClient) -> None:
    response = rejecting.post({"website": "https://example.com/" + "x" * URL_LENGTH})
    assert_error(response, 400, code="parameter_invalid", param="website")
    assert_nothing_stored(rejecting)


def _post_raw(client: LeadsClient, body: bytes, content_type: str | None = JSON) -> Any:
    headers = {"Content-Type": content_type} if content_type else {}
    return client.request("POST", "/api/crm/lead", data=body, headers=headers)


def test_invalid_json_is_400(rejecting: LeadsClient) -> None:
    response = _post_raw(rejecting, b'{"company_name": "Acme"')
    assert_error(response, 400, type_="invalid_request_error", code="body_invalid_json", param=None)
    assert_nothing_stored(rejecting)


def test_json_that_is_not_an_object_is_400(rejecting: LeadsClient) -> None:
    response = _post_raw(rejecting, b'[{"company_name": "Acme"}]')
    assert_error(response, 400, type_="invalid_request_error", code="body_invalid", param=None)
    assert_nothing_stored(rejecting)


def test_a_body_that_is_not_utf8_is_400_not_500(rejecting: LeadsClient) -> None:
    # When the body is not UTF-8 text (so not JSON: RFC 8259 requires UTF-8)
    response = _post_raw(rejecting, b'{"company_name": "Caf\xe9"}')

    # Then it is bad input, a 400, not a fault of the service
    assert_error(response, 400, type_="invalid_request_error", param=None)
    assert_nothing_stored(rejecting)


def test_lone_surrogate_in_a_string_is_400(rejecting: LeadsClient) -> None:
    response = _post_raw(rejecting, b'{"company_name": "\\ud800"}')
    assert_error(response, 400, param="company_name")
    assert_nothing_stored(rejecting)


def test_annual_revenue_dynamodb_cannot_store_is_400_not_503(rejecting: LeadsClient) -> None:
    # When annual_revenue is a JSON number outside what DynamoDB can store (1e-130 to 9.99e125)
    response = _post_raw(rejecting, b'{"annual_revenue": 1e200}')

    # Then the request is refused as invalid (never a 5xx: it is not a service fault)
    assert_error(response, 400, code="parameter_invalid", param="annual_revenue")
    assert_nothing_stored(rejecting)


def test_a_body_not_sent_as_json_is_415(rejecting: LeadsClient) -> None:
    # When a body comes without the JSON media type
    response = _post_raw(rejecting, b'{"company_name": "Acme"}', "text/plain")

    # Then it is refused as unsupported, not guessed at, and nothing is stored
    assert_error(response, 415, type_="invalid_request_error", code="content_type_invalid")
    assert_nothing_stored(rejecting)


def test_refused_creates_left_nothing_behind(rejecting: LeadsClient) -> None:
    # After any of the refusals above (in this worker), the tenant still has no lead
    assert_nothing_stored(rejecting)

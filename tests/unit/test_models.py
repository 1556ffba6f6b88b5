"""What a client may send: strict JSON types, bounded strings, no unknown or read-only fields."""

import json

import pytest

from leads_domain.errors import InvalidRequest
from leads_domain.fields import FIELDS, RESPONSE_FIELDS, TEXT_LENGTH, URL_LENGTH
from leads_domain.models import parse_fields

REFERENCE_FIELDS = [
    "id",
    "created_at",
    "updated_at",
    "lead_name",
    "company_name",
    "email_id",
    "lead_owner",
    "status",
    "salutation",
    "gender",
    "customer",
    "image",
    "phone",
    "mobile_no",
    "fax",
    "type",
    "market_segment",
    "industry",
    "request_type",
    "company",
    "website",
    "territory",
    "unsubscribed",
    "blog_subscriber",
    "title",
    "language",
    "first_name",
    "middle_name",
    "last_name",
    "no_of_employees",
    "whatsapp_no",
    "phone_ext",
    "qualified_by",
    "qualified_on",
    "qualification_status",
    "job_title",
    "annual_revenue",
    "disabled",
    "city",
    "state",
    "country",
    "utm_content",
    "utm_source",
    "utm_medium",
    "utm_campaign",
]


def rejected(body) -> InvalidRequest:
    with pytest.raises(InvalidRequest) as caught:
        parse_fields(body)
    return caught.value


def test_the_lead_has_exactly_the_reference_fields_in_order():
    assert list(RESPONSE_FIELDS) == REFERENCE_FIELDS


def test_only_sent_fields_are_returned_with_null_kept():
    assert parse_fields({"city": "Oslo", "phone": None}) == {"city": "Oslo", "phone": None}


def test_reference_example_values_are_plain_strings_and_accepted():
    body = {
        "email_id": "[email protected]",
        "qualified_on": "qualified_on_example",
        "annual_revenue": 0,
    }
    assert parse_fields(body) == body


# The validation matrix: every kind of refusal, field by field. The HTTP tier sends one case of
# each kind through the local run (tests/http/test_http_create.py, test_http_update.py).
WRONG_TYPES = [
    ("unsubscribed", "true"),
    ("unsubscribed", 1),
    ("blog_subscriber", "false"),
    ("blog_subscriber", 0),
    ("disabled", "yes"),
    ("disabled", 1),
    ("disabled", []),
    ("annual_revenue", "1"),
    ("annual_revenue", "1e3"),
    ("annual_revenue", True),
    ("annual_revenue", False),
    ("annual_revenue", [1]),
    ("annual_revenue", {"amount": 1}),
    ("annual_revenue", 1e16),
    ("company_name", 123),
    ("company_name", 1.5),
    ("first_name", True),
    ("first_name", ["Ada"]),
    ("email_id", ["ada@example.com"]),
    ("status", {"name": "Lead"}),
    ("lead_owner", 0),
    ("website", False),
    ("lead_name", 7),
    ("city", 5),
    ("city", ["Oslo"]),
    ("city", {"name": "Oslo"}),
    ("city", True),
]


@pytest.mark.parametrize(
    ("name", "value"), WRONG_TYPES, ids=[f"{n}={json.dumps(v)}" for n, v in WRONG_TYPES]
)
def test_wrong_json_types_are_400_naming_the_field(name, value):
    # No coercion: "1" is no number, 1 is no boolean; and the rest of the body is fine.
    error = rejected({"company_name": "Acme", name: value})
    assert (error.status, error.code, error.param) == (400, "parameter_invalid", name)


def test_a_field_sent_as_null_does_not_hide_a_wrong_one():
    assert rejected({"lead_name": None, "first_name": 3}).param == "first_name"


@pytest.mark.parametrize(
    "name", ["nickname", "lead_id", "Company_Name", "tenant", "sk", "version", ""]
)
def test_unknown_field_is_rejected_by_name(name):
    error = rejected({"company_name": "Acme", name: "x"})
    assert (error.code, error.param) == ("parameter_unknown", name)


@pytest.mark.parametrize("name", ["id", "created_at", "updated_at"])
def test_read_only_fields_are_rejected(name):
    error = rejected({name: "x"})
    assert (error.code, error.param) == ("parameter_read_only", name)


@pytest.mark.parametrize(
    "body", [[], [{"company_name": "Acme"}], "text", "Acme", 3, 42, None, True]
)
def test_body_must_be_an_object(body):
    error = rejected(body)
    assert (error.code, error.param) == ("body_invalid", None)


STRING_FIELDS = [
    name
    for name in FIELDS
    if name not in ("unsubscribed", "blog_subscriber", "disabled") and name != "annual_revenue"
]


@pytest.mark.parametrize("name", STRING_FIELDS)
def test_every_text_field_is_bounded_and_urls_get_more_room(name):
    limit = URL_LENGTH if name in ("website", "image") else TEXT_LENGTH
    assert parse_fields({name: "x" * limit}) == {name: "x" * limit}
    error = rejected({name: "x" * (limit + 1)})
    assert (error.code, error.param) == ("parameter_invalid", name)


def test_a_valid_field_does_not_hide_an_invalid_one():
    body = {name: "ok" for name in STRING_FIELDS}
    body.update({"unsubscribed": False, "blog_subscriber": False, "disabled": "no"})
    assert rejected(body).param == "disabled"


# Numbers no DynamoDB item can hold (its range is 1e-130 to 9.99e125 in magnitude, 38 digits),
# and numbers that are not JSON.
UNSTORABLE_REVENUE = {
    "huge float": "1e200",
    "overflowing float": "1e400",
    "41-digit integer": "10000000000000000000000000000000000000000",
    "tiny float": "1e-200",
    "smallest subnormal": "5e-324",
    "negative tiny float": "-1e-150",
}


@pytest.mark.parametrize("raw", UNSTORABLE_REVENUE.values(), ids=UNSTORABLE_REVENUE.keys())
def test_annual_revenue_dynamodb_cannot_store_is_refused(raw):
    error = rejected(json.loads('{"annual_revenue": ' + raw + "}"))
    assert (error.code, error.param) == ("parameter_invalid", "annual_revenue")


def test_lone_surrogates_are_rejected():
    assert rejected({"city": "\ud800"}).param == "city"


def test_integers_stay_integers_and_decimals_are_kept():
    assert parse_fields({"annual_revenue": 0})["annual_revenue"] == 0
    assert type(parse_fields({"annual_revenue": 0})["annual_revenue"]) is int
    assert parse_fields({"annual_revenue": 1234.5}) == {"annual_revenue": 1234.5}

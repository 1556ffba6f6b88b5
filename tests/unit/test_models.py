"""What a client may send: strict JSON types, bounded strings, no unknown or read-only fields."""

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


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"unsubscribed": "true"}, "unsubscribed"),
        ({"disabled": 1}, "disabled"),
        ({"annual_revenue": "1"}, "annual_revenue"),
        ({"annual_revenue": True}, "annual_revenue"),
        ({"annual_revenue": 1e16}, "annual_revenue"),
        ({"city": 5}, "city"),
        ({"city": ["Oslo"]}, "city"),
        ({"city": {"name": "Oslo"}}, "city"),
        ({"city": True}, "city"),
    ],
)
def test_wrong_json_types_are_400_naming_the_field(body, param):
    error = rejected(body)
    assert (error.status, error.code, error.param) == (400, "parameter_invalid", param)


def test_unknown_field_is_rejected_by_name():
    error = rejected({"nickname": "Al"})
    assert (error.code, error.param) == ("parameter_unknown", "nickname")


@pytest.mark.parametrize("name", ["id", "created_at", "updated_at"])
def test_read_only_fields_are_rejected(name):
    error = rejected({name: "x"})
    assert (error.code, error.param) == ("parameter_read_only", name)


@pytest.mark.parametrize("body", [[], "text", 3, None, True])
def test_body_must_be_an_object(body):
    assert rejected(body).code == "body_invalid"


def test_every_text_field_is_bounded_and_urls_get_more_room():
    for name in FIELDS:
        if name in ("unsubscribed", "blog_subscriber", "disabled", "annual_revenue"):
            continue
        limit = URL_LENGTH if name in ("website", "image") else TEXT_LENGTH
        assert parse_fields({name: "x" * limit}) == {name: "x" * limit}
        assert rejected({name: "x" * (limit + 1)}).param == name


def test_lone_surrogates_are_rejected():
    assert rejected({"city": "\ud800"}).param == "city"


def test_integers_stay_integers_and_decimals_are_kept():
    assert parse_fields({"annual_revenue": 0})["annual_revenue"] == 0
    assert type(parse_fields({"annual_revenue": 0})["annual_revenue"]) is int
    assert parse_fields({"annual_revenue": 1234.5}) == {"annual_revenue": 1234.5}

"""Pure lead rules: ids, timestamps, derived names, the response shape, page parameters."""

import re

import pytest

from leads_domain import logic
from leads_domain.errors import InvalidRequest
from leads_domain.fields import RESPONSE_FIELDS


def test_ids_are_prefixed_random_and_unique():
    ids = {logic.new_lead_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(re.fullmatch(r"lead_[0-9A-Za-z]{24}", lead_id) for lead_id in ids)


def test_timestamps_are_fixed_width_utc_with_microseconds():
    stamp = logic.now()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", stamp)


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        (
            {"salutation": "Dr", "first_name": "Ada", "middle_name": "K", "last_name": "Lovelace"},
            "Dr Ada K Lovelace",
        ),
        ({"first_name": "Ada", "company_name": "Acme"}, "Ada"),
        ({"last_name": "Lovelace", "email_id": "a@x.io"}, "Lovelace"),
        ({"salutation": "Dr", "company_name": "Acme"}, "Acme"),
        ({"company_name": "Acme", "email_id": "a@x.io"}, "Acme"),
        ({"email_id": "a@x.io"}, "a@x.io"),
        ({"city": "Oslo"}, None),
        ({"first_name": "", "company_name": ""}, None),
    ],
)
def test_lead_name_is_derived_as_erpnext_does(fields, name):
    assert logic.derived_lead_name(fields) == name


def test_present_answers_every_field_with_null_for_unset_and_nothing_internal():
    shown = logic.present({"id": "lead_x", "city": "Oslo", "version": 3, "tenant": "t"})
    assert list(shown) == list(RESPONSE_FIELDS)
    assert shown["city"] == "Oslo" and shown["phone"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, (20, 0, None)),
        ({"limit": "1"}, (1, 0, None)),
        ({"limit": "100", "offset": "250"}, (100, 250, None)),
        ({"starting_after": "lead_x", "limit": "5"}, (5, 0, "starting_after")),
        ({"ending_before": "lead_x"}, (20, 0, "ending_before")),
    ],
)
def test_page_parameters(query, expected):
    assert logic._page_parameters(query) == expected


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "1.5"}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"limit": ""}, "limit"),
        ({"limit": "١٢"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"offset": "1e3"}, "offset"),
        ({"offset": "9" * 10}, "offset"),
        ({"page": "2"}, "page"),
        ({"offset": "1", "starting_after": "lead_x"}, "starting_after"),
        ({"offset": "0", "ending_before": "lead_x"}, "ending_before"),
        ({"starting_after": "lead_x", "ending_before": "lead_y"}, "ending_before"),
        ({"starting_after": ""}, "starting_after"),
    ],
)
def test_bad_page_parameters_are_400_naming_the_parameter(query, param):
    with pytest.raises(InvalidRequest) as caught:
        logic._page_parameters(query)
    assert caught.value.param == param

"""Pure lead rules: ids, timestamps, derived names, the response shape."""

import re

import pytest

from leads_domain import ids
from leads_domain.fields import RESPONSE_FIELDS
from leads_domain.logic import rules


def test_ids_are_prefixed_random_and_unique():
    made = {ids.new_lead_id() for _ in range(1000)}
    assert len(made) == 1000
    assert all(re.fullmatch(r"lead_[0-9A-Za-z]{24}", lead_id) for lead_id in made)


def test_derived_ids_are_the_same_for_the_same_seed_only():
    assert ids.derived_id("lead_", "a") == ids.derived_id("lead_", "a")
    assert ids.derived_id("lead_", "a") != ids.derived_id("lead_", "b")
    assert re.fullmatch(r"lead_[0-9A-Za-z]{24}", ids.derived_id("lead_", "a"))


def test_timestamps_are_fixed_width_utc_with_microseconds():
    stamp = rules.now()
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
    assert rules.derived_lead_name(fields) == name


def test_present_answers_every_field_with_null_for_unset_and_nothing_internal():
    shown = rules.present({"id": "lead_x", "city": "Oslo", "version": 3, "tenant": "t"})
    assert list(shown) == list(RESPONSE_FIELDS)
    assert shown["city"] == "Oslo" and shown["phone"] is None

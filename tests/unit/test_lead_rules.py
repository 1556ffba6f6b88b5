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


# --- lead_name after an update: re-derived while it is the derived one --------------------

ADA = {"first_name": "Ada", "lead_name": "Ada", "city": "Oslo"}


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (ADA, True),
        ({"first_name": "Ada", "lead_name": "Countess"}, False),
        ({"city": "Oslo"}, True),  # no name, and nothing to derive one from
        ({"company_name": "Acme", "lead_name": "Acme"}, True),
        ({"company_name": "Acme"}, False),  # a name could be derived, but none is stored
    ],
)
def test_a_stored_lead_name_is_derived_when_it_equals_the_derivation(stored, expected):
    assert rules.has_derived_name(stored) is expected


@pytest.mark.parametrize(
    ("stored", "wanted", "lead_name"),
    [
        pytest.param(ADA, {"last_name": "Lovelace"}, "Ada Lovelace", id="a name part added"),
        pytest.param(ADA, {"first_name": "Augusta"}, "Augusta", id="a name part changed"),
        pytest.param(
            {**ADA, "salutation": "Dr", "lead_name": "Dr Ada"},
            {"salutation": None},
            "Ada",
            id="a name part cleared",
        ),
        pytest.param(
            {"company_name": "Acme", "lead_name": "Acme"},
            {"company_name": "Other"},
            "Other",
            id="the company the name came from",
        ),
        pytest.param(
            {"email_id": "a@x.io", "lead_name": "a@x.io"},
            {"email_id": None},
            None,
            id="the last source cleared: no name",
        ),
        pytest.param({"city": "Oslo"}, {"company_name": "Acme"}, "Acme", id="a nameless lead"),
        pytest.param(
            {"first_name": "Ada", "lead_name": "Countess"},
            {"last_name": "Lovelace", "lead_name": None},
            "Ada Lovelace",
            id="a chosen name cleared",
        ),
    ],
)
def test_an_update_of_a_name_field_derives_a_derived_lead_name_again(stored, wanted, lead_name):
    assert rules.with_derived_name(stored, wanted) == {**wanted, "lead_name": lead_name}


@pytest.mark.parametrize(
    ("stored", "wanted"),
    [
        pytest.param(
            {"first_name": "Ada", "lead_name": "Countess"},
            {"last_name": "Lovelace"},
            id="a chosen name stays",
        ),
        pytest.param(ADA, {"city": "Rome"}, id="no name field changed"),
        pytest.param(
            ADA, {"first_name": "Augusta", "lead_name": "Gus"}, id="a name sent with the change"
        ),
    ],
)
def test_an_update_keeps_a_chosen_lead_name_or_one_sent_with_it(stored, wanted):
    assert rules.with_derived_name(stored, wanted) == wanted


def test_the_name_basis_is_every_name_field_and_lead_name_absent_ones_as_none():
    basis = rules.name_basis({"first_name": "Ada", "lead_name": "Ada", "city": "Oslo"})
    assert basis == {
        "salutation": None,
        "first_name": "Ada",
        "middle_name": None,
        "last_name": None,
        "company_name": None,
        "email_id": None,
        "lead_name": "Ada",
    }

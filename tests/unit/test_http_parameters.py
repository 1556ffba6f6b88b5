"""HTTP syntax to typed values: page requests, If-Match versions, Idempotency-Keys."""

import pytest

from leads_domain.errors import InvalidRequest
from leads_domain.http.parameters import (
    etag,
    expected_versions,
    idempotency_key,
    page_request,
)
from leads_domain.paging import PageRequest


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, PageRequest(20, 0)),
        ({"limit": "1"}, PageRequest(1, 0)),
        ({"limit": "100", "offset": "250"}, PageRequest(100, 250)),
        ({"starting_after": "lead_x", "limit": "5"}, PageRequest(5, starting_after="lead_x")),
        ({"ending_before": "lead_x"}, PageRequest(20, ending_before="lead_x")),
    ],
)
def test_page_requests(query, expected):
    assert page_request(query) == expected


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
        page_request(query)
    assert caught.value.param == param


@pytest.mark.parametrize(
    ("header", "versions"),
    [
        (None, None),
        ("*", None),
        (' "v3" ', (3,)),
        ('W/"v3"', (3,)),
        ('"v1", "v2"', (1, 2)),
        ('"x1"', ()),
        ("v1", ()),
        ('"v1234567890123"', ()),
        (", ".join(f'"v{n}"' for n in range(20)), tuple(range(10))),
    ],
)
def test_if_match_names_the_versions_a_change_may_apply_to(header, versions):
    assert expected_versions(header) == versions


def test_an_if_match_longer_than_ten_weak_tags_need_is_refused_naming_it():
    ten_weak_tags = ", ".join(f'W/"v{10**11 + n}"' for n in range(10))
    assert len(expected_versions(ten_weak_tags) or ()) == 10
    with pytest.raises(InvalidRequest) as caught:
        expected_versions(ten_weak_tags + " " * 257)
    assert caught.value.param == "If-Match" and "256" in caught.value.message


def test_an_etag_is_read_back_as_its_version():
    assert expected_versions(etag(42)) == (42,)


@pytest.mark.parametrize("key", ["a", "k" * 255, "with inner space", "uuid-1234"])
def test_idempotency_keys_of_printable_ascii_are_taken(key):
    assert idempotency_key(key) == key


@pytest.mark.parametrize("key", ["", "k" * 256, " leading", "trailing ", "é", "tab\x00"])
def test_other_idempotency_keys_are_400_naming_the_header(key):
    with pytest.raises(InvalidRequest) as caught:
        idempotency_key(key)
    assert caught.value.param == "Idempotency-Key"

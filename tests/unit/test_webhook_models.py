"""What a client may send to create or update a webhook endpoint."""

import typing

import pytest

from leads_domain.errors import InvalidRequest
from leads_domain.event_types import EVENT_TYPES, EVERY_TYPE
from leads_domain.webhook_models import EventName, parse_create, parse_update

URL = "https://hooks.example/in"


def test_the_event_names_are_the_event_types_and_every_type():
    assert typing.get_args(EventName) == (EVERY_TYPE, *EVENT_TYPES)


def test_a_create_needs_a_url_and_events():
    assert parse_create({"url": URL, "enabled_events": ["*"]}) == {
        "url": URL,
        "enabled_events": ["*"],
    }
    fields = parse_create({"url": URL, "enabled_events": ["lead.created"], "description": "x"})
    assert fields["description"] == "x"


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"enabled_events": ["*"]}, "url"),
        ({"url": URL}, "enabled_events"),
        ({"url": URL, "enabled_events": []}, "enabled_events"),
        ({"url": URL, "enabled_events": ["lead.nope"]}, "enabled_events"),
        ({"url": URL, "enabled_events": ["*", "lead.created"]}, "enabled_events"),
        ({"url": URL, "enabled_events": ["lead.created", "lead.created"]}, "enabled_events"),
        ({"url": 7, "enabled_events": ["*"]}, "url"),
        ({"url": "https://x/" + "a" * 2048, "enabled_events": ["*"]}, "url"),
        ({"url": URL, "enabled_events": ["*"], "secret": "whsec_mine"}, "secret"),
        ({"url": URL, "enabled_events": ["*"], "status": "disabled"}, "status"),
        ({"url": URL, "enabled_events": ["*"], "description": "x" * 501}, "description"),
    ],
)
def test_create_refusals_name_the_field(body, param):
    with pytest.raises(InvalidRequest) as refused:
        parse_create(body)
    assert refused.value.param == param


def test_an_update_sets_what_is_sent_and_only_the_description_may_be_null():
    assert parse_update({}) == {}
    assert parse_update({"status": "disabled", "description": None}) == {
        "status": "disabled",
        "description": None,
    }
    for name in ("url", "enabled_events", "status"):
        with pytest.raises(InvalidRequest) as refused:
            parse_update({name: None})
        assert refused.value.param == name
    with pytest.raises(InvalidRequest):
        parse_update({"status": "paused"})
    with pytest.raises(InvalidRequest):
        parse_update([])

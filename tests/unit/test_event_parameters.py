"""The events list's query string: limit, a cursor, type (repeated or a comma list), lead."""

import pytest

from leads_domain.errors import InvalidRequest
from leads_domain.http.event_parameters import event_page_request


def test_defaults_and_filters():
    request = event_page_request({})
    assert request.page.limit == 20 and request.types is None and request.lead is None
    request = event_page_request(
        {
            "type": ["lead.deleted,lead.created", "lead.created"],
            "lead": ["lead_abc"],
            "limit": ["5"],
        }
    )
    assert request.types == ("lead.created", "lead.deleted")
    assert request.lead == "lead_abc" and request.page.limit == 5


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ({"type": ["lead.exploded"]}, "type"),
        ({"type": [""]}, "type"),
        ({"type": [" lead.created"]}, "type"),
        ({"type": ["lead.created"] * 4}, "type"),
        ({"type": ["lead.created,lead.deleted,lead.updated,lead.created"]}, "type"),
        ({"lead": ["nope"]}, "lead"),
        ({"limit": ["0"]}, "limit"),
        ({"limit": ["x"]}, "limit"),
        ({"offset": ["1"]}, "offset"),
        ({"lead": ["lead_a", "lead_b"]}, "lead"),
        ({"starting_after": ["evt_a"], "ending_before": ["evt_b"]}, "ending_before"),
        ({"starting_after": [""]}, "starting_after"),
    ],
)
def test_refusals_name_the_parameter(query, param):
    with pytest.raises(InvalidRequest) as refused:
        event_page_request(query)
    assert refused.value.param == param

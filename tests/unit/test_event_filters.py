"""The local run's event filtering: the template's FilterCriteria, applied as Lambda does."""

import pytest

from leads_cli import template as template_module
from leads_cli.event_filters import UnsupportedPattern, matches, passes


def stream_record(sort_key: str) -> dict:
    return {"dynamodb": {"Keys": {"tenant": {"S": "t"}, "sk": {"S": sort_key}}}}


def test_the_templates_stream_filter_passes_leads_only():
    (mapping,) = [m for m in template_module.load().event_source_mappings if m.kind == "stream"]
    assert passes(mapping.filters, stream_record("LEAD#lead_1"))
    for other in ("COUNTER", "SHARD#1", "lead_1", "XLEAD#1"):
        assert not passes(mapping.filters, stream_record(other)), other


def test_patterns():
    assert matches({"a": ["x", "y"]}, {"a": "y"})
    assert not matches({"a": ["x"]}, {"a": "z"})
    assert not matches({"a": ["x"]}, {})
    assert matches({"a": [{"exists": False}]}, {})
    assert matches({"a": {"b": [{"prefix": "p"}]}}, {"a": {"b": "pq"}})
    assert not matches({"a": {"b": [{"prefix": "p"}]}}, {"a": "pq"})
    assert passes((), {"anything": 1})
    with pytest.raises(UnsupportedPattern):
        matches({"a": [{"numeric": [">", 1]}]}, {"a": 2})

"""Settings: read once per container, and a missing table name fails the cold start."""

import pytest

from leads_domain.container import forget_all
from leads_domain.settings import MissingSetting, get_settings


@pytest.mark.parametrize(
    "variable", ["LEADS_TABLE_NAME", "API_KEYS_TABLE_NAME", "IDEMPOTENCY_TABLE_NAME"]
)
def test_a_missing_table_name_fails_naming_the_variable(variable, monkeypatch, reset_domain):
    monkeypatch.setenv(variable, " ")
    with pytest.raises(MissingSetting, match=variable):
        get_settings()


def test_settings_are_read_once_until_forgotten(monkeypatch, reset_domain):
    first = get_settings()
    monkeypatch.setenv("LEADS_TABLE_NAME", "elsewhere")
    assert get_settings() is first
    forget_all()
    assert get_settings().leads_table == "elsewhere"


def test_cors_origins_are_a_trimmed_list(monkeypatch, reset_domain):
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", " https://a.example , ,https://b.example")
    assert get_settings().cors_allowed_origins == ("https://a.example", "https://b.example")


def test_a_function_without_its_settings_fails_at_cold_start(monkeypatch, reset_domain):
    from leads_cli.local_functions import import_file
    from leads_cli.template import PROJECT_ROOT

    monkeypatch.delenv("LEADS_TABLE_NAME")
    with pytest.raises(MissingSetting, match="LEADS_TABLE_NAME"):
        import_file(PROJECT_ROOT / "functions/get_lead/app.py", "cold_start_without_settings")


def test_counter_shards_default_to_the_templates_default(monkeypatch, reset_domain):
    from leads_cli.template import read_raw
    from leads_domain.settings import DEFAULT_COUNTER_SHARDS

    monkeypatch.delenv("COUNTER_SHARDS", raising=False)
    parameter = read_raw()["Parameters"]["CounterShards"]
    assert get_settings().counter_shards == DEFAULT_COUNTER_SHARDS == parameter["Default"]
    monkeypatch.setenv("COUNTER_SHARDS", "8")
    forget_all()
    assert get_settings().counter_shards == 8


@pytest.mark.parametrize("value", ["0", "101", "-1", "4.5", "many"])
def test_counter_shards_out_of_range_fail_the_cold_start(value, monkeypatch, reset_domain):
    monkeypatch.setenv("COUNTER_SHARDS", value)
    with pytest.raises(MissingSetting, match="COUNTER_SHARDS"):
        get_settings()

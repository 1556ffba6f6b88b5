"""Durations on the command line (--expire-in)."""

import pytest

from leads_cli.durations import describe, seconds


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", 0), ("90", 90), ("90s", 90), ("15m", 900), ("24h", 86400), ("7d", 604800)],
)
def test_durations_read_as_seconds(text, expected):
    assert seconds(text, most=7 * 86400) == expected


@pytest.mark.parametrize("text", ["", "h", "-1h", "1.5h", "1w", "24 hours", "1e3", "1_000"])
def test_anything_else_is_refused_saying_what_a_duration_looks_like(text):
    with pytest.raises(ValueError, match="is not a duration such as 0, 90s, 15m, 24h or 7d"):
        seconds(text, most=86400)


def test_a_duration_over_the_most_is_refused_naming_the_most():
    with pytest.raises(ValueError, match="longer than 7d"):
        seconds("8d", most=7 * 86400)
    assert describe(3600) == "1h" and describe(90) == "90s" and describe(0) == "0s"

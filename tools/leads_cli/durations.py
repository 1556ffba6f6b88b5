"""Durations as operators write them on the command line: 0, 90s, 15m, 24h, 7d."""

import re

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"^(\d{1,6})([smhd]?)$")


def seconds(text: str, most: int) -> int:
    """``text`` in seconds (a bare number is seconds); ValueError, saying why, if it is not a
    duration of at most ``most`` seconds."""
    found = _DURATION.fullmatch(text.strip())
    if not found:
        raise ValueError(f"{text!r} is not a duration such as 0, 90s, 15m, 24h or 7d")
    value = int(found.group(1)) * _UNITS[found.group(2) or "s"]
    if value > most:
        raise ValueError(f"{text!r} is longer than {describe(most)}")
    return value


def describe(value: int) -> str:
    """Seconds in the largest unit that divides them: 86400 -> '1d'."""
    for unit, size in sorted(_UNITS.items(), key=lambda item: -item[1]):
        if value and value % size == 0:
            return f"{value // size}{unit}"
    return "0s"

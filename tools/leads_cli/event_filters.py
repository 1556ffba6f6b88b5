"""Lambda's event filtering (an event source mapping's FilterCriteria), for the local run: a
record reaches the function if any filter's pattern matches it.

The patterns' syntax is EventBridge's. What this project's template uses is supported (nested
keys; a list of alternatives, each a literal value, ``{"prefix": ...}`` or ``{"exists": ...}``);
anything else is refused, loudly, rather than matched wrongly.
"""

from typing import Any

_ABSENT = object()


class UnsupportedPattern(ValueError):
    pass


def passes(filters: tuple[dict[str, Any], ...], record: dict[str, Any]) -> bool:
    """Whether the record reaches the function: no filters, or any that matches."""
    return not filters or any(matches(pattern, record) for pattern in filters)


def matches(pattern: dict[str, Any], value: Any) -> bool:
    for key, expected in pattern.items():
        found = value.get(key, _ABSENT) if isinstance(value, dict) else _ABSENT
        if isinstance(expected, dict):
            if found is _ABSENT or not matches(expected, found):
                return False
        elif isinstance(expected, list):
            if not any(_alternative(option, found) for option in expected):
                return False
        else:
            raise UnsupportedPattern(f"a pattern's leaf must be a list: {key}")
    return True


def _alternative(option: Any, found: Any) -> bool:
    if isinstance(option, dict):
        ((operator, operand),) = option.items()
        if operator == "prefix":
            return isinstance(found, str) and found.startswith(operand)
        if operator == "exists":
            return (found is not _ABSENT) == bool(operand)
        raise UnsupportedPattern(f"filter operator {operator!r} is not supported locally")
    return found is not _ABSENT and found == option

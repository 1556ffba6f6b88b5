"""Timestamps as the service writes them: ISO 8601 UTC, fixed width, so they sort as text."""

from datetime import UTC, datetime, timedelta

FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def now() -> str:
    """ISO 8601 UTC, fixed width with microseconds, so timestamps sort as text."""
    return datetime.now(UTC).strftime(FORMAT)


def at(seconds: float) -> str:
    """Unix seconds as a timestamp."""
    return datetime.fromtimestamp(seconds, UTC).strftime(FORMAT)


def after(seconds: float) -> str:
    """The timestamp ``seconds`` from now."""
    return (datetime.now(UTC) + timedelta(seconds=seconds)).strftime(FORMAT)


def consecutive(count: int) -> list[str]:
    """``count`` timestamps from now on, one microsecond apart: leads created together then
    list newest first in the reverse of the order they were sent, as if sent one by one."""
    start = datetime.now(UTC)
    return [(start + timedelta(microseconds=n)).strftime(FORMAT) for n in range(count)]

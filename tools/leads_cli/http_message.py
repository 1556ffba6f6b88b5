"""The HTTP message as the local API Gateway's parts hand it on: request headers as name-value
pairs, the answer to send back."""

from dataclasses import dataclass


@dataclass
class Answer:
    """What goes back to the client; ``function`` names who answered, for the request's log line."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    function: str = "-"


def header(headers: list[tuple[str, str]], name: str) -> str | None:
    """The header's last value, its name matched whatever its case."""
    found = None
    for key, value in headers:
        if key.lower() == name.lower():
            found = value
    return found

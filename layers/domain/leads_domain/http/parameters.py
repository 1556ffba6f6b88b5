"""HTTP syntax turned into the typed values operations take, or a 400 naming the parameter.

If-Match becomes the versions a change may apply to, Idempotency-Key a checked key, and the
list's query string a ``PageRequest``. ETags are made here too, so their format lives in one
place.
"""

import re

from leads_domain.errors import InvalidRequest
from leads_domain.paging import DEFAULT_LIMIT, MAX_LIMIT, PageRequest

CURSORS = ("starting_after", "ending_before")
LIST_PARAMETERS = ("limit", "offset", *CURSORS)
# Digits allowed in limit/offset: any larger number is nonsense, not a slow query.
MAX_DIGITS = 9

_ETAG = re.compile(r'\s*(?:W/)?"v(\d{1,12})"\s*')
# What an ETag this API makes looks like (for the OpenAPI document).
ETAG_PATTERN = r'^"v[0-9]{1,12}"$'
# A client's If-Match may list several versions; more than this is not a real client.
MAX_IF_MATCH_VERSIONS = 10
# Room for that many weak or strong tags and the commas between them.
IF_MATCH_LENGTH = 256

# Idempotency-Key: as Stripe, up to 255 characters, remembered for 24 hours per tenant.
IDEMPOTENCY_KEY_LENGTH = 255
# What an HTTP header value may hold: visible ASCII, with spaces and tabs only inside (HTTP
# drops a value's outer white space).
IDEMPOTENCY_KEY_PATTERN = (
    rf"^[\x21-\x7e](?:[\t\x20-\x7e]{{0,{IDEMPOTENCY_KEY_LENGTH - 2}}}[\x21-\x7e])?$"
)
_IDEMPOTENCY_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)


def etag(version: int) -> str:
    return f'"v{version}"'


def expected_versions(if_match: str | None) -> tuple[int, ...] | None:
    """The versions an If-Match header accepts: None for no header (or '*', which any
    existing lead matches); a tuple of versions otherwise (empty: it matches nothing)."""
    if if_match is None or if_match.strip() == "*":
        return None
    if len(if_match) > IF_MATCH_LENGTH:
        raise InvalidRequest(
            f"If-Match may hold at most {IF_MATCH_LENGTH} characters.", param="If-Match"
        )
    versions = []
    for tag in if_match.split(",")[:MAX_IF_MATCH_VERSIONS]:
        match = _ETAG.fullmatch(tag)
        if match:
            versions.append(int(match.group(1)))
    return tuple(versions)


def idempotency_key(header: str | None) -> str | None:
    if header is None:
        return None
    if not _IDEMPOTENCY_KEY.fullmatch(header):
        raise InvalidRequest(
            f"Idempotency-Key must be 1-{IDEMPOTENCY_KEY_LENGTH} printable ASCII characters.",
            param="Idempotency-Key",
        )
    return header


def page_request(query: dict[str, str]) -> PageRequest:
    """limit, offset and at most one way of paging; unknown parameters are refused."""
    for name in query:
        if name not in LIST_PARAMETERS:
            raise InvalidRequest(
                f"Unknown query parameter '{name}'.", param=name, code="parameter_unknown"
            )
    limit = _whole_number(query, "limit", DEFAULT_LIMIT)
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidRequest(f"'limit' must be between 1 and {MAX_LIMIT}.", param="limit")
    offset = _whole_number(query, "offset", 0)
    paging = [name for name in ("offset", *CURSORS) if name in query]
    if len(paging) > 1:
        raise InvalidRequest(
            f"'{paging[1]}' cannot be combined with '{paging[0]}'.", param=paging[1]
        )
    for name in CURSORS:
        if name in query and not query[name]:
            raise InvalidRequest(f"'{name}' must be a lead id.", param=name)
    return PageRequest(limit, offset, query.get("starting_after"), query.get("ending_before"))


def _whole_number(query: dict[str, str], name: str, default: int) -> int:
    text = query.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_DIGITS:
        raise InvalidRequest(
            f"'{name}' must be a whole number of at most {MAX_DIGITS} digits.", param=name
        )
    return int(text)

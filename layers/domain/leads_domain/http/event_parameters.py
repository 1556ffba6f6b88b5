"""The query strings of the event and webhook endpoint lists, as typed page requests, or a
400 naming the parameter. Plain Python (no pydantic): these are read-only operations."""

from leads_domain.errors import InvalidRequest
from leads_domain.event_query import EventPageRequest
from leads_domain.event_types import EVENT_TYPES
from leads_domain.http.parameters import CURSORS, MAX_DIGITS
from leads_domain.ids import is_lead_id
from leads_domain.paging import DEFAULT_LIMIT, MAX_LIMIT, PageRequest

EVENT_LIST_PARAMETERS = ("limit", *CURSORS, "type", "lead")
ENDPOINT_LIST_PARAMETERS = ("limit", *CURSORS)
# Only `type` may be given more than once (or as a comma-separated list).
REPEATABLE = ("type",)


def event_page_request(query: dict[str, list[str]]) -> EventPageRequest:
    page = cursor_page_request(query, EVENT_LIST_PARAMETERS)
    types = None
    if "type" in query:
        # As openapi.json says: at most three values, each one type or a comma list of them.
        values = query["type"]
        lists = [value.split(",") for value in values]
        named = [kind for kinds in lists for kind in kinds]
        too_many = len(values) > len(EVENT_TYPES) or any(len(k) > len(EVENT_TYPES) for k in lists)
        if too_many or any(kind not in EVENT_TYPES for kind in named):
            raise InvalidRequest(
                f"'type' must name one or more of {', '.join(EVENT_TYPES)}: repeated, or as a "
                f"comma list, {len(EVENT_TYPES)} at most.",
                param="type",
            )
        types = tuple(kind for kind in EVENT_TYPES if kind in named)
    lead = query["lead"][0] if "lead" in query else None
    if lead is not None and not is_lead_id(lead):
        raise InvalidRequest("'lead' must be a lead id.", param="lead")
    return EventPageRequest(page, types, lead)


def cursor_page_request(query: dict[str, list[str]], allowed: tuple[str, ...]) -> PageRequest:
    """limit and at most one cursor; unknown or repeated parameters are refused."""
    for name, values in query.items():
        if name not in allowed:
            raise InvalidRequest(
                f"Unknown query parameter '{name[:100]}'.",
                param=name[:100],
                code="parameter_unknown",
            )
        if len(values) > 1 and name not in REPEATABLE:
            raise InvalidRequest(f"Query parameter '{name}' is given more than once.", param=name)
    limit = DEFAULT_LIMIT
    if "limit" in query:
        text = query["limit"][0]
        if not (text.isascii() and text.isdigit()) or len(text) > MAX_DIGITS:
            raise InvalidRequest(
                f"'limit' must be a whole number of at most {MAX_DIGITS} digits.", param="limit"
            )
        limit = int(text)
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidRequest(f"'limit' must be between 1 and {MAX_LIMIT}.", param="limit")
    given = [name for name in CURSORS if name in query]
    if len(given) > 1:
        raise InvalidRequest(f"'{given[1]}' cannot be combined with '{given[0]}'.", param=given[1])
    for name in given:
        if not query[name][0]:
            raise InvalidRequest(f"'{name}' must be an id.", param=name)
    return PageRequest(
        limit,
        starting_after=query["starting_after"][0] if "starting_after" in query else None,
        ending_before=query["ending_before"][0] if "ending_before" in query else None,
    )

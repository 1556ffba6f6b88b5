"""A request for a page of events: where the page starts, and which events it may hold."""

from dataclasses import dataclass

from leads_domain.paging import PageRequest


@dataclass(frozen=True, slots=True)
class EventPageRequest:
    page: PageRequest  # limit and cursor (event ids)
    types: tuple[str, ...] | None  # only events of these types; None: every type
    lead: str | None  # only this lead's events (its whole history, in commit order)

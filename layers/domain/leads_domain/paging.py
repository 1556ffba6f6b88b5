"""A page request: how many items, and where the page starts (an offset or a cursor)."""

from dataclasses import dataclass

MAX_LIMIT = 100
DEFAULT_LIMIT = 20


@dataclass(frozen=True, slots=True)
class PageRequest:
    """At most one of ``offset`` (non-zero), ``starting_after`` and ``ending_before``.

    Cursors are ids of the caller's own items (Stripe's paging): ``starting_after`` asks for
    the items just older than that one, ``ending_before`` for those just newer.
    """

    limit: int = DEFAULT_LIMIT
    offset: int = 0
    starting_after: str | None = None
    ending_before: str | None = None

    @property
    def cursor(self) -> tuple[str, str] | None:
        """(the cursor parameter's name, the id it names), if the page starts at a cursor."""
        if self.starting_after is not None:
            return "starting_after", self.starting_after
        if self.ending_before is not None:
            return "ending_before", self.ending_before
        return None

"""Naming the lead that already has an email, when a write asked for unique emails and found
one: the write's condition proves the email is taken, and the email's index says by whom."""

import time
from collections.abc import Callable
from typing import Any

from leads_domain.errors import Duplicate, lead_duplicate
from leads_domain.filters import EMAIL
from leads_domain.tenancy import Tenant

# The index is eventually consistent: a lead that has just taken the email may not be in it
# yet (or the one that had it may have just gone). Look this often, then write again.
ATTEMPTS = 4
PAUSE_SECONDS = 0.1


def refused[T](tenant: Tenant, lead: dict[str, Any], write: Callable[[], T]) -> T:
    """``write()``'s result; if it found the email of ``lead`` taken, Duplicate naming the lead
    that has it (the write is tried again while none is found: that lead may be gone)."""
    for attempt in range(ATTEMPTS):
        try:
            return write()
        except Duplicate:
            # Imported here: the index is read only after a refusal, never at cold start.
            from leads_domain.data import lead_pages

            holder = lead_pages.email_holder(tenant, str(lead[EMAIL]))
            if holder is not None:
                raise lead_duplicate(holder) from None
            if attempt < ATTEMPTS - 1:
                time.sleep(PAUSE_SECONDS * (attempt + 1))
    raise lead_duplicate(None)

"""What a client may send to ``POST /api/crm/lead/batch``: ``{"leads": [<LeadFields>, ...]}``.

The envelope is checked first, by hand: a body that is not an object holding ``leads``, an
array of 1 to 100 objects, is a 400 for the whole request. Each lead is then validated on its
own with the model a single create uses, so one bad lead answers its own error, named by its
place (``leads[3].annual_revenue``), and the others are still created.
"""

from typing import Any

from leads_domain.errors import InvalidRequest
from leads_domain.models import parse_fields

BATCH_FIELD = "leads"
# Leads per request: one TransactWriteItems holds 100 actions (data/batch_inserts.py).
BATCH_LIMIT = 100
# Longest parameter name an error repeats (a client's unknown field name).
_NAME_LENGTH = 100


def batch_items(body: Any) -> list[dict[str, Any]]:
    """The leads of a batch body, each still to validate; InvalidRequest for a bad envelope."""
    if not isinstance(body, dict):
        raise InvalidRequest("The request body must be a JSON object.", code="body_invalid")
    for name in body:
        if name != BATCH_FIELD:
            raise InvalidRequest(
                f"Unknown field '{name[:_NAME_LENGTH]}': send {{\"{BATCH_FIELD}\": [...]}}.",
                param=name[:_NAME_LENGTH],
                code="parameter_unknown",
            )
    items = body.get(BATCH_FIELD)
    if not isinstance(items, list) or not 1 <= len(items) <= BATCH_LIMIT:
        raise InvalidRequest(
            f"'{BATCH_FIELD}' must be an array of 1 to {BATCH_LIMIT} leads.", param=BATCH_FIELD
        )
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            place = item_place(index)
            raise InvalidRequest(f"'{place}' must be a JSON object.", param=place)
    return items


def item_place(index: int) -> str:
    return f"{BATCH_FIELD}[{index}]"


def parse_lead(index: int, item: dict[str, Any]) -> dict[str, Any]:
    """The lead's fields, validated as a single create validates them; InvalidRequest naming
    the field by its place in the batch."""
    try:
        return parse_fields(item)
    except InvalidRequest as error:
        place = item_place(index)
        raise InvalidRequest(
            error.message,
            param=f"{place}.{error.param}" if error.param else place,
            code=error.code,
        ) from None

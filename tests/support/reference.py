"""The Lead object of the API reference, exactly, and the field facts the reference states.

Written out here rather than imported from the code, so that a change to the code's field
list cannot also change what the tests expect.
"""

import re
from typing import Any

COLLECTION = "/api/crm/lead"
ITEM = COLLECTION + "/{id}"
BATCH = COLLECTION + "/batch"

REFERENCE_LEAD: dict[str, Any] = {
    "id": "lead_abc123",
    "created_at": "2024-01-15T09: 30: 00Z",
    "updated_at": "2024-01-15T09: 30: 00Z",
    "lead_name": "lead_name_example",
    "company_name": "Example Corp",
    "email_id": "[email protected]",
    "lead_owner": "__user",
    "status": "Lead",
    "salutation": "salutation_example",
    "gender": "gender_example",
    "customer": "customer_example",
    "image": "image_example",
    "phone": "phone_example",
    "mobile_no": "mobile_no_example",
    "fax": "fax_example",
    "type": "type_example",
    "market_segment": "market_segment_example",
    "industry": "industry_example",
    "request_type": "request_type_example",
    "company": "Example Corp",
    "website": "website_example",
    "territory": "territory_example",
    "unsubscribed": False,
    "blog_subscriber": False,
    "title": "title_example",
    "language": "language_example",
    "first_name": "first_name_example",
    "middle_name": "middle_name_example",
    "last_name": "last_name_example",
    "no_of_employees": "no_of_employees_example",
    "whatsapp_no": "whatsapp_no_example",
    "phone_ext": "phone_ext_example",
    "qualified_by": "qualified_by_example",
    "qualified_on": "qualified_on_example",
    "qualification_status": "qualification_status_example",
    "job_title": "job_title_example",
    "annual_revenue": 0,
    "disabled": False,
    "city": "city_example",
    "state": "state_example",
    "country": "country_example",
    "utm_content": "utm_content_example",
    "utm_source": "utm_source_example",
    "utm_medium": "utm_medium_example",
    "utm_campaign": "utm_campaign_example",
}
READ_ONLY_FIELDS = ("id", "created_at", "updated_at")
RESPONSE_FIELDS = frozenset(REFERENCE_LEAD)
WRITABLE_FIELDS = tuple(name for name in REFERENCE_LEAD if name not in READ_ONLY_FIELDS)
DEFAULTS = {
    "lead_owner": "__user",
    "status": "Lead",
    "unsubscribed": False,
    "blog_subscriber": False,
    "disabled": False,
}
BOOLEAN_FIELDS = ("unsubscribed", "blog_subscriber", "disabled")
NUMBER_FIELDS = ("annual_revenue",)
URL_FIELDS = ("image", "website")
STRING_FIELDS = tuple(
    name for name in WRITABLE_FIELDS if name not in BOOLEAN_FIELDS + NUMBER_FIELDS
)
TEXT_FIELDS = tuple(name for name in STRING_FIELDS if name not in URL_FIELDS)
TEXT_LENGTH = 140
URL_LENGTH = 2048
# Fixed width, UTC, microseconds, trailing Z: timestamps that sort as text.
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
ERROR_FIELDS = {"type", "code", "message", "param", "request_id"}
# (method, path template); {id} is filled in with a lead id.
ROUTES = (
    ("POST", COLLECTION),
    ("GET", COLLECTION),
    ("GET", ITEM),
    ("PATCH", ITEM),
    ("DELETE", ITEM),
)


def key_placements(key: str) -> dict[str, dict[str, Any]]:
    """Where a client might put a key instead of (or besides) Authorization: Bearer."""
    bearer = f"Bearer {key}"
    return {
        "?api_key=": {"params": {"api_key": key}},
        "?access_token=": {"params": {"access_token": key}},
        "?key=": {"params": {"key": key}},
        "?authorization=Bearer": {"params": {"authorization": bearer}},
        "X-Api-Key header": {"headers": {"X-Api-Key": key}},
        "Api-Key header": {"headers": {"Api-Key": key}},
        "X-API-KEY header, Bearer": {"headers": {"X-API-KEY": bearer}},
        "Authorization2 header": {"headers": {"Authorization2": bearer}},
        "X-Authorization header": {"headers": {"X-Authorization": bearer}},
        "Proxy-Authorization header": {"headers": {"Proxy-Authorization": bearer}},
        "X-Amz-Security-Token header": {"headers": {"X-Amz-Security-Token": key}},
        "Cookie api_key": {"headers": {"Cookie": f"api_key={key}"}},
        "Cookie Authorization": {"headers": {"Cookie": f"Authorization={bearer}"}},
    }

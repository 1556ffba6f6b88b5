"""The Lead's fields as plain data: names in the reference's order, defaults and bounds.

No pydantic here: operations that validate no body (get, list, delete) and the authorizer
import this, not ``models``, and so never pay for pydantic at cold start.
"""

from typing import Any

# ERPNext's Data fields hold 140 characters; fields that hold a URL get more room.
TEXT_LENGTH = 140
URL_LENGTH = 2048
# Far beyond any company's revenue, and well inside DynamoDB's 38-digit numbers.
REVENUE_LIMIT = 1e15
SMALLEST_NUMBER = 1e-130

READ_ONLY_FIELDS = ("id", "created_at", "updated_at")
DEFAULTS: dict[str, Any] = {
    "lead_owner": "__user",
    "status": "Lead",
    "unsubscribed": False,
    "blog_subscriber": False,
    "disabled": False,
}
URL_FIELDS = ("image", "website")
BOOLEAN_FIELDS = ("unsubscribed", "blog_subscriber", "disabled")
NUMBER_FIELDS = ("annual_revenue",)
# Every writable field, in the reference's order.
FIELDS = (
    "lead_name", "company_name", "email_id", "lead_owner", "status", "salutation", "gender",
    "customer", "image", "phone", "mobile_no", "fax", "type", "market_segment", "industry",
    "request_type", "company", "website", "territory", "unsubscribed", "blog_subscriber", "title",
    "language", "first_name", "middle_name", "last_name", "no_of_employees", "whatsapp_no",
    "phone_ext", "qualified_by", "qualified_on", "qualification_status", "job_title",
    "annual_revenue", "disabled", "city", "state", "country", "utm_content", "utm_source",
    "utm_medium", "utm_campaign",
)  # fmt: skip
RESPONSE_FIELDS = ("id", "created_at", "updated_at", *FIELDS)

"""The kinds of event there are: one per kind of change to a lead."""

CREATED = "lead.created"
UPDATED = "lead.updated"
DELETED = "lead.deleted"
EVENT_TYPES = (CREATED, UPDATED, DELETED)
# In a webhook endpoint's enabled_events: every type, present and future.
EVERY_TYPE = "*"

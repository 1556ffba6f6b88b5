"""Identifiers: a type prefix and base62 characters, random or derived from a seed."""

import hashlib
import re
import secrets

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# Characters after the prefix: 24 base62 characters are 142 bits, as unguessable as a UUID4.
ID_LENGTH = 24
# What new_lead_id makes, with room to spare. Anything else cannot be a lead: answered without
# a read, and never sent to DynamoDB (whose keys are limited to 1 KB).
LEAD_ID_PATTERN = "lead_[0-9A-Za-z]{1,64}"
LEAD_ID_MAX_LENGTH = len("lead_") + 64
LEAD_ID = re.compile(LEAD_ID_PATTERN)


def random_base62(length: int) -> str:
    return "".join(secrets.choice(BASE62) for _ in range(length))


def base62(value: int, length: int) -> str:
    """``value`` as exactly ``length`` base62 digits (the lowest ones, if it has more)."""
    digits = []
    for _ in range(length):
        value, rest = divmod(value, 62)
        digits.append(BASE62[rest])
    return "".join(reversed(digits))


def derived_id(prefix: str, seed: str) -> str:
    """The same id for the same seed, as unpredictable as a random one to whoever lacks it:
    for an operation that may run twice but must make one thing."""
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:18])
    return prefix + base62(number, ID_LENGTH)


def new_lead_id() -> str:
    return "lead_" + random_base62(ID_LENGTH)


def is_lead_id(text: str) -> bool:
    return bool(LEAD_ID.fullmatch(text))


def new_webhook_endpoint_id() -> str:
    return "we_" + random_base62(ID_LENGTH)


def new_webhook_secret() -> str:
    # 32 base62 characters: 190 bits, as many as Stripe's whsec_ secrets carry.
    return "whsec_" + random_base62(32)


# Ids of events and webhook endpoints: anything else is answered 404 without a read.
EVENT_ID = re.compile(r"evt_[0-9A-Za-z]{1,64}")
WEBHOOK_ENDPOINT_ID = re.compile(r"we_[0-9A-Za-z]{1,64}")


def is_event_id(text: str) -> bool:
    return bool(EVENT_ID.fullmatch(text))


def is_webhook_endpoint_id(text: str) -> bool:
    return bool(WEBHOOK_ENDPOINT_ID.fullmatch(text))

"""The API key format: generation, checksum and digest.

Pure functions with no AWS or pydantic imports, shared by the authorizer, the functions'
fallback check and the ``leads keys`` CLI.

A key looks like ``sk_test_<32 random base62><6 base62 checksum>``. The checksum (CRC32 of
everything before it) lets us reject mistyped or invented keys without a database read, and
lets secret scanners recognise a leaked key by its shape. Only the SHA-256 digest is stored.
"""

import hashlib
import re
import secrets
import zlib

from leads_domain.ids import base62, random_base62
from leads_domain.tenancy import MODES

_SECRET_LENGTH = 32
_CHECKSUM_LENGTH = 6
KEY_PATTERN = re.compile(r"^sk_(test|live)_([0-9A-Za-z]{32})([0-9A-Za-z]{6})$")


def _checksum(prefix_and_secret: str) -> str:
    return base62(zlib.crc32(prefix_and_secret.encode()), _CHECKSUM_LENGTH)


def generate_key(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    body = f"sk_{mode}_{random_base62(_SECRET_LENGTH)}"
    return body + _checksum(body)


def new_key_id() -> str:
    return "key_" + random_base62(16)


def key_mode(key: str) -> str | None:
    """The key's mode if it is well formed and its checksum matches, else None."""
    match = KEY_PATTERN.match(key)
    if not match:
        return None
    mode, secret, checksum = match.groups()
    if not secrets.compare_digest(_checksum(f"sk_{mode}_{secret}"), checksum):
        return None
    return mode


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()

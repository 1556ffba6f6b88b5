"""The API key format: generation, checksum and digest.

Pure functions with no AWS or pydantic imports, shared by the authorizer, the functions'
fallback check and the ``leads keys`` CLI.

A key looks like ``sk_test_<32 random base62><6 base62 checksum>``: ``sk_`` for a secret key
(every request), ``rk_`` for a restricted one (only what its scope allows, see scopes.py), then
the mode. The checksum (CRC32 of everything before it) lets us reject mistyped or invented keys
without a database read, and lets secret scanners recognise a leaked key by its shape. Only the
SHA-256 digest is stored.
"""

import hashlib
import re
import secrets
import zlib
from typing import NamedTuple

from leads_domain.ids import base62, random_base62
from leads_domain.tenancy import MODES

_SECRET_LENGTH = 32
_CHECKSUM_LENGTH = 6
SECRET_PREFIX = "sk"
RESTRICTED_PREFIX = "rk"
KEY_PATTERN = re.compile(r"^(sk|rk)_(test|live)_([0-9A-Za-z]{32})([0-9A-Za-z]{6})$")


class KeyShape(NamedTuple):
    """What a well-formed key says about itself before any database read."""

    restricted: bool
    mode: str


def _checksum(prefix_and_secret: str) -> str:
    return base62(zlib.crc32(prefix_and_secret.encode()), _CHECKSUM_LENGTH)


def generate_key(mode: str, restricted: bool = False) -> str:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    prefix = RESTRICTED_PREFIX if restricted else SECRET_PREFIX
    body = f"{prefix}_{mode}_{random_base62(_SECRET_LENGTH)}"
    return body + _checksum(body)


def new_key_id() -> str:
    return "key_" + random_base62(16)


def key_shape(key: str) -> KeyShape | None:
    """Restricted or not, and the mode, if the key is well formed and its checksum matches."""
    match = KEY_PATTERN.match(key)
    if not match:
        return None
    prefix, mode, secret, checksum = match.groups()
    if not secrets.compare_digest(_checksum(f"{prefix}_{mode}_{secret}"), checksum):
        return None
    return KeyShape(prefix == RESTRICTED_PREFIX, mode)


def key_mode(key: str) -> str | None:
    """The key's mode if it is well formed and its checksum matches, else None."""
    shape = key_shape(key)
    return shape.mode if shape else None


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()

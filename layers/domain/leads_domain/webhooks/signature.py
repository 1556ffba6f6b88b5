"""Webhook signatures, Stripe's scheme: ``Leads-Signature: t=<unix seconds>,v1=<hex HMAC>``.

The HMAC is SHA-256, keyed with the endpoint's secret (``whsec_...``, as shown when the
endpoint was created), over ``"<t>.<raw body>"``. The timestamp is signed too, so an old
delivery cannot be replayed with a new time; ``verify_signature`` refuses one older than its
tolerance.

This file uses only Python's standard library and nothing else of this project: a receiver may
copy it as it is (the README shows a ten-line receiver that does).
"""

import hashlib
import hmac
import time

HEADER = "Leads-Signature"
SCHEME = "v1"
DEFAULT_TOLERANCE_SECONDS = 300


class SignatureVerificationError(ValueError):
    """The payload was not signed with this secret, or the signature is too old."""


def compute_signature(payload: bytes, secret: str, timestamp: int) -> str:
    """The hex HMAC-SHA256 of ``"<timestamp>.<payload>"`` keyed with ``secret``."""
    signed = str(timestamp).encode("ascii") + b"." + payload
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def signature_header(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The ``Leads-Signature`` value for ``payload``, signed now (or at ``timestamp``)."""
    moment = int(time.time()) if timestamp is None else timestamp
    return f"t={moment},{SCHEME}={compute_signature(payload, secret, moment)}"


def verify_signature(
    payload: bytes | str,
    header: str | None,
    secret: str,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> int:
    """Check a delivery: ``payload`` is the raw request body (exactly the bytes received),
    ``header`` the ``Leads-Signature`` header. Answers the signed timestamp; raises
    SignatureVerificationError if no v1 signature matches or the timestamp is more than
    ``tolerance`` seconds away from now (0 or less: no age check)."""
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    timestamp: int | None = None
    signatures: list[str] = []
    for part in (header or "").split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isdigit():
            timestamp = int(value)
        elif name == SCHEME and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise SignatureVerificationError("The Leads-Signature header is missing or malformed.")
    expected = compute_signature(payload, secret, timestamp)
    # Constant time, against every v1 given (several while a secret is being rolled).
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise SignatureVerificationError("No signature matches the payload and secret.")
    if tolerance > 0 and abs(time.time() - timestamp) > tolerance:
        raise SignatureVerificationError("The signature's timestamp is outside the tolerance.")
    return timestamp

"""Leads-Signature, Stripe's scheme: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">,
and the verify helper receivers copy."""

import hashlib
import hmac
import time

import pytest

from leads_domain.webhooks.signature import (
    SignatureVerificationError,
    signature_header,
    verify_signature,
)

SECRET = "whsec_0123456789abcdefghijABCDEFGHIJ"
BODY = b'{"id":"evt_1","type":"lead.created"}'


def test_the_header_is_the_hmac_of_the_timestamp_and_the_raw_body():
    header = signature_header(BODY, SECRET, 1700000000)
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"


def test_a_fresh_signature_verifies_and_answers_its_timestamp():
    now = int(time.time())
    assert verify_signature(BODY, signature_header(BODY, SECRET, now), SECRET) == now
    assert verify_signature(BODY.decode(), signature_header(BODY, SECRET), SECRET)


@pytest.mark.parametrize(
    ("body", "header_secret", "age"),
    [
        (BODY, "whsec_another_secret_entirely_000", 0),  # wrong secret
        (BODY + b" ", SECRET, 0),  # body changed
        (BODY, SECRET, 301),  # older than the tolerance: a replay
        (BODY, SECRET, -301),  # from the future
    ],
    ids=["wrong-secret", "tampered-body", "old-timestamp", "future-timestamp"],
)
def test_verification_fails(body, header_secret, age):
    header = signature_header(BODY, header_secret, int(time.time()) - age)
    with pytest.raises(SignatureVerificationError):
        verify_signature(body, header, SECRET)


@pytest.mark.parametrize("header", [None, "", "v1=abc", "t=123", "t=x,v1=abc", "garbage"])
def test_a_missing_or_malformed_header_fails(header):
    with pytest.raises(SignatureVerificationError):
        verify_signature(BODY, header, SECRET)


def test_any_of_several_v1_signatures_may_match():
    now = int(time.time())
    good = signature_header(BODY, SECRET, now).split(",")[1]
    assert verify_signature(BODY, f"t={now},v1=00ff,{good}", SECRET) == now


def test_a_tolerance_of_zero_skips_the_age_check():
    old = signature_header(BODY, SECRET, 1)
    assert verify_signature(BODY, old, SECRET, tolerance=0) == 1


def test_the_module_is_standard_library_only():
    import ast
    import sys
    from pathlib import Path

    from leads_domain.webhooks import signature

    tree = ast.parse(Path(signature.__file__).read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [node])
        if not isinstance(node, ast.ImportFrom) or node.module
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported <= set(sys.stdlib_module_names), imported

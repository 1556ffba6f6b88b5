"""Keys in logs and outside the Authorization header.

Keys and their digests never appear in any log output, at any level, whether the key is
accepted or refused; the key id does, when it is accepted. A key anywhere but in the
Authorization header (the query string, other headers, cookies) is never accepted by the
functions' own check (tests/http/test_http_key_placement.py: nor through the gateway).
"""

import base64
import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from leads_cli.keys import create_key, revoke_key
from leads_cli.lambda_context import LambdaContext
from leads_domain.api_keys import digest, generate_key
from leads_domain.tenancy import Tenant
from support.assertions import assert_error
from support.events import authorizer_event
from support.events import json_api_event as request
from support.faults import FaultInjector
from support.functions import invoke as call
from support.functions import load_function
from support.reference import COLLECTION, key_placements

# Loggers whose DEBUG records are botocore's own wire log (request bodies): never enabled by
# the project (Powertools' logger does not propagate, the Lambda root logger is at WARNING).
WIRE_LOGGERS = ("botocore", "urllib3")


@dataclass(frozen=True)
class Key:
    key: str
    key_id: str | None  # the key id of a stored key
    accepted: bool

    def secrets(self) -> list[str]:
        """Every form of the key that must never be logged: the key, its secret part, its
        SHA-256 digest (as stored: hex; and as raw bytes would be printed: base64)."""
        hex_digest = digest(self.key)
        return [
            self.key,
            self.key.split("_", 2)[-1],
            hex_digest,
            hex_digest.upper(),
            base64.b64encode(hashlib.sha256(self.key.encode()).digest()).decode(),
        ]


def _valid() -> Key:
    key_id, key = create_key(f"acct_{uuid.uuid4().hex[:12]}", "test")
    return Key(key, key_id, True)


def _revoked() -> Key:
    key_id, key = create_key(f"acct_{uuid.uuid4().hex[:12]}", "test")
    revoke_key(key_id)
    return Key(key, key_id, False)


def _mistyped() -> Key:
    key = _valid().key
    typo = "A" if key[10] != "A" else "B"
    return Key(key[:10] + typo + key[11:], None, False)


KEYS = {
    "valid key": _valid,
    "revoked key": _revoked,
    "unknown key with a valid checksum": lambda: Key(generate_key("test"), None, False),
    "mistyped key": _mistyped,
    "unknown live key": lambda: Key(generate_key("live"), None, False),
    "malformed key": lambda: Key("sk_test_" + uuid.uuid4().hex, None, False),
}


@pytest.fixture
def functions(injector: FaultInjector) -> Iterator[None]:
    # Loaded before log capture starts: their Powertools Logger owns the handler captured.
    for name in ("authorizer", "get_lead", "list_leads"):
        load_function(name)
    yield


@pytest.mark.parametrize("make", KEYS.values(), ids=list(KEYS))
def test_keys_and_digests_never_appear_in_any_log_but_key_ids_do(
    make: Any, functions: None, log_output: Any
) -> None:
    # Given a key, and every log at DEBUG
    key = make()
    logs = log_output("DEBUG")

    # When the authorizer checks it
    event = authorizer_event(f"Bearer {key.key}")
    authorizer = load_function("authorizer")
    if key.accepted:
        answer = authorizer.lambda_handler(event, _context())
        assert answer["principalId"] == key.key_id
        tenant = Tenant(answer["context"]["account"], answer["context"]["mode"])
    else:
        with pytest.raises(Exception, match=r"^Unauthorized$"):
            authorizer.lambda_handler(event, _context())
        tenant = Tenant("acct_nobody", "test")
    # And a function is called with it in its Authorization header: after the authorizer
    # (its context present), and without it (the function then checks the key itself)
    header = {"Authorization": f"Bearer {key.key}"}
    with_context = request("GET", COLLECTION, tenant, headers=header)
    without_context = request("GET", COLLECTION, tenant, headers=header)
    del without_context["requestContext"]["authorizer"]
    for event in (with_context, without_context):
        answer = call("list_leads", event)
        if key.accepted or event is with_context:
            assert answer.status == 200, answer.text
        else:
            assert_error(answer, 401, type_="authentication_error", code="api_key_invalid")

    # Then something was logged, and no form of the key appears in it
    text = logs.text(exclude=WIRE_LOGGERS)
    assert logs.powertools_lines(), "nothing logged at DEBUG"
    leaked = [secret for secret in key.secrets() if secret in text]
    assert not leaked, f"{len(leaked)} forms of the key logged"
    # And the authorizer logged its decision, with the key id when it accepted the key
    decisions = [line for line in logs.powertools_lines() if line["message"].startswith("Key ")]
    assert [line["message"] for line in decisions] == [
        "Key accepted" if key.accepted else "Key rejected"
    ]
    if key.accepted:
        assert decisions[0]["key_id"] == key.key_id


def test_the_template_never_logs_whole_events() -> None:
    # Powertools logs each whole event (with its Authorization header) only when asked to.
    from leads_cli import template as template_module

    # Said explicitly for every function, so that a changed default cannot turn it on.
    for function in template_module.load().functions.values():
        assert function.environment.get("POWERTOOLS_LOGGER_LOG_EVENT") == "false", function


def _context() -> Any:
    return LambdaContext("authorizer")


# --- a key anywhere but the Authorization header -------------------------------------------


@pytest.mark.parametrize("placement", list(key_placements("KEY")), ids=list(key_placements("KEY")))
def test_the_functions_own_key_check_reads_only_the_authorization_header(
    placement: str, injector: FaultInjector
) -> None:
    # Without the authorizer's context (API Gateway's console test) the function checks the
    # key itself: the same rule.
    key = _valid().key
    where = key_placements(key)[placement]
    tenant = Tenant("x", "test")
    headers, query = where.get("headers"), where.get("params")
    event = request("GET", COLLECTION, tenant, headers=headers, query=query)
    del event["requestContext"]["authorizer"]
    answer = call("list_leads", event)
    assert_error(answer, 401, type_="authentication_error", code="api_key_missing")

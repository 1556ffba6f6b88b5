"""`leads keys`: a key is printed once, listed without its secret, and revoked by id."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from leads_cli.main import main
from leads_domain import api_keys
from leads_domain.authentication import authenticate
from leads_domain.data import keys_table
from leads_domain.errors import Unauthorized
from support.assertions import assert_recent


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out


def test_create_list_and_revoke(local_dynamodb, capsys):
    where = ("--endpoint-url", local_dynamodb)

    code, out = run(capsys, "keys", "create", "--account", "acct_cli", "--name", "sync", *where)
    assert code == 0
    key_id = out.split("key_id: ")[1].split()[0]
    key = out.split("api_key: ")[1].split()[0]
    assert api_keys.key_mode(key) == "test"
    stored = keys_table.find_by_digest(api_keys.digest(key))
    assert stored["account"] == "acct_cli" and stored["key_id"] == key_id

    run(capsys, "keys", "create", "--account", "acct_cli", "--mode", "live", *where)
    code, listing = run(capsys, "keys", "list", "--account", "acct_cli", *where)
    assert code == 0
    assert key_id in listing and "sync" in listing and "live" in listing and key[-4:] in listing
    assert key not in listing and api_keys.digest(key) not in listing

    code, out = run(capsys, "keys", "revoke", key_id, *where)
    assert code == 0 and "revoked" in out
    revoked_at = keys_table.find_by_digest(api_keys.digest(key))["revoked_at"]
    code, listing = run(capsys, "keys", "list", "--account", "acct_cli", *where)
    (row,) = [line for line in listing.splitlines() if line.startswith(key_id)]
    assert revoked_at in row


def test_revoking_an_unknown_key_fails(local_dynamodb, capsys):
    assert run(capsys, "keys", "revoke", "key_nope", "--endpoint-url", local_dynamodb)[0] == 1


def test_bad_account_is_refused(local_dynamodb, capsys):
    code, _ = run(capsys, "keys", "create", "--account", "a#b", "--endpoint-url", local_dynamodb)
    assert code == 2


def created(out):
    """(key id, key) as `leads keys create` or `roll` prints them."""
    return out.split("key_id: ")[1].split()[0], out.split("api_key: ")[1].split()[0]


def listing_rows(capsys, account, where):
    code, out = run(capsys, "keys", "list", "--account", account, *where)
    assert code == 0
    header, *lines = out.splitlines()
    return {line.split()[0]: dict(zip(header.split(), line.split(), strict=True)) for line in lines}


def works(key):
    """Whether the key opens the API, as the authorizer and the functions check it."""
    try:
        authenticate(f"Bearer {key}")
    except Unauthorized:
        return False
    return True


def test_a_read_only_key_is_restricted_and_listed_with_its_scope(local_dynamodb, capsys):
    where = ("--endpoint-url", local_dynamodb)
    code, out = run(capsys, "keys", "create", "--account", "acct_ro", "--read-only", *where)
    assert code == 0
    key_id, key = created(out)
    assert key.startswith("rk_test_") and api_keys.key_shape(key) == (True, "test")
    assert authenticate(f"Bearer {key}").scope == "read_only"
    row = listing_rows(capsys, "acct_ro", where)[key_id]
    assert row["scope"] == "read_only" and row["status"] == "active"


def test_a_key_made_to_expire_is_listed_with_its_expiry(local_dynamodb, capsys):
    where = ("--endpoint-url", local_dynamodb)
    code, out = run(capsys, "keys", "create", "--account", "acct_exp", "--expire-in", "30d", *where)
    assert code == 0
    key_id, key = created(out)
    expires_at = out.split("expires_at: ")[1].split()[0]
    assert_recent(expires_at, slack=timedelta(days=30, minutes=2))
    assert expires_at > datetime.now(UTC).isoformat()
    assert listing_rows(capsys, "acct_exp", where)[key_id]["expires_at"] == expires_at
    assert works(key)


def test_rolling_with_grace_keeps_both_keys_working_and_lists_the_old_ones_expiry(
    local_dynamodb, capsys
):
    where = ("--endpoint-url", local_dynamodb)
    _, out = run(capsys, "keys", "create", "--account", "acct_roll", "--name", "sync", *where)
    old_id, old_key = created(out)

    code, out = run(capsys, "keys", "roll", old_id, "--expire-in", "2h", *where)

    assert code == 0
    new_id, new_key = created(out)
    assert new_key.startswith("sk_test_") and works(new_key) and works(old_key)
    rows = listing_rows(capsys, "acct_roll", where)
    assert f"{old_id} expires at {rows[old_id]['expires_at']}" in out
    assert rows[new_id]["name"] == "sync" and rows[new_id]["expires_at"] == "-"
    assert_recent(rows[old_id]["expires_at"], slack=timedelta(hours=2, minutes=2))


def test_rolling_without_grace_stops_the_old_key_at_once(local_dynamodb, capsys):
    where = ("--endpoint-url", local_dynamodb)
    _, out = run(capsys, "keys", "create", "--account", "acct_roll0", *where)
    old_id, old_key = created(out)

    code, out = run(capsys, "keys", "roll", old_id, "--expire-in", "0", *where)

    assert code == 0
    _, new_key = created(out)
    assert works(new_key) and not works(old_key)
    assert listing_rows(capsys, "acct_roll0", where)[old_id]["status"] == "expired"


def test_a_revoked_or_expired_key_cannot_be_rolled(local_dynamodb, capsys):
    where = ("--endpoint-url", local_dynamodb)
    _, out = run(capsys, "keys", "create", "--account", "acct_dead", *where)
    key_id, _ = created(out)
    run(capsys, "keys", "revoke", key_id, *where)

    code = main(["keys", "roll", key_id, *where])
    assert code == 1
    assert "revoked: create a new key instead" in capsys.readouterr().err
    assert main(["keys", "roll", "key_nope", *where]) == 1
    assert "no key key_nope" in capsys.readouterr().err


@pytest.mark.parametrize("duration", ["forever", "-1h", "1w", "8d", "1.5h"])
def test_a_bad_grace_period_is_refused_naming_the_option(local_dynamodb, capsys, duration):
    where = ("--endpoint-url", local_dynamodb)
    account = f"acct_{uuid.uuid4().hex[:12]}"
    _, out = run(capsys, "keys", "create", "--account", account, *where)
    key_id, key = created(out)

    assert main(["keys", "roll", key_id, f"--expire-in={duration}", *where]) == 2
    assert "--expire-in" in capsys.readouterr().err
    assert works(key) and len(listing_rows(capsys, account, where)) == 1


def test_a_key_made_without_an_api_gateway_says_it_cannot_be_metered_yet(local_dynamodb, capsys):
    code = main(["keys", "create", "--account", "acct_nogw", "--endpoint-url", local_dynamodb])
    err = capsys.readouterr().err
    assert code == 0
    assert "refuses it (403)" in err and "leads accounts sync acct_nogw" in err

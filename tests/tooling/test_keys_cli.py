"""`leads keys`: a key is printed once, listed without its secret, and revoked by id."""

from leads_cli.main import main
from leads_domain import api_keys
from leads_domain.data import keys_table


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

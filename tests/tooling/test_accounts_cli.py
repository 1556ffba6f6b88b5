"""`leads accounts delete`: an account's keys and everything its tenants stored are erased,
and nothing of any other account."""

from typing import Any

from leads_cli.keys import create_key
from leads_cli.main import main
from leads_domain.data import clients, leads_table
from leads_domain.tenancy import Tenant
from support.stored import partition, query_all

ERASED = "acct_erased"
KEPT = "acct_kept"


def run(capsys: Any, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def keys_of(account: str) -> list[dict[str, Any]]:
    return query_all(
        clients.dynamodb(),
        TableName="ApiKeysTable",
        IndexName="by_account",
        KeyConditionExpression="account = :account",
        ExpressionAttributeValues={":account": {"S": account}},
    )


def store(account: str, leads: int) -> None:
    """Keys in both modes, and leads (counted) in both tenants of the account."""
    for mode in ("test", "live"):
        create_key(account, mode)
        for number in range(leads):
            lead_id = f"lead_{account[-6:]}{mode}{number:014d}"
            leads_table.insert(
                Tenant(account, mode),
                {"id": lead_id, "created_at": "2025-01-01T00:00:00.000000Z", "updated_at": "x"},
            )


def test_delete_erases_the_account_and_only_it(local_dynamodb, capsys):
    # Given two accounts with keys and leads, one with more leads than a batch holds
    store(ERASED, 30)
    store(KEPT, 2)
    kept = {mode: partition(clients.dynamodb(), Tenant(KEPT, mode)) for mode in ("test", "live")}
    stored = sum(len(partition(clients.dynamodb(), Tenant(ERASED, m))) for m in ("test", "live"))
    assert stored >= 60  # the leads, and their count items

    # When one is deleted
    code, out = run(capsys, "accounts", "delete", ERASED, "--yes", "--endpoint-url", local_dynamodb)

    # Then its keys (revoked first), its tenants' limits, leads and counters are gone
    assert code == 0, out
    assert f"{ERASED}: revoked 2 key(s)" in out
    assert f"{ERASED}: deleted 4 key records and {stored} stored items" in out
    assert keys_of(ERASED) == []
    for mode in ("test", "live"):
        assert partition(clients.dynamodb(), Tenant(ERASED, mode)) == []
        # And the other account is untouched
        assert partition(clients.dynamodb(), Tenant(KEPT, mode)) == kept[mode]
    assert len(keys_of(KEPT)) == 2


def test_delete_without_yes_deletes_nothing(local_dynamodb, capsys):
    store(ERASED, 1)
    code, out = run(capsys, "accounts", "delete", ERASED, "--endpoint-url", local_dynamodb)
    assert code == 2 and "--yes" in out
    assert len(keys_of(ERASED)) == 2


def test_delete_refuses_an_account_that_cannot_exist(local_dynamodb, capsys):
    code, out = run(capsys, "accounts", "delete", "a#b", "--yes", "--endpoint-url", local_dynamodb)
    assert code == 2 and "account" in out

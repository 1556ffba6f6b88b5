"""`leads keys` and `leads accounts` against a deployed stack (--stack): the exact API Gateway
calls each makes, stubbed at the client, and what the keys table holds afterwards."""

from leads_cli.keys import create_key
from leads_cli.main import main
from leads_domain.api_keys import digest
from leads_domain.data import key_records
from leads_domain.tenancy import Tenant
from support.aws_stubs import REST_API_ID, STACK, DeployedStack
from support.events import authorizer_event
from support.functions import authorize

WHERE = ("--stack", STACK)


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def created(out):
    return out.split("key_id: ")[1].split()[0], out.split("api_key: ")[1].split()[0]


def make_first_key(stack: DeployedStack, capsys, account, mode="test", *options):
    """A tenant's first key, its API key being `apikey_<account>`: (key id, key, value)."""
    plan = "test" if mode == "test" else "live"
    stack.expect_stack()
    value = stack.expect_first_key(account, mode, f"apikey_{account}", plan)
    code, out, err = run(
        capsys, "keys", "create", "--account", account, "--mode", mode, *options, *WHERE
    )
    assert code == 0, err
    return (*created(out), value.value)


def make_first_key_on(stack, capsys, account, mode, plan):
    stack.expect_stack()
    value = stack.expect_first_key(account, mode, f"apikey_{account}", plan)
    code, out, _ = run(capsys, "keys", "create", "--account", account, "--mode", mode, *WHERE)
    assert code == 0
    return (*created(out), value.value)


def test_the_first_key_of_a_tenant_gets_its_api_key_in_its_modes_usage_plan(deployed_stack, capsys):
    # When the operator makes a tenant's first key against the stack
    _, key, value = make_first_key(deployed_stack, capsys, "acct_d1")

    # Then API Gateway got the tenant's API key, in the test mode plan (calls checked above)
    deployed_stack.done()
    # And the key carries it, so that the authorizer returns it for API Gateway to meter by
    record = key_records.find_by_digest(digest(key))
    assert record["usage_key_id"] == "apikey_acct_d1" and record["usage_key"] == value
    assert len(value) >= 20
    assert authorize(authorizer_event(f"Bearer {key}"))["usageIdentifierKey"] == value
    assert key_records.tenant_limits(Tenant("acct_d1", "test")).usage_key == value


def test_a_second_key_of_the_tenant_shares_its_api_key(deployed_stack, capsys):
    _, first, value = make_first_key(deployed_stack, capsys, "acct_d2", "live")

    # When a second, read-only key is made for the same tenant
    deployed_stack.expect_stack()
    deployed_stack.expect_get_api_key("apikey_acct_d2", value)
    deployed_stack.expect_plans_of("apikey_acct_d2", ["plan_live"])
    code, out, _ = run(
        capsys, "keys", "create", "--account", "acct_d2", "--mode", "live", "--read-only", *WHERE
    )

    # Then no API key is made: both keys meter into the tenant's one bucket
    assert code == 0
    deployed_stack.done()
    _, second = created(out)
    assert second.startswith("rk_live_")
    for key in (first, second):
        assert authorize(authorizer_event(f"Bearer {key}"))["usageIdentifierKey"] == value


def test_revoking_the_last_key_deletes_the_tenants_api_key_and_flushes_the_authorizer_cache(
    deployed_stack, capsys
):
    key_id, key, _ = make_first_key(deployed_stack, capsys, "acct_d3")

    # When the operator revokes it
    deployed_stack.expect_stack()
    deployed_stack.expect_named_lookup("acct_d3", "test", None)
    deployed_stack.expect_delete_api_key("apikey_acct_d3")
    deployed_stack.expect_flush()
    code, out, _ = run(capsys, "keys", "revoke", key_id, *WHERE)

    # Then the tenant's API key is deleted and the stage's authorizer cache flushed
    assert code == 0 and "the authorizer cache is flushed" in out
    deployed_stack.done()
    assert key_records.find_by_digest(digest(key))["revoked_at"]
    assert key_records.tenant_limits(Tenant("acct_d3", "test")).usage_key_id is None


def test_revoking_one_of_two_keys_keeps_the_api_key_and_flushes(deployed_stack, capsys):
    key_id, _, value = make_first_key(deployed_stack, capsys, "acct_d4")
    deployed_stack.expect_stack()
    deployed_stack.expect_get_api_key("apikey_acct_d4", value)
    deployed_stack.expect_plans_of("apikey_acct_d4", ["plan_test"])
    run(capsys, "keys", "create", "--account", "acct_d4", *WHERE)

    deployed_stack.expect_stack()
    deployed_stack.expect_flush()
    code, _, _ = run(capsys, "keys", "revoke", key_id, *WHERE)

    assert code == 0
    deployed_stack.done()
    assert key_records.tenant_limits(Tenant("acct_d4", "test")).usage_key_id == "apikey_acct_d4"


def test_rolling_without_grace_flushes_and_with_grace_does_not(deployed_stack, capsys):
    key_id, _, value = make_first_key(deployed_stack, capsys, "acct_d5")

    # A roll with grace: a new key on the tenant's API key, no flush (the old key still works)
    deployed_stack.expect_stack()
    deployed_stack.expect_get_api_key("apikey_acct_d5", value)
    deployed_stack.expect_plans_of("apikey_acct_d5", ["plan_test"])
    code, out, _ = run(capsys, "keys", "roll", key_id, "--expire-in", "1h", *WHERE)
    assert code == 0
    deployed_stack.done()
    new_id, _ = created(out)

    # A roll without grace: the old key expires now, and the cache is flushed
    deployed_stack.expect_stack()
    deployed_stack.expect_get_api_key("apikey_acct_d5", value)
    deployed_stack.expect_plans_of("apikey_acct_d5", ["plan_test"])
    deployed_stack.expect_flush()
    code, _, _ = run(capsys, "keys", "roll", new_id, "--expire-in", "0", *WHERE)
    assert code == 0
    deployed_stack.done()


def test_the_large_plan_moves_the_accounts_live_api_key_between_usage_plans(deployed_stack, capsys):
    _, _, value = make_first_key(deployed_stack, capsys, "acct_d6", "live")

    # When the operator puts the account on the large plan
    deployed_stack.expect_stack()
    deployed_stack.expect_get_api_key("apikey_acct_d6", value)
    deployed_stack.expect_plans_of("apikey_acct_d6", ["plan_live"])
    deployed_stack.expect_leave("live", "apikey_acct_d6")
    deployed_stack.expect_join("large", "apikey_acct_d6")
    code, out, _ = run(capsys, "accounts", "plan", "acct_d6", "large", *WHERE)

    # Then the API key leaves the live plan for the large one, and later keys stay there
    assert code == 0 and "acct_d6 (live): plan large, applied" in out
    deployed_stack.done()
    assert key_records.tenant_limits(Tenant("acct_d6", "live")).plan == "large"


def test_a_new_tenant_of_a_large_account_starts_on_the_large_plan(deployed_stack, capsys):
    deployed_stack.expect_stack()
    code, out, _ = run(capsys, "accounts", "plan", "acct_d7", "large", *WHERE)
    assert code == 0 and "acct_d7 (live): plan large" in out

    _, _, value = make_first_key_on(deployed_stack, capsys, "acct_d7", "live", "large")
    deployed_stack.done()
    assert value


def test_removing_an_account_revokes_its_keys_deletes_its_api_keys_and_flushes(
    deployed_stack, capsys
):
    make_first_key(deployed_stack, capsys, "acct_d8", "test")
    make_first_key(deployed_stack, capsys, "acct_d8", "live")

    deployed_stack.expect_stack()
    for mode in ("test", "live"):
        deployed_stack.expect_named_lookup("acct_d8", mode, None)
        deployed_stack.expect_delete_api_key("apikey_acct_d8")
    deployed_stack.expect_flush()
    code, out, _ = run(capsys, "accounts", "remove", "acct_d8", *WHERE)

    assert code == 0 and "revoked 2 key(s)" in out
    deployed_stack.done()
    for mode in ("test", "live"):
        limits = key_records.tenant_limits(Tenant("acct_d8", mode))
        assert limits.usage_key_id is None and not limits.key_digests


def test_sync_provisions_keys_made_before_usage_plans_and_flushes(deployed_stack, capsys):
    # Given a key made in the keys table only (as every key was before usage plans)
    _, key = create_key("acct_d9")
    assert "usageIdentifierKey" not in authorize(authorizer_event(f"Bearer {key}"))

    # When the operator syncs the account with the stack
    deployed_stack.expect_stack()
    value = deployed_stack.expect_first_key("acct_d9", "test", "apikey_acct_d9", "test")
    deployed_stack.expect_flush()
    deployed_stack.expect_named_lookup("acct_d9", "live", None)  # live: no key, no API key
    code, out, err = run(capsys, "accounts", "sync", "acct_d9", *WHERE)

    # Then the test tenant has its API key in the test plan, the key names it, and cached
    # answers that did not are flushed
    assert code == 0 and "authorizer cache flushed" in out, err
    deployed_stack.done()
    assert authorize(authorizer_event(f"Bearer {key}"))["usageIdentifierKey"] == value.value


def test_a_stack_without_the_usage_plan_outputs_is_refused_clearly(monkeypatch, dynamodb, capsys):
    tables_only = {
        "LeadsTableName": "LeadsTable",
        "ApiKeysTableName": "ApiKeysTable",
        "IdempotencyTableName": "IdempotencyTable",
    }
    stack = DeployedStack(monkeypatch, tables_only)
    stack.expect_stack()
    code, _, err = run(capsys, "keys", "create", "--account", "acct_old", *WHERE)
    stack.close()
    assert code == 2  # the operator's to fix: deploy this version
    assert "has no RestApiId, StageName" in err and "deploy this version first" in err
    assert REST_API_ID not in err

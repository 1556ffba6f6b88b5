"""API Gateway failing under `leads keys --stack`, call by call: the command says which call
failed and how to finish, shows no key it did not store, leaves no half-made key, and running
it again completes the change."""

import pytest

from leads_cli.main import main
from leads_domain.data import key_records
from leads_domain.tenancy import Tenant
from support.aws_stubs import STACK, Captured, DeployedStack

WHERE = ("--stack", STACK)
# The calls a tenant's first key makes, in order.
FIRST_KEY_CALLS = ("get_api_keys", "create_api_key", "get_usage_plans", "create_usage_plan_key")


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def expect_first_key_failing_at(stack: DeployedStack, account: str, failing: str) -> Captured:
    """The first key's calls up to ``failing``, which fails; the API key's value, if one was
    made."""
    value = Captured()
    stack.expect_stack()
    for call in FIRST_KEY_CALLS:
        if call == failing:
            stack.expect_failure(call)
            break
        if call == "get_api_keys":
            stack.expect_named_lookup(account, "test", None)
        elif call == "create_api_key":
            value = stack.expect_create_api_key(account, "test", f"apikey_{account}")
        elif call == "get_usage_plans":
            stack.expect_plans_of(f"apikey_{account}", [])
    return value


@pytest.mark.parametrize("failing", FIRST_KEY_CALLS)
def test_a_create_that_api_gateway_fails_stores_and_shows_no_key_and_a_retry_completes(
    deployed_stack, capsys, failing
):
    account = f"acct_{failing.replace('_', '')}"
    made = expect_first_key_failing_at(deployed_stack, account, failing)

    # When API Gateway fails one call of the first key's provisioning
    code, out, err = run(capsys, "keys", "create", "--account", account, *WHERE)

    # Then the command fails naming the call, shows no key and stored none
    assert code == 1
    assert f"API Gateway {failing} failed: TooManyRequestsException" in err
    assert "api_key:" not in out
    assert key_records.list_by_account(account) == []
    deployed_stack.done()

    # And running it again finishes with one API key for the tenant, whatever was made before
    deployed_stack.expect_stack()
    if made.value:
        deployed_stack.expect_get_api_key(f"apikey_{account}", made.value)
        deployed_stack.expect_plans_of(f"apikey_{account}", [])
        deployed_stack.expect_join("test", f"apikey_{account}")
    else:
        deployed_stack.expect_first_key(account, "test", f"apikey_{account}", "test")
    code, out, err = run(capsys, "keys", "create", "--account", account, *WHERE)
    assert code == 0, err
    deployed_stack.done()
    (record,) = key_records.list_by_account(account)
    assert record["usage_key_id"] == f"apikey_{account}"


def first_key(stack: DeployedStack, capsys, account: str) -> str:
    stack.expect_stack()
    stack.expect_first_key(account, "test", f"apikey_{account}", "test")
    code, out, _ = run(capsys, "keys", "create", "--account", account, *WHERE)
    assert code == 0
    return out.split("key_id: ")[1].split()[0]


@pytest.mark.parametrize(
    "failing", ["get_api_keys", "delete_api_key", "flush_stage_authorizers_cache"]
)
def test_a_revoke_that_api_gateway_fails_is_still_a_revoke_and_running_it_again_finishes(
    deployed_stack, capsys, failing
):
    account = f"acct_r{failing.replace('_', '')[:12]}"
    key_id = first_key(deployed_stack, capsys, account)

    # When one of the revoke's API Gateway calls fails (a failed lookup stops the release;
    # the flush is made all the same)
    deployed_stack.expect_stack()
    if failing == "get_api_keys":
        deployed_stack.expect_failure("get_api_keys")
    else:
        deployed_stack.expect_named_lookup(account, "test", None)
        if failing == "delete_api_key":
            deployed_stack.expect_failure("delete_api_key")
        else:
            deployed_stack.expect_delete_api_key(f"apikey_{account}")
    if failing == "flush_stage_authorizers_cache":
        deployed_stack.expect_failure("flush_stage_authorizers_cache")
    else:
        deployed_stack.expect_flush()
    code, _, err = run(capsys, "keys", "revoke", key_id, *WHERE)

    # Then the key is revoked all the same, and the operator is told what finishes the rest
    assert code == 1
    assert f"{key_id} is revoked, but API Gateway is not updated yet" in err
    assert f"API Gateway {failing} failed" in err and f"`leads keys revoke {key_id}` again" in err
    record = key_records.find_by_key_id(key_id)
    assert record is not None and record["revoked_at"]
    deployed_stack.done()

    # And revoking it again deletes whatever API key is left and flushes
    deployed_stack.expect_stack()
    if failing == "flush_stage_authorizers_cache":
        deployed_stack.expect_named_lookup(account, "test", None)
    else:
        # Its id is no longer recorded, but the API key is still there: found by its name.
        deployed_stack.expect_named_lookup(account, "test", (f"apikey_{account}", "x" * 40))
        deployed_stack.expect_delete_api_key(f"apikey_{account}")
    deployed_stack.expect_flush()
    code, _, err = run(capsys, "keys", "revoke", key_id, *WHERE)
    assert code == 0, err
    deployed_stack.done()
    assert key_records.tenant_limits(Tenant(account, "test")).usage_key_id is None

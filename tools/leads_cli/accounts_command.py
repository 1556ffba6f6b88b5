"""`leads accounts plan | sync | remove`: the command line of accounts.py."""

import argparse
from typing import Any

from leads_cli import where
from leads_cli.failures import CommandError
from leads_cli.tenant_limits import PLANS


def register(commands: Any) -> None:
    accounts = commands.add_parser(
        "accounts", help="an account's usage plan, its sync with API Gateway, its removal"
    )
    account_commands = accounts.add_subparsers(dest="accounts_command", required=True)

    plan = account_commands.add_parser(
        "plan", help="put the account on a usage plan (large: a larger live-mode rate limit)"
    )
    plan.add_argument("account")
    plan.add_argument("plan", choices=[name for name, p in PLANS.items() if "live" in p.modes])
    plan.set_defaults(run=_plan)

    sync = account_commands.add_parser(
        "sync", help="give API Gateway the usage plan keys the account's keys need, and no more"
    )
    sync.add_argument("account")
    sync.set_defaults(run=_sync)

    remove = account_commands.add_parser(
        "remove", help="revoke every key of the account and delete its usage plan keys"
    )
    remove.add_argument("account")
    remove.set_defaults(run=_remove)

    delete = account_commands.add_parser(
        "delete",
        help="remove the account, then delete its keys and every item of its test and live data",
    )
    delete.add_argument("account")
    delete.add_argument("--yes", action="store_true", help="really delete: this cannot be undone")
    delete.set_defaults(run=_delete)

    for sub in (plan, sync, remove, delete):
        where.add_options(sub)


def _plan(args: argparse.Namespace) -> int:
    from leads_cli.accounts import assign_plan

    print("\n".join(assign_plan(args.account, args.plan, where.connect(args)).lines))
    return 0


def _sync(args: argparse.Namespace) -> int:
    from leads_cli.accounts import sync

    gateway = where.connect(args)
    if gateway is None:
        raise CommandError("sync needs an API Gateway: --stack NAME, or --gateway-url URL")
    print("\n".join(sync(args.account, gateway).lines))
    return 0


def _remove(args: argparse.Namespace) -> int:
    from leads_cli.accounts import remove

    print("\n".join(remove(args.account, where.connect(args)).lines))
    return 0


def _delete(args: argparse.Namespace) -> int:
    from leads_cli.accounts import erase
    from leads_domain.tenancy import valid_account

    if not valid_account(args.account):
        raise CommandError("account: 1-64 letters, digits, '_' or '-'")
    if not args.yes:
        raise CommandError(
            f"this deletes every key and lead of {args.account}, test and live, for good;"
            " add --yes to do it"
        )
    print("\n".join(erase(args.account, where.connect(args)).lines))
    return 0

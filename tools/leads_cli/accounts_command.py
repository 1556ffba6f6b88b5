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

    for sub in (plan, sync, remove):
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

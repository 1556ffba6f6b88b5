"""`leads accounts delete`: erase an account, its keys and everything its tenants stored."""

import argparse
from typing import Any

from leads_cli.table_options import add_table_options


def register(commands: Any) -> None:
    accounts = commands.add_parser("accounts", help="erase an account's keys and data")
    account_commands = accounts.add_subparsers(dest="accounts_command", required=True)
    delete = account_commands.add_parser(
        "delete", help="delete the account's keys and every item of its test and live data"
    )
    delete.add_argument("--account", required=True)
    delete.add_argument("--yes", action="store_true", help="really delete: this cannot be undone")
    add_table_options(delete)
    delete.set_defaults(run=_delete)


def _delete(args: argparse.Namespace) -> int:
    from leads_cli.failures import CommandError
    from leads_cli.keys import use_tables
    from leads_domain.data.erasure import erase_account
    from leads_domain.tenancy import valid_account

    if not valid_account(args.account):
        raise CommandError("account: 1-64 letters, digits, '_' or '-'")
    if not args.yes:
        raise CommandError(
            f"this deletes every key and lead of {args.account}, test and live, for good;"
            " add --yes to do it"
        )
    use_tables(endpoint_url=args.endpoint_url, stack=args.stack, region=args.region)
    erased = erase_account(args.account)
    print(f"{args.account}: deleted {erased['keys']} keys and {erased['items']} stored items")
    return 0

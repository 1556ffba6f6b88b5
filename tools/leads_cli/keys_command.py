"""`leads keys create | list | revoke | roll`: the command line of keys.py."""

import argparse
import sys
from typing import Any

from leads_cli import durations, where
from leads_cli.failures import CommandError
from leads_domain import api_keys, scopes

# How long a key may be made to last, and how long a rolled key may keep working.
LONGEST_EXPIRY = 366 * 86400
LONGEST_GRACE = 7 * 86400
DEFAULT_GRACE = "24h"
LIST_COLUMNS = (
    "key_id",
    "name",
    "mode",
    "scope",
    "status",
    "created_at",
    "expires_at",
    "revoked_at",
    "last4",
    "usage_plan",
)


def register(commands: Any) -> None:
    keys = commands.add_parser("keys", help="create, list, revoke and roll API keys")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)

    create = key_commands.add_parser("create", help="make a key; it is printed once")
    create.add_argument("--account", required=True)
    create.add_argument("--mode", choices=("test", "live"), default="test")
    create.add_argument("--name")
    restriction = create.add_mutually_exclusive_group()
    restriction.add_argument(
        "--read-only",
        action="store_const",
        const=scopes.READ_ONLY,
        dest="scope",
        help="a restricted key (rk_test_..., rk_live_...) that may only send GET requests",
    )
    restriction.add_argument(
        "--scope",
        choices=scopes.RESTRICTED_SCOPES,
        help="a restricted key (rk_...) of this scope",
    )
    create.add_argument(
        "--expire-in", metavar="DURATION", help="the key stops working after this (e.g. 30d)"
    )
    create.set_defaults(run=_create)

    listing = key_commands.add_parser("list", help="an account's keys (never the keys themselves)")
    listing.add_argument("--account", required=True)
    listing.set_defaults(run=_list)

    revoke = key_commands.add_parser("revoke", help="stop a key from working, at once")
    revoke.add_argument("key_id")
    revoke.set_defaults(run=_revoke)

    roll = key_commands.add_parser(
        "roll", help="replace a key: a new one now, the old one expires after a grace period"
    )
    roll.add_argument("key_id")
    roll.add_argument(
        "--expire-in",
        metavar="DURATION",
        default=DEFAULT_GRACE,
        help=f"how long the old key keeps working (default {DEFAULT_GRACE}, at most 7d; 0: not "
        "at all)",
    )
    roll.set_defaults(run=_roll)

    for sub in (create, listing, revoke, roll):
        where.add_options(sub)


def _seconds(expire_in: str, most: int) -> int:
    try:
        return durations.seconds(expire_in, most)
    except ValueError as error:
        raise CommandError(f"--expire-in: {error}") from None


def _create(args: argparse.Namespace) -> int:
    from leads_cli.keys import create_key
    from leads_domain.data import key_records
    from leads_domain.timestamps import after

    expires_at = after(_seconds(args.expire_in, LONGEST_EXPIRY)) if args.expire_in else None
    gateway = where.connect(args)
    try:
        key_id, key = create_key(
            args.account,
            args.mode,
            args.name,
            scope=args.scope or scopes.FULL,
            expires_at=expires_at,
            gateway=gateway,
        )
    except ValueError as error:
        raise CommandError(str(error)) from None
    print(f"key_id: {key_id}\napi_key: {key}")
    if expires_at:
        print(f"expires_at: {expires_at}")
    print("This key is shown once: store it now. Only its SHA-256 digest is kept.", file=sys.stderr)
    stored = key_records.find_by_digest(api_keys.digest(key))
    if gateway is None and not (stored or {}).get("usage_key_id"):
        print(
            "No API Gateway given (--stack, or --gateway-url for a local run): the key has no "
            "usage plan key yet, so API Gateway refuses it (403) until "
            f"`leads accounts sync {args.account}` is run against one.",
            file=sys.stderr,
        )
    return 0


def _list(args: argparse.Namespace) -> int:
    from leads_cli.keys import list_keys

    where.connect(args)
    rows = list_keys(args.account)
    table = [LIST_COLUMNS, *[tuple(str(row[c] or "-") for c in LIST_COLUMNS) for row in rows]]
    widths = [max(len(line[i]) for line in table) for i in range(len(LIST_COLUMNS))]
    for line in table:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from leads_cli.keys import revoke_key

    gateway = where.connect(args)
    record = revoke_key(args.key_id, gateway)
    if record is None:
        print(f"leads: no key {args.key_id}", file=sys.stderr)
        return 1
    flushed = "; the authorizer cache is flushed" if gateway else ""
    print(f"{record['key_id']} revoked at {record['revoked_at']}{flushed}")
    return 0


def _roll(args: argparse.Namespace) -> int:
    from leads_cli.keys import roll_key

    grace = _seconds(args.expire_in, LONGEST_GRACE)
    gateway = where.connect(args)
    rolled = roll_key(args.key_id, grace, gateway)
    print(f"key_id: {rolled.key_id}\napi_key: {rolled.key}")
    print("This key is shown once: store it now. Only its SHA-256 digest is kept.", file=sys.stderr)
    if rolled.old is not None:
        print(f"{args.key_id} expires at {rolled.old['expires_at']}")
    if rolled.problem:
        print(f"leads: {rolled.problem}", file=sys.stderr)
        return 1
    return 0

"""The options that say where a `leads keys` or `leads accounts` change goes (a deployed stack,
or a local DynamoDB and local run), and pointing the data access there."""

import argparse

from leads_cli import gateway_target
from leads_cli.failures import CommandError
from leads_cli.gateway_target import GatewayTarget
from leads_cli.keys import use_tables


def add_options(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--stack", help="a deployed stack: its tables, API and usage plans (from its outputs)"
    )
    where.add_argument(
        "--endpoint-url",
        help="a DynamoDB endpoint, e.g. the local run's (or set AWS_ENDPOINT_URL_DYNAMODB)",
    )
    parser.add_argument(
        "--gateway-url",
        help="with --endpoint-url: the local run (`leads serve` prints it), whose API Gateway "
        "gets the tenant's usage plan key and the authorizer cache flush",
    )
    parser.add_argument("--region")


def connect(args: argparse.Namespace) -> GatewayTarget | None:
    """Point the data access at the tables the options name; the API Gateway to carry changes
    to, if any."""
    if args.stack and args.gateway_url:
        raise CommandError("--gateway-url is for a local run; a stack names its own API")
    outputs = use_tables(endpoint_url=args.endpoint_url, stack=args.stack, region=args.region)
    if args.stack and outputs is not None:
        return gateway_target.from_stack(args.stack, outputs)
    if args.gateway_url:
        return gateway_target.local(args.gateway_url)
    return None

"""`leads outputs --stack NAME`: a deployed stack's outputs (its base URL, dashboard, tables)."""

import argparse
import os
from typing import Any

from leads_cli.failures import FAILED, CommandError


def register(commands: Any) -> None:
    outputs = commands.add_parser(
        "outputs", help="a deployed stack's outputs (ApiBaseUrl, DashboardUrl, tables, ...)"
    )
    outputs.add_argument("--stack", required=True)
    outputs.add_argument("--region")
    outputs.add_argument("--name", help="print only this output's value, e.g. ApiBaseUrl")
    outputs.set_defaults(run=_outputs)


def _outputs(args: argparse.Namespace) -> int:
    from leads_domain.data.stack_outputs import stack_outputs

    if args.region:
        os.environ["AWS_DEFAULT_REGION"] = args.region
    values = stack_outputs(args.stack)
    if args.name:
        if args.name not in values:
            raise CommandError(f"stack {args.stack} has no {args.name} output", FAILED)
        print(values[args.name])
        return 0
    for name, value in sorted(values.items()):
        print(f"{name}: {value}")
    return 0

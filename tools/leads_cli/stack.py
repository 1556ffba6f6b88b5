"""A deployed stack's outputs (`leads outputs --stack NAME`): its base URL, its tables."""

import argparse
import sys
from typing import Any


def stack_outputs(stack: str, region: str | None = None) -> dict[str, str]:
    """The stack's outputs by name, read with the caller's usual AWS credentials."""
    import boto3

    described = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=stack)
    outputs = described["Stacks"][0].get("Outputs", [])
    return {output["OutputKey"]: str(output["OutputValue"]) for output in outputs}


def register(commands: Any) -> None:
    outputs = commands.add_parser(
        "outputs", help="a deployed stack's outputs (ApiBaseUrl, DashboardUrl, tables, ...)"
    )
    outputs.add_argument("--stack", required=True)
    outputs.add_argument("--region")
    outputs.add_argument("--name", help="print only this output's value, e.g. ApiBaseUrl")
    outputs.set_defaults(run=_outputs)


def _outputs(args: argparse.Namespace) -> int:
    values = stack_outputs(args.stack, args.region)
    if args.name:
        if args.name not in values:
            print(f"leads: stack {args.stack} has no {args.name} output", file=sys.stderr)
            return 1
        print(values[args.name])
        return 0
    for name, value in sorted(values.items()):
        print(f"{name}: {value}")
    return 0

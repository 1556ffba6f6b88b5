"""Where a CLI command finds the tables: a deployed stack's, or a DynamoDB endpoint's."""

import argparse


def add_table_options(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--stack", help="a deployed stack: use the tables in its outputs")
    where.add_argument(
        "--endpoint-url",
        help="a DynamoDB endpoint, e.g. the local run's (or set AWS_ENDPOINT_URL_DYNAMODB)",
    )
    parser.add_argument("--region")

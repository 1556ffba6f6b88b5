"""`leads backfill`: file every lead stored before filtered lists existed, so that the filters,
their totals and ``?unique=email_id`` count it (README, "Upgrading").

An operator's one-off migration, run once after the stack's upgrade: it reads the whole leads
table once (a parallel Scan, never in deployed code) and files each lead not filed yet in a
transaction of its own (leads_domain/data/backfill.py), while the API keeps serving. Run again,
or after an interruption, it files only what is still unfiled; two runs at once never count a
lead twice. Until a tenant's every lead is filed, its filtered lists answer 503
``filters_unavailable`` rather than a wrong total.
"""

import argparse
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from leads_cli import where

SEGMENTS = 4


@dataclass
class Progress:
    """What a run found and did, counted across its segments."""

    filed: int = 0
    skipped: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, filed: bool) -> None:
        with self._lock:
            if filed:
                self.filed += 1
            else:
                self.skipped += 1


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "backfill",
        help="file the leads stored before filtered lists (once, after upgrading a stack)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    where.add_options(parser)
    parser.add_argument(
        "--segments",
        type=int,
        default=SEGMENTS,
        help=f"parallel Scan segments, each read by a thread of its own ({SEGMENTS})",
    )
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    where.connect(args)
    progress = backfill(max(1, args.segments))
    print(
        f"filed {progress.filed} lead(s); {progress.skipped} were filed or deleted meanwhile",
        file=sys.stderr,
    )
    return 0


def backfill(segments: int = SEGMENTS) -> Progress:
    """File every unfiled lead of the table the data access points at."""
    progress = Progress()
    with ThreadPoolExecutor(max_workers=segments) as pool:
        # list(): a segment's failure is raised here, not lost.
        list(pool.map(lambda n: _segment(n, segments, progress), range(segments)))
    return progress


def _segment(segment: int, segments: int, progress: Progress) -> None:
    from leads_domain.data.backfill import file_lead

    for item in unfiled_items(segment, segments):
        progress.add(file_lead(item))


def unfiled_items(segment: int, segments: int) -> Iterator[dict[str, Any]]:
    """The raw lead items of one segment of the table not filed yet."""
    from leads_domain.data.backfill import is_unfiled_lead
    from leads_domain.data.clients import dynamodb
    from leads_domain.data.leads_table import FILED, LEAD_PREFIX
    from leads_domain.settings import get_settings

    request: dict[str, Any] = {
        "TableName": get_settings().leads_table,
        "FilterExpression": "begins_with(sk, :lead) AND attribute_not_exists(#filed)",
        "ExpressionAttributeNames": {"#filed": FILED},
        "ExpressionAttributeValues": {":lead": {"S": LEAD_PREFIX}},
        "Segment": segment,
        "TotalSegments": segments,
    }
    while True:
        response = dynamodb().scan(**request)
        yield from (item for item in response.get("Items", []) if is_unfiled_lead(item))
        if "LastEvaluatedKey" not in response:
            return
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

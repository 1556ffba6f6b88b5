"""`leads import FILE`: the command line. Every row is checked first, the rows the API would
refuse are written to FILE.rejected.csv, and the rest are created through POST
/api/crm/lead/batch, a few batches in flight, with a progress bar and a summary. Run again after
an interruption, it finishes the import and creates none of the leads twice (import_sender.py
says why). The work is in import_run.py, imported only when the command runs.
"""

import argparse
import os
import sys
from pathlib import Path

from leads_cli import local_run

DEFAULT_URL = "http://127.0.0.1:3000"  # make run's
IN_FLIGHT = 4
EXIT_INTERRUPTED = 130


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "import",
        help="create the leads of a CSV or JSON Lines file (resumable)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "file", type=Path, help="a .csv (API field names or ERPNext labels) or .jsonl"
    )
    parser.add_argument(
        "--url",
        default=os.environ.get("LEADS_API_URL") or DEFAULT_URL,
        help=f"the API's base URL (LEADS_API_URL; default {DEFAULT_URL}, the local run)",
    )
    parser.add_argument(
        "--key", help="an API key (LEADS_API_KEY; default: the running local run's test key)"
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="check every row and write the rejected file, but send nothing",
    )
    parser.add_argument("--format", choices=("csv", "jsonl"), help="default: from the extension")
    parser.add_argument(
        "--in-flight", type=int, default=IN_FLIGHT, help=f"batches sent at once ({IN_FLIGHT})"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from leads_cli.import_rows import ImportFile, ImportFileError
    from leads_cli.import_run import check, rejected_path, report, send, summary_text

    try:
        source = ImportFile.open(args.file, args.format)
    except ImportFileError as error:
        print(f"leads import: {error}", file=sys.stderr)
        return 2
    key = args.key or os.environ.get("LEADS_API_KEY") or local_run.key_for(args.url)
    if not key and not args.dry_run:
        print(
            f"leads import: no API key for {args.url}: pass --key or set LEADS_API_KEY "
            "(or start the local run with make run)",
            file=sys.stderr,
        )
        return 2
    rejected_file = rejected_path(source.path)
    try:
        checked = check(source, rejected_file)
        print(report(source, checked, rejected_file), file=sys.stderr)
        if args.dry_run:
            return 0
        summary = send(source, checked, args.url, str(key), max(1, args.in_flight), rejected_file)
    except ImportFileError as error:
        print(f"leads import: {error}", file=sys.stderr)
        return 2
    print(summary_text(source, summary, args.url, rejected_file), file=sys.stderr)
    if summary.interrupted:
        return EXIT_INTERRUPTED
    return 1 if summary.unsent else 0

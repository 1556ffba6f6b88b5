"""5. Bulk import: `leads import` of a generated file into the local run (`leads serve` in a
process of its own, as `make run` starts it), against the floor of creating the same kind of
leads one POST at a time through the same run, with the same number of requests in flight."""

import contextlib
import csv
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bench.environment import ROOT
from bench.report import Section, Table, Target, ratio
from leads_cli import local_run
from leads_cli.import_rows import ImportFile
from leads_cli.import_run import Summary, check, rejected_path, send
from leads_cli.lead_import import IN_FLIGHT
from leads_domain.batch_models import BATCH_LIMIT

STARTUP_SECONDS = 60
# Usage plans no run reaches: the section measures the work per lead, not a tenant's rate limit
# (the floor alone would otherwise spend a test-mode tenant's 25 requests per second).
UNTHROTTLED = tuple(
    argument
    for plan in ("TestMode", "LiveMode", "LargePlan")
    for limit in ("RateLimit", "BurstLimit")
    for argument in ("--parameter", f"{plan}{limit}=100000")
)
HEADER = ["ID", "First Name", "Last Name", "Organization Name", "Email Address", "City", "Status"]


@contextlib.contextmanager
def local_run_server() -> Iterator[tuple[str, str]]:
    """`leads serve --port 0` in its own process: (base URL, test key), from its record."""
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("AWS_ENDPOINT")
    }
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "leads_cli.main", "serve", "--port", "0", *UNTHROTTLED],
            cwd=ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while (found := local_run.of_process(process.pid)) is None:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise SystemExit(f"import: leads serve did not start:\n{log.read().decode()}")
                time.sleep(0.1)
            yield str(found["url"]), str(found["key"])
        finally:
            process.send_signal(signal.SIGINT)  # Ctrl-C: it removes its record
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def write_file(path: Path, rows: int) -> Path:
    """An ERPNext export of `rows` leads (labels as column names, a BOM, quoted commas)."""
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        for n in range(rows):
            writer.writerow(
                [f"CRM-LEAD-{n:06}", f"First{n}", f"Last{n}", f"Company {n}, Ltd",
                 f"lead{n}@example.com", "Oslo", "Open"]
            )  # fmt: skip
    return path


def timed_import(path: Path, url: str, key: str) -> Summary:
    source = ImportFile.open(path)
    with contextlib.redirect_stderr(io.StringIO()):  # the progress bar
        checked = check(source, rejected_path(path))
        return send(source, checked, url, key, IN_FLIGHT, rejected_path(path))


def one_by_one(url: str, key: str, count: int) -> float:
    """Seconds to create `count` leads with one POST each, IN_FLIGHT at a time."""
    headers = {"Authorization": f"Bearer {key}"}
    local = threading.local()

    def create(n: int) -> int:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        body = {"first_name": f"One{n}", "company_name": f"Company {n}, Ltd", "city": "Oslo"}
        return session.post(
            f"{url}/api/crm/lead", json=body, headers=headers, timeout=60
        ).status_code

    started = time.monotonic()
    with ThreadPoolExecutor(IN_FLIGHT) as pool:
        statuses = list(pool.map(create, range(count)))
    if set(statuses) != {201}:
        raise SystemExit(f"import: single creates answered {sorted(set(statuses))}")
    return time.monotonic() - started


def total(url: str, key: str) -> int:
    response = requests.get(
        f"{url}/api/crm/lead?limit=1", headers={"Authorization": f"Bearer {key}"}, timeout=60
    )
    return int(json.loads(response.text)["total"])


def run(rows: int) -> Section:
    single = max(100, rows // 20)
    with tempfile.TemporaryDirectory(prefix="leads-bench-import-") as directory:
        path = write_file(Path(directory) / "leads.csv", rows)
        with local_run_server() as (url, key):
            first = timed_import(path, url, key)
            again = timed_import(path, url, key)
            imported = total(url, key)
            seconds = one_by_one(url, key, single)
    return section(rows, first, again, imported, single, seconds)


def section(
    rows: int, first: Summary, again: Summary, imported: int, single: int, seconds: float
) -> Section:
    batches = -(-rows // BATCH_LIMIT)
    floor_rate = single / seconds
    table = Table(
        f"Import of {rows:,} rows into the local run, {IN_FLIGHT} requests in flight",
        ["Run", "Rows", "Seconds", "Rows/s", "HTTP requests", "Requests per 100 rows", "Speed"],
    )
    table.add(
        "floor: one POST per lead", f"{single:,}", f"{seconds:.1f}", f"{floor_rate:,.0f}",
        f"{single:,}", "100", "1.00x",
    )  # fmt: skip
    for name, summary in (("leads import", first), ("leads import, again", again)):
        rate = rows / summary.seconds if summary.seconds else 0.0
        table.add(
            name,
            f"{rows:,}",
            f"{summary.seconds:.1f}",
            f"{rate:,.0f}",
            f"{summary.requests:,}",
            f"{100 * summary.requests / rows:.2f}",
            ratio(rate / floor_rate),
        )
    table.notes = [
        "The file is an ERPNext export (labels as column names, a BOM, quoted commas); every "
        "row is checked before any is sent (included in the time). The local run serves one "
        "request per function at a time, as one Lambda container does, so the batches queue "
        "behind each other there; on AWS they run in parallel containers.",
        "Again: the same command run a second time; every batch is answered from the API's "
        "memory of its Idempotency-Key (reported as skipped), and nothing is created.",
    ]
    return Section(
        "5. Bulk import",
        tables=[table],
        targets=[
            Target(
                f"one request per {BATCH_LIMIT} rows",
                first.requests == batches,
                f"{first.requests:,} requests for {rows:,} rows",
            ),
            Target(
                "every row created once, total exact",
                first.created == rows and imported == rows,
                f"created {first.created:,}, total {imported:,}",
            ),
            Target(
                "running it again creates nothing",
                again.created == 0 and again.skipped == rows,
                f"created {again.created:,}, skipped {again.skipped:,}",
            ),
        ],
    )

"""One import's two passes over its file: check every row (writing the rejected ones), then send
the valid ones in numbered batches, a few in flight, and sum up what happened."""

import csv
import hashlib
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from leads_cli.import_rows import ImportFile, Row
from leads_cli.import_sender import Batch, ImportAborted, Outcome, Sender
from leads_cli.progress import Progress
from leads_domain.batch_models import BATCH_LIMIT


@dataclass
class Checked:
    """What the validation pass found."""

    rows: int = 0
    valid: int = 0
    rejected: int = 0
    examples: list[str] = field(default_factory=list)  # the first few rejections


@dataclass
class Summary:
    checked: Checked
    batches: int = 0
    created: int = 0
    skipped: int = 0  # created by an earlier run of the same import
    refused: int = 0  # by the API, after the local check
    unsent: int = 0
    requests: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    failures: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return self.checked.rejected + self.refused


def rejected_path(path: Path) -> Path:
    return path.with_name(path.name + ".rejected.csv")


def check(source: ImportFile, rejected_file: Path) -> Checked:
    """Validate every row; write the rejected ones (or remove an old rejected file)."""
    checked = Checked()
    rejected_file.unlink(missing_ok=True)
    writer = _RejectedWriter(source, rejected_file)
    for row in source.rows():
        checked.rows += 1
        if row.fields is not None:
            checked.valid += 1
            continue
        checked.rejected += 1
        writer.write(row, row.error or "")
        if len(checked.examples) < 5:
            checked.examples.append(f"row {row.number}: {row.error}")
    writer.close()
    return checked


def digest_of(path: Path) -> str:
    """The file's content hash: the same file gives the same Idempotency-Keys."""
    found = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            found.update(chunk)
    return found.hexdigest()


def batches(source: ImportFile) -> Iterator[Batch]:
    """The valid rows, in order, by BATCH_LIMIT: numbered the same on every run."""
    rows: list[Row] = []
    number = 0
    for row in source.rows():
        if row.fields is None:
            continue
        rows.append(row)
        if len(rows) == BATCH_LIMIT:
            number += 1
            yield Batch(number, rows)
            rows = []
    if rows:
        yield Batch(number + 1, rows)


def send(
    source: ImportFile,
    checked: Checked,
    url: str,
    key: str,
    in_flight: int,
    rejected_file: Path,
) -> Summary:
    summary = Summary(checked)
    sender = Sender(url, key, digest_of(source.path))
    progress = Progress(checked.valid)
    writer = _RejectedWriter(source, rejected_file)
    started = time.monotonic()
    pending: set[Future[Outcome]] = set()
    executor = ThreadPoolExecutor(in_flight)
    try:
        for batch in batches(source):
            summary.batches += 1
            pending.add(executor.submit(sender.send, batch))
            # At most a few batches ahead of the answers: memory stays flat on any file.
            while len(pending) >= 2 * in_flight:
                pending = _collect(pending, summary, progress, writer)
        while pending:
            pending = _collect(pending, summary, progress, writer)
    except KeyboardInterrupt:
        summary.interrupted = True
    except ImportAborted as aborted:
        summary.failures.append(str(aborted))
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        summary.unsent = checked.valid - summary.created - summary.skipped - summary.refused
        summary.seconds = time.monotonic() - started
        progress.close()
        writer.close()
    return summary


def _collect(
    pending: set[Future[Outcome]], summary: Summary, progress: Progress, writer: "_RejectedWriter"
) -> set[Future[Outcome]]:
    done, still = wait(pending, return_when=FIRST_COMPLETED)
    for future in done:
        outcome = future.result()
        summary.requests += outcome.requests
        if outcome.failure:
            summary.failures.append(f"batch {outcome.batch.number}: {outcome.failure}")
            raise ImportAborted(outcome.failure)
        if outcome.replayed:
            summary.skipped += outcome.created
        else:
            summary.created += outcome.created
        summary.refused += len(outcome.refused)
        for row, message in outcome.refused:
            writer.write(row, message)
        progress.advance(len(outcome.batch.rows))
    return still


class _RejectedWriter:
    """FILE.rejected.csv: the row's number, why, and the row as read; created on first use."""

    def __init__(self, source: ImportFile, path: Path) -> None:
        self._columns = source.columns() or ["json"]
        self._path = path
        self._file = None
        self._writer: csv.DictWriter[str] | None = None

    def write(self, row: Row, error: str) -> None:
        if self._writer is None:
            new = not self._path.exists()
            # A BOM, so that spreadsheets open it as UTF-8; this importer reads it back.
            self._file = self._path.open("a", encoding="utf-8-sig" if new else "utf-8", newline="")
            fields = ["row", "error", *self._columns]
            self._writer = csv.DictWriter(self._file, fields, extrasaction="ignore")
            if new:
                self._writer.writeheader()
        self._writer.writerow({**row.cells, "row": row.number, "error": error})

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file, self._writer = None, None


def report(source: ImportFile, checked: Checked, rejected_file: Path) -> str:
    lines = [
        f"{source.path} ({source.format}): {checked.rows:,} rows, {checked.valid:,} valid, "
        f"{checked.rejected:,} rejected"
    ]
    ignored = source.ignored_columns()
    if ignored:
        lines.append(f"  ignored columns: {', '.join(ignored)}")
    lines += [f"  {example}" for example in checked.examples]
    if checked.rejected:
        lines.append(f"  every rejected row, with why: {rejected_file}")
    batches = -(-checked.valid // BATCH_LIMIT)
    lines.append(
        f"  to send: {checked.valid:,} leads in {batches:,} batches of up to {BATCH_LIMIT}"
    )
    return "\n".join(lines)


def summary_text(source: ImportFile, summary: Summary, url: str, rejected_file: Path) -> str:
    done = summary.created + summary.skipped + summary.refused
    rate = done / summary.seconds if summary.seconds else 0.0
    lines = [
        f"{'Interrupted' if summary.interrupted else 'Imported'} {source.path.name} into {url}: "
        f"{summary.batches:,} batches, {summary.requests:,} requests, {summary.seconds:.1f} s "
        f"({rate:,.0f} rows/s)",
        f"  created:                    {summary.created:,}",
        f"  skipped (already imported): {summary.skipped:,}",
        f"  rejected:                   {summary.rejected:,}"
        + (f"  (see {rejected_file})" if summary.rejected else ""),
    ]
    if summary.unsent:
        lines.append(f"  not sent:                   {summary.unsent:,}")
    lines += [f"  {failure}" for failure in summary.failures]
    if summary.unsent:
        lines.append("Run the same command again to finish: no lead is created twice.")
    return "\n".join(lines)

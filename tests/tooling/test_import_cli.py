"""`leads import` as a user runs it, against `leads serve`: ERPNext headers, a BOM, quoted commas
and line breaks and bad rows; a dry run sends nothing; an import killed half-way (a real process,
a real signal) and run again creates every good row exactly once, and `total` is exact.

The imports run against a local run of this module's own (`own_client`): thousands of leads on
the shared one would slow every other test's lists."""

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from leads_cli.template import PROJECT_ROOT
from support.client import LeadsClient
from support.local_api import LocalApi

pytestmark = pytest.mark.http

LEADS_CLI = (sys.executable, "-m", "leads_cli.main")


def leads_import(
    file: Path, *arguments: str, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LEADS_CLI, "import", str(file), *arguments],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=timeout,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        check=False,
    )


def against(client: LeadsClient) -> tuple[str, ...]:
    return ("--url", client.api.base_url, "--key", client.key)


def write_csv(path: Path, rows: list[list[Any]], bom: bool = True) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as file:
        csv.writer(file).writerows(rows)
    return path


def people(count: int, start: int = 0) -> list[list[Any]]:
    """ERPNext-labelled rows: a quoted comma and a line break in every organization name."""
    header = ["ID", "First Name", "Last Name", "Organization Name", "Email Address", "Status"]
    return [header] + [
        [f"CRM-LEAD-{n}", f"Ada{n}", "Lovelace", f"Engines, Ltd\nunit {n}", f"ada{n}@x.org", "Open"]
        for n in range(start, start + count)
    ]


def stored_emails(client: LeadsClient) -> list[str]:
    return sorted(lead["email_id"] for lead in client.all_leads())


def test_an_erpnext_csv_with_bad_rows_imports_every_good_row_once(
    own_client: LeadsClient, tmp_path: Path
) -> None:
    # Given 120 ERPNext rows (BOM, quoted commas and line breaks), 3 of them bad
    rows = people(120)
    rows[10][5] = "x" * 141  # status too long
    rows[50][1] = "\x00"  # a control character
    rows[99].append("surplus")
    path = write_csv(tmp_path / "leads.csv", rows)

    # When it is imported
    result = leads_import(path, *against(own_client))

    # Then the 117 good rows are created, each once, as the API validates them
    assert result.returncode == 0, result.stderr
    assert "created:                    117" in result.stderr
    assert "rejected:                   3" in result.stderr
    good = [row for n, row in enumerate(rows[1:], start=1) if n not in (10, 50, 99)]
    assert stored_emails(own_client) == sorted(row[4] for row in good)
    assert own_client.total() == 117
    lead = next(lead for lead in own_client.all_leads() if lead["email_id"] == "ada0@x.org")
    assert lead["company_name"] == "Engines, Ltd\nunit 0" and lead["status"] == "Open"
    assert lead["lead_name"] == "Ada0 Lovelace"
    # And the rejected file names each bad row as a spreadsheet numbers it, with why
    with (tmp_path / "leads.csv.rejected.csv").open(encoding="utf-8-sig", newline="") as file:
        rejected = list(csv.DictReader(file))
    assert [entry["row"] for entry in rejected] == ["11", "51", "100"]
    assert "status" in rejected[0]["error"] and "control" in rejected[1]["error"]
    assert rejected[0]["Organization Name"] == "Engines, Ltd\nunit 9"

    # And running it again creates nothing, and says so
    again = leads_import(path, *against(own_client))
    assert again.returncode == 0, again.stderr
    assert "skipped (already imported): 117" in again.stderr
    assert "created:                    0" in again.stderr
    assert own_client.total() == 117


def test_a_dry_run_reports_and_sends_nothing(own_client: LeadsClient, tmp_path: Path) -> None:
    rows = people(5)
    rows[2][5] = "x" * 141
    path = write_csv(tmp_path / "leads.csv", rows, bom=False)

    result = leads_import(path, *against(own_client), "--dry-run")

    assert result.returncode == 0, result.stderr
    assert "5 rows, 4 valid, 1 rejected" in result.stderr
    assert "ignored columns: ID" in result.stderr
    assert "row 3: Invalid 'status'" in result.stderr
    assert "4 leads in 1 batches" in result.stderr
    assert (tmp_path / "leads.csv.rejected.csv").exists()
    assert own_client.total() == 0


def test_json_lines_import(own_client: LeadsClient, tmp_path: Path) -> None:
    path = tmp_path / "leads.jsonl"
    path.write_text('{"first_name": "Ada", "annual_revenue": 10}\n{"Email": "g@x.org"}\n[1]\n')

    result = leads_import(path, *against(own_client))

    assert result.returncode == 0, result.stderr
    assert "created:                    2" in result.stderr
    assert own_client.total() == 2


def test_without_a_key_it_uses_the_local_runs(module_local_api: LocalApi, tmp_path: Path) -> None:
    # `leads serve` leaves its URL and test key where `leads import` finds them.
    path = write_csv(tmp_path / "leads.csv", [["city"], ["Oslo"]])
    result = leads_import(path, "--url", module_local_api.base_url)
    assert result.returncode == 0, result.stderr
    assert "created:                    1" in result.stderr


def test_an_import_throttled_by_its_usage_plan_waits_and_creates_every_row_once(
    throttled_local_api: LocalApi, tmp_path: Path
) -> None:
    # Given a tenant whose bucket holds 5 requests and refills one a second, and 10 batches:
    # unthrottled only if they took more than 5 s (2 s each, 4 at a time), on any machine
    client = throttled_local_api.new_client()
    path = write_csv(tmp_path / "leads.csv", people(1_000))

    # When they are imported 4 at a time
    result = leads_import(path, *against(client), "--in-flight", "4")

    # Then the 429s were waited out (Retry-After) and retried: every row created once
    assert result.returncode == 0, result.stderr
    assert "created:                    1,000" in result.stderr
    requests = int(result.stderr.split(" batches, ")[1].split(" requests")[0])
    assert requests > 10, "the usage plan never throttled the import"
    time.sleep(6)  # a full bucket again, for the checks' own requests
    assert client.total() == 1_000


def test_a_file_that_cannot_be_imported_is_a_clear_error(own_client: LeadsClient, tmp_path: Path):
    path = write_csv(tmp_path / "leads.csv", [["first_name", "nickname"], ["Ada", "A"]])
    result = leads_import(path, *against(own_client))
    assert result.returncode == 2
    assert "unknown column 'nickname'" in result.stderr and "Traceback" not in result.stderr
    missing = leads_import(tmp_path / "nope.csv", *against(own_client))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert own_client.total() == 0


def test_a_refused_key_stops_the_import(own_client: LeadsClient, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", people(3))
    result = leads_import(path, "--url", own_client.api.base_url, "--key", "sk_test_" + "A" * 38)
    assert result.returncode == 1
    assert "refused the key" in result.stderr and "not sent:                   3" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    "signal_number", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"]
)
def test_an_import_killed_half_way_and_run_again_creates_every_good_row_once(
    own_client: LeadsClient, tmp_path: Path, signal_number: int
) -> None:
    # Given a file of 1,500 good rows and 2 bad ones: 15 batches
    rows = people(1_502)
    rows[7][5] = rows[1_000][5] = "x" * 141
    path = write_csv(tmp_path / "leads.csv", rows)
    good = sorted(row[4] for n, row in enumerate(rows[1:], start=1) if n not in (7, 1_000))

    # When the import runs one batch at a time and is killed once some leads exist
    process = subprocess.Popen(
        [*LEADS_CLI, "import", str(path), *against(own_client), "--in-flight", "1"],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while own_client.total() < 100:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the import created nothing"
        time.sleep(0.05)
    process.send_signal(signal_number)
    _, stderr = process.communicate(timeout=120)
    killed_at = own_client.total()

    # Then it stopped half-way
    assert 100 <= killed_at < len(good), killed_at
    if signal_number == signal.SIGINT:
        assert process.returncode == 130, stderr
        assert "Interrupted" in stderr and "Run the same command again" in stderr

    # When the same command runs again
    result = leads_import(path, *against(own_client))

    # Then every good row exists exactly once, and total is exact
    assert result.returncode == 0, result.stderr
    assert stored_emails(own_client) == good
    assert own_client.total() == len(good)
    assert "rejected:                   2" in result.stderr


def test_a_local_run_leaves_its_record_and_forgets_those_of_stopped_ones(tmp_path, monkeypatch):
    from leads_cli import local_run

    monkeypatch.setattr(local_run, "DIRECTORY", tmp_path / "records")
    # A process that has exited: its id names no running server.
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    stale = local_run.record("http://127.0.0.1:1", "sk_test_old")
    stale.rename(stale.with_name(f"{gone.stdout.strip()}.json"))

    mine = local_run.record("http://127.0.0.1:2/", "sk_test_mine")

    assert [path.name for path in (tmp_path / "records").iterdir()] == [mine.name]
    assert oct(mine.stat().st_mode & 0o777) == "0o600"
    assert local_run.key_for("http://127.0.0.1:2") == "sk_test_mine"
    assert local_run.key_for("http://127.0.0.1:1") is None
    local_run.forget(mine)
    assert local_run.key_for("http://127.0.0.1:2") is None

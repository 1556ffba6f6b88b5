"""`leads import`'s reading of files: CSV with API names or ERPNext labels, with or without a
BOM, quoted commas and line breaks, JSON Lines; every row validated by the API's own model,
numbered as a spreadsheet numbers it."""

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from leads_cli.import_rows import ImportFile, ImportFileError, field_for
from leads_cli.import_run import check, rejected_path


def write_csv(path: Path, rows: list[list[Any]], bom: bool = False) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as file:
        csv.writer(file).writerows(rows)
    return path


ERPNEXT_ROWS = [
    ["ID", "First Name", "Last Name", "Organization Name", "Email Address", "Mobile No.",
     "Annual Revenue", "Unsubscribed", "Lead Owner", "Qualified on", "City"],
    ["CRM-LEAD-2024-00001", "Ada", "Lovelace", "Engines, Ltd", "ada@example.com",
     "+44 1", "250000", "0", "ana@example.com", "2024-01-15", "London"],
    ["CRM-LEAD-2024-00002", "Grace", "", "Line one\nline two", "", "", "1.5e3", "Yes", "", "",
     ""],
]  # fmt: skip


@pytest.mark.parametrize("bom", [False, True], ids=["no BOM", "BOM"])
def test_erpnext_labels_quoted_commas_and_line_breaks(tmp_path: Path, bom: bool) -> None:
    source = ImportFile.open(write_csv(tmp_path / "leads.csv", ERPNEXT_ROWS, bom))

    rows = list(source.rows())

    assert [row.number for row in rows] == [2, 3]
    assert rows[0].fields == {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "company_name": "Engines, Ltd",
        "email_id": "ada@example.com",
        "mobile_no": "+44 1",
        "annual_revenue": 250000,
        "unsubscribed": False,
        "lead_owner": "ana@example.com",
        "qualified_on": "2024-01-15",
        "city": "London",
    }
    # Empty cells are left out (the API's defaults apply); the BOM never reaches a name.
    assert rows[1].fields == {
        "first_name": "Grace",
        "company_name": "Line one\nline two",
        "annual_revenue": 1500.0,
        "unsubscribed": True,
    }
    assert source.ignored_columns() == ["ID"]


def test_bad_rows_are_rejected_with_the_apis_message_and_their_row_number(tmp_path: Path):
    rows = [
        ["first_name", "annual_revenue", "disabled", "website"],
        ["Ok", "10", "no", ""],
        ["Revenue", "ten", "", ""],
        ["Flag", "", "maybe", ""],
        ["", "", "", ""],  # blank: skipped, still numbered
        ["Long", "", "", "x" * 2049],
        ["Extra", "1", "0", "", "surplus"],
        ["Huge", "1e16", "", ""],
    ]
    source = ImportFile.open(write_csv(tmp_path / "leads.csv", rows))

    found = {row.number: row for row in source.rows()}

    assert found[2].fields == {"first_name": "Ok", "annual_revenue": 10, "disabled": False}
    assert set(found) == {2, 3, 4, 6, 7, 8}
    assert found[3].error == "'annual_revenue' must be a number."
    assert "'disabled' must be 1 or 0" in (found[4].error or "")
    assert "website" in (found[6].error or "")
    assert found[7].error == "5 cells, but the header names 4 columns"
    assert "annual_revenue" in (found[8].error or "")
    assert all(found[n].fields is None for n in (3, 4, 6, 7, 8))


def test_the_rejected_file_holds_each_rejected_row_as_read_with_its_number_and_why(tmp_path):
    rows = [["First Name", "Organization Name", "Annual Revenue"]]
    rows += [["Ada", "A, Ltd", "1"], ["Bad", "B\nLtd", "x"], ["Ok", "C", "2"]]
    path = write_csv(tmp_path / "leads.csv", rows, bom=True)
    source = ImportFile.open(path)

    checked = check(source, rejected_path(path))

    assert (checked.rows, checked.valid, checked.rejected) == (3, 2, 1)
    with rejected_path(path).open(encoding="utf-8-sig", newline="") as file:
        rejected = list(csv.DictReader(file))
    assert rejected == [
        {
            "row": "3",
            "error": "'annual_revenue' must be a number.",
            "First Name": "Bad",
            "Organization Name": "B\nLtd",
            "Annual Revenue": "x",
        }
    ]
    # Fixed, the rejected file imports as it is (its row and error columns are left out).
    fixed_path = tmp_path / "fixed.csv"
    with fixed_path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, list(rejected[0]))
        writer.writeheader()
        writer.writerow({**rejected[0], "Annual Revenue": "3"})
    (fixed,) = ImportFile.open(fixed_path).rows()
    assert fixed.fields == {"first_name": "Bad", "company_name": "B\nLtd", "annual_revenue": 3}


def test_a_check_without_rejections_removes_an_old_rejected_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", [["city"], ["Oslo"]])
    rejected_path(path).write_text("row,error\n2,old\n")
    check(ImportFile.open(path), rejected_path(path))
    assert not rejected_path(path).exists()


def test_json_lines_with_api_names_and_labels(tmp_path: Path) -> None:
    path = tmp_path / "leads.jsonl"
    lines = [
        json.dumps({"first_name": "Ada", "annual_revenue": 5, "disabled": True}),
        "",
        json.dumps({"Email Address": "grace@example.com", "id": "ignored"}),
        "{not json",
        json.dumps({"city": 7}),
        json.dumps({"nickname": "x"}),
        json.dumps(["a list"]),
    ]
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")

    found = {row.number: row for row in ImportFile.open(path).rows()}

    assert found[1].fields == {"first_name": "Ada", "annual_revenue": 5, "disabled": True}
    assert found[3].fields == {"email_id": "grace@example.com"}
    assert found[4].error == found[7].error == "not a JSON object"
    assert found[5].error == "'city' must be a string, not a number."
    assert found[6].error == "Unknown field 'nickname'."
    assert 2 not in found


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["first_name", "nickname"], "unknown column 'nickname'"),
        (["Email", "email_id"], "all fill email_id"),
        (["", ""], "must name the columns"),
    ],
)
def test_a_header_that_cannot_be_imported_stops_before_anything(tmp_path, header, message):
    path = write_csv(tmp_path / "leads.csv", [header, ["a", "b"]])
    with pytest.raises(ImportFileError, match=message):
        ImportFile.open(path)


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes("city\nZürich\n".encode("latin-1"))
    with pytest.raises(ImportFileError, match="not UTF-8"):
        ImportFile.open(path)


def test_column_names_match_loosely_and_labels_map_to_fields() -> None:
    assert field_for(" first_name ") == field_for("First Name") == "first_name"
    assert field_for("Mobile No") == field_for("mobile no.") == "mobile_no"
    assert field_for("Email Id") == field_for("EMAIL") == "email_id"
    assert field_for("Person Name") == field_for("Full Name") == "lead_name"
    assert field_for("created_at") is None and field_for("ID") is None

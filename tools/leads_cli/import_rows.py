"""The rows of an import file, each validated with the API's own request model.

CSV (UTF-8, with or without a byte order mark; quoted cells may hold commas and line breaks)
with a header row of API field names or of ERPNext's labels (its Data Import templates and
exports name columns by label: "First Name", "Email Address"); or JSON Lines, one lead object
per line, keyed the same way. Rows are read one at a time, so a file of a million rows takes no
more memory than one. A row's number is the one a spreadsheet shows: the header is row 1.
"""

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leads_domain.errors import InvalidRequest
from leads_domain.fields import BOOLEAN_FIELDS, FIELDS, NUMBER_FIELDS, READ_ONLY_FIELDS
from leads_domain.models import parse_fields

# ERPNext's labels for the Lead's fields (erpnext/crm/doctype/lead/lead.json): v14's, and the
# earlier ones exports still carry. v15 keeps a lead's source and campaign in the UTM fields.
ERPNEXT_LABELS = {
    "lead_name": ("Full Name", "Person Name"),
    "company_name": ("Organization Name",),
    "email_id": ("Email", "Email Address", "Email Id"),
    "lead_owner": ("Lead Owner",),
    "status": ("Status",),
    "salutation": ("Salutation",),
    "gender": ("Gender",),
    "customer": ("From Customer",),
    "image": ("Image",),
    "phone": ("Phone",),
    "mobile_no": ("Mobile No", "Mobile No."),
    "fax": ("Fax",),
    "type": ("Lead Type",),
    "market_segment": ("Market Segment",),
    "industry": ("Industry",),
    "request_type": ("Request Type",),
    "company": ("Company",),
    "website": ("Website",),
    "territory": ("Territory",),
    "unsubscribed": ("Unsubscribed",),
    "blog_subscriber": ("Blog Subscriber",),
    "title": ("Title",),
    "language": ("Print Language", "Language"),
    "first_name": ("First Name",),
    "middle_name": ("Middle Name",),
    "last_name": ("Last Name",),
    "no_of_employees": ("No of Employees",),
    "whatsapp_no": ("WhatsApp", "WhatsApp No"),
    "phone_ext": ("Phone Ext.", "Phone Ext"),
    "qualified_by": ("Qualified By",),
    "qualified_on": ("Qualified on",),
    "qualification_status": ("Qualification Status",),
    "job_title": ("Job Title",),
    "annual_revenue": ("Annual Revenue",),
    "disabled": ("Disabled",),
    "city": ("City",),
    "state": ("State",),
    "country": ("Country",),
    "utm_source": ("Source", "UTM Source"),
    "utm_medium": ("Medium", "UTM Medium"),
    "utm_campaign": ("Campaign", "Campaign Name", "UTM Campaign"),
    "utm_content": ("Content", "UTM Content"),
}
# Columns a file may carry that are not the API's to set: ERPNext's own id, this API's read-only
# fields, and the two columns of a rejected file (so that it can be fixed and imported).
IGNORED = ("ID", "Name", *READ_ONLY_FIELDS, "row", "error")
TRUE, FALSE = ("1", "true", "yes", "y"), ("0", "false", "no", "n")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


class ImportFileError(ValueError):
    """The file cannot be imported at all (its format, its header): nothing is sent."""


def _key(name: str) -> str:
    """A column name as compared: case, spaces, underscores and a final '.' do not matter."""
    return re.sub(r"[\s_]+", " ", name.strip().rstrip(".")).casefold()


_ALIASES = {_key(name): name for name in FIELDS} | {
    _key(label): name for name, labels in ERPNEXT_LABELS.items() for label in labels
}
_IGNORED = {_key(name) for name in IGNORED}


def field_for(column: str) -> str | None:
    """The API field a column (an API field name or an ERPNext label) fills; None if the
    column is one to leave out; ImportFileError if it is unknown."""
    key = _key(column)
    if key in _IGNORED:
        return None
    if key in _ALIASES:
        return _ALIASES[key]
    raise ImportFileError(
        f"unknown column {column[:60]!r}: use the API's field names (first_name, email_id, "
        "...) or ERPNext's labels (First Name, Email Address, ...)"
    )


@dataclass(frozen=True)
class Row:
    number: int  # as a spreadsheet numbers it (CSV: the header is row 1); a JSON line's number
    cells: dict[str, str]  # the row as read, by column, for the rejected file
    fields: dict[str, Any] | None  # the lead's validated fields, or None if rejected
    error: str | None = None


@dataclass(frozen=True)
class ImportFile:
    path: Path
    format: str  # "csv" or "jsonl"

    @classmethod
    def open(cls, path: Path, format_: str | None = None) -> "ImportFile":
        if not path.is_file():
            raise ImportFileError(f"{path}: no such file")
        if format_ is None:
            format_ = "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson") else "csv"
        found = cls(path, format_)
        found.columns()  # the header is checked before anything else
        return found

    def columns(self) -> list[str]:
        """The header's columns (JSON Lines: none), each checked with field_for."""
        if self.format != "csv":
            return []
        try:
            with self.path.open(encoding="utf-8-sig", newline="") as text:
                header = next(csv.reader(text), None)
        except UnicodeDecodeError as error:
            raise ImportFileError(f"{self.path}: not UTF-8 ({error.reason})") from None
        except csv.Error as error:
            raise ImportFileError(f"{self.path}: not a CSV file ({error})") from None
        if not header or not any(cell.strip() for cell in header):
            raise ImportFileError(f"{self.path}: the first row must name the columns")
        fields = [field_for(column) for column in header]
        named = [field for field in fields if field]
        for field in set(named):
            if named.count(field) > 1:
                both = [c for c, f in zip(header, fields, strict=True) if f == field]
                raise ImportFileError(f"columns {both} all fill {field}: keep one")
        return header

    def ignored_columns(self) -> list[str]:
        return [column for column in self.columns() if field_for(column) is None]

    def rows(self) -> Iterator[Row]:
        """Every row, validated, in order; blank rows are skipped (and keep their number)."""
        try:
            yield from self._csv_rows() if self.format == "csv" else self._json_rows()
        except UnicodeDecodeError as error:
            raise ImportFileError(f"{self.path}: not UTF-8 ({error.reason})") from None
        except csv.Error as error:
            raise ImportFileError(f"{self.path}: not a CSV file ({error})") from None

    def _csv_rows(self) -> Iterator[Row]:
        header = self.columns()
        fields = [field_for(column) for column in header]
        with self.path.open(encoding="utf-8-sig", newline="") as text:
            reader = csv.reader(text)
            next(reader)
            for number, cells in enumerate(reader, start=2):
                if not any(cell.strip() for cell in cells):
                    continue
                by_column = dict(zip(header, cells, strict=False))
                if len(cells) > len(header):
                    too_many = f"{len(cells)} cells, but the header names {len(header)} columns"
                    yield Row(number, by_column, None, too_many)
                    continue
                try:
                    values = {
                        field: typed(field, cell)
                        for field, cell in zip(fields, cells, strict=False)
                        if field and cell != ""
                    }
                    yield Row(number, by_column, parse_fields(values))
                except InvalidRequest as error:
                    yield Row(number, by_column, None, error.message)

    def _json_rows(self) -> Iterator[Row]:
        with self.path.open(encoding="utf-8-sig") as text:
            for number, line in enumerate(text, start=1):
                if not line.strip():
                    continue
                cells = {"json": line.rstrip("\r\n")}
                try:
                    value = json.loads(line)
                except ValueError:
                    yield Row(number, cells, None, "not a JSON object")
                    continue
                if not isinstance(value, dict):
                    yield Row(number, cells, None, "not a JSON object")
                    continue
                try:
                    yield Row(number, cells, parse_fields(_renamed(value)))
                except InvalidRequest as error:
                    yield Row(number, cells, None, error.message)


def _renamed(value: dict[str, Any]) -> dict[str, Any]:
    """A JSON line's keys as API fields (aliases too), ignored keys dropped; an unknown key is
    kept as it is, for the API's model to refuse by name."""
    renamed: dict[str, Any] = {}
    for key, item in value.items():
        try:
            field = field_for(key)
        except ImportFileError:
            field = key
        if field is None:
            continue
        if field in renamed:
            raise InvalidRequest(f"Two keys fill '{field}'.", param=field)
        renamed[field] = item
    return renamed


def typed(field: str, cell: str) -> Any:
    """A CSV cell as the JSON value the field takes: booleans and numbers parsed, text as is.
    InvalidRequest (the API's own error) for a cell that is neither."""
    if field in BOOLEAN_FIELDS:
        lowered = cell.strip().lower()
        if lowered in TRUE or lowered in FALSE:
            return lowered in TRUE
        raise InvalidRequest(f"'{field}' must be 1 or 0 (true/false, yes/no).", param=field)
    if field in NUMBER_FIELDS:
        text = cell.strip()
        if not _NUMBER.fullmatch(text):
            raise InvalidRequest(f"'{field}' must be a number.", param=field)
        number = float(text)
        return int(text) if text.lstrip("+-").isdigit() else number
    return cell

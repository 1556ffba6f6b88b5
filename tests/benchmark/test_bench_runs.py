"""`make bench` keeps working: its quick mode runs end to end (sam build, cold starts, warm
requests, DynamoDB capacity, package size, bulk import) and writes well-formed tables.

No timing target is asserted: on a shared machine timings drift, and judging the targets is
what the full run (`make bench`) and bench/RESULTS.md are for."""

import json
import re
from pathlib import Path
from typing import Any

import pytest

from leads_cli.template import PROJECT_ROOT as ROOT
from support.scripts import run_module

pytestmark = [pytest.mark.sam, pytest.mark.slow]  # the benchmark runs `sam build`

FUNCTIONS = sorted(path.name for path in (ROOT / "functions").iterdir() if path.is_dir())
SECTIONS = [
    "1. Cold start",
    "2. Warm overhead per request",
    "3. DynamoDB capacity",
    "4. Package size",
    "5. Bulk import",
]
NUMBER = r"\d+(\.\d+)?"


def quick_run(out: Path) -> tuple[str, dict[str, Any]]:
    """`python -m bench.run --quick`, in an environment without this test session's settings
    (the benchmark configures its own): (RESULTS.md's text, the same as JSON)."""
    results, data = out / "RESULTS.md", out / "results.json"
    run_module("bench.run", "--quick", "--output", str(results), "--json", str(data))
    return results.read_text(), json.loads(data.read_text())


def tables(data: dict[str, Any], section: str) -> list[dict[str, Any]]:
    (found,) = [s for s in data["sections"] if s["title"] == section]
    return list(found["tables"])


def column(table: dict[str, Any], name: str) -> list[str]:
    index = table["columns"].index(name)
    return [row[index] for row in table["rows"]]


def check_sections(data: dict[str, Any]) -> None:
    """Every section, every table with rows, every row full."""
    assert [section["title"] for section in data["sections"]] == SECTIONS
    for section in data["sections"]:
        assert section["tables"], section["title"]
        for table in section["tables"]:
            assert table["rows"], table["title"]
            for row in table["rows"]:
                assert len(row) == len(table["columns"]), (table["title"], row)
                assert all(cell.strip() for cell in row), (table["title"], row)
        for target in section["targets"]:
            assert target["measured"].strip()
            assert isinstance(target["met"], bool)


def check_cold_start(data: dict[str, Any]) -> None:
    as_built, with_pyc, imports = tables(data, "1. Cold start")
    for timings in (as_built, with_pyc):
        names = column(timings, "Function")
        assert names[0].startswith("floor") and sorted(names[1:]) == FUNCTIONS
        for name in ("Wall ms", "CPU ms", "Import ms"):
            assert all(float(cell) > 0 for cell in column(timings, name)), name
        for name in ("Ratio", "CPU ratio"):
            assert all(re.fullmatch(NUMBER + "x", cell) for cell in column(timings, name)), name
            assert column(timings, name)[0] == "1.00x"
    assert all(float(cell) > 0 for cell in column(as_built, "Peak MiB"))
    assert sorted(column(imports, "Function")) == sorted(["floor", *FUNCTIONS])


def check_warm(data: dict[str, Any]) -> None:
    (warm,) = tables(data, "2. Warm overhead per request")
    assert column(warm, "Operation") == [
        "floor: bare get handler",
        "authorizer",
        "get",
        "delete",
        "create",
        "update",
        "list 20",
    ]
    for name in ("p50 ms", "p99 ms"):
        assert all(float(cell) > 0 for cell in column(warm, name)), name


def check_capacity(data: dict[str, Any]) -> None:
    """Every operation billed in read and write units, next to its cheapest."""
    per_operation, by_tenant = tables(data, "3. DynamoDB capacity")
    operations = set(column(per_operation, "Operation"))
    for expected in ("get", "update", "create", "delete", "list 20 at offset 0"):
        assert expected in operations
    for batch in ("batch create of 1", "batch create of 99", "batch create of 100"):
        assert batch in operations
    units = rf"{NUMBER} / {NUMBER}"
    for name in ("Measured RU / WU", "Cheapest RU / WU"):
        assert all(re.fullmatch(units, cell) for cell in column(per_operation, name)), name
    # A list page reads something; a create writes something.
    rows = dict(zip(column(per_operation, "Operation"), per_operation["rows"], strict=False))
    assert not rows["list 20 at offset 0"][3].startswith("0 /")
    assert not rows["create"][3].endswith("/ 0")
    assert column(by_tenant, "Page")[0] == "list 20 at offset 0"


def check_package_size(data: dict[str, Any]) -> None:
    artifacts, _ = tables(data, "4. Package size")
    assert column(artifacts, "Artifact") == [
        *(f"function {name}" for name in FUNCTIONS),
        "layer (DomainLayer)",
    ]


def check_import(data: dict[str, Any]) -> None:
    """The import and its floor, in rows per second and requests; every target judged met
    (they are counts, not timings: one request per 100 rows, an exact total, no re-creation)."""
    (runs,) = tables(data, "5. Bulk import")
    assert column(runs, "Run") == [
        "floor: one POST per lead",
        "leads import",
        "leads import, again",
    ]
    assert all(float(cell.replace(",", "")) > 0 for cell in column(runs, "Rows/s"))
    assert column(runs, "Requests per 100 rows")[1:] == ["1.00", "1.00"]
    (section,) = [s for s in data["sections"] if s["title"] == "5. Bulk import"]
    assert all(target["met"] for target in section["targets"]), section["targets"]


def check_markdown(text: str) -> None:
    """RESULTS.md: the headings, and tables whose rows all have the header's columns."""
    assert text.startswith("# Benchmark results")
    for heading in ["## Summary", *(f"## {section}" for section in SECTIONS)]:
        assert f"\n{heading}\n" in text, heading
    for block in re.split(r"\n\n+", text):
        lines = block.splitlines()
        if not lines or not lines[0].startswith("|"):
            continue
        assert all(line.startswith("|") and line.endswith("|") for line in lines), block
        assert len({line.count("|") for line in lines}) == 1, block
        assert re.fullmatch(r"\|( -+ \|)+", lines[1]), block


def test_quick_benchmark_runs_and_writes_well_formed_tables(tmp_path):
    # One test, so that pytest-xdist runs the benchmark once, not once per worker.
    text, data = quick_run(tmp_path)
    check_sections(data)
    check_cold_start(data)
    check_warm(data)
    check_capacity(data)
    check_package_size(data)
    check_import(data)
    check_markdown(text)

"""SECURITY.md cannot rot: every test it cites as `path::name` exists (the file is there and
defines a test function of that name, parametrized or not), every code reference resolves,
every file it names is there, and it covers the ten OWASP API Security Top 10 (2023) items."""

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "SECURITY.md"

# `tests/http/test_http_auth.py::test_name`, also `Class::test_name` and `test_name[param-id]`.
REFERENCE = re.compile(r"((?:[\w.-]+/)*[\w.-]+\.py)::(\w+(?:::\w+)?)(\[[^\]\s`]*\])?")
# A repository file named in backticks, e.g. `layers/domain/leads_domain/api_keys.py`.
FILE = re.compile(
    r"`((?:layers|functions|tools|tests|events|bench)/[\w./-]+\.\w+"
    r"|[\w.-]+\.(?:yaml|json|toml|md|txt))`"
)
OWASP_2023 = [
    "API1:2023 Broken Object Level Authorization",
    "API2:2023 Broken Authentication",
    "API3:2023 Broken Object Property Level Authorization",
    "API4:2023 Unrestricted Resource Consumption",
    "API5:2023 Broken Function Level Authorization",
    "API6:2023 Unrestricted Access to Sensitive Business Flows",
    "API7:2023 Server Side Request Forgery",
    "API8:2023 Security Misconfiguration",
    "API9:2023 Improper Inventory Management",
    "API10:2023 Unsafe Consumption of APIs",
]


def document() -> str:
    return DOCUMENT.read_text(encoding="utf-8")


def references() -> list[tuple[str, str]]:
    return sorted({(path, name) for path, name, _ in REFERENCE.findall(document())})


def files() -> list[str]:
    return sorted(set(FILE.findall(document())))


@cache
def definitions(path: str) -> frozenset[str]:
    """Names a module defines: functions, classes and assignments at module level, and
    `Class::method` for the functions of its classes."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"), path)
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
            names.update(
                f"{node.name}::{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            )
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return frozenset(names)


def test_the_document_names_each_owasp_2023_item_once_and_in_order():
    headings = re.findall(r"^### (API\d+:2023 .+?)\s*$", document(), flags=re.MULTILINE)
    assert headings == OWASP_2023


def test_every_item_cites_at_least_one_test():
    sections = re.split(r"^### ", document(), flags=re.MULTILINE)[1:]
    for section in sections:
        title = section.splitlines()[0]
        cited = [path for path, _, _ in REFERENCE.findall(section) if path.startswith("tests/")]
        assert cited, f"{title}: no test cited"


def test_the_document_cites_tests():
    # The patterns below would pass on a document they no longer match at all.
    assert len([ref for ref in references() if ref[0].startswith("tests/")]) >= 30
    assert files()


@pytest.mark.parametrize(("path", "name"), references(), ids=[f"{p}:{n}" for p, n in references()])
def test_cited_reference_exists(path: str, name: str):
    assert (ROOT / path).is_file(), f"SECURITY.md cites {path}, which does not exist"
    assert name in definitions(path), f"SECURITY.md cites {path}::{name}, which is not defined"
    if path.startswith("tests/") and "::" not in name:
        assert name.startswith("test_"), f"{path}::{name} is not a test"


@pytest.mark.parametrize("path", files())
def test_named_file_exists(path: str):
    assert (ROOT / path).is_file(), f"SECURITY.md names {path}, which does not exist"

"""openapi.json as linters read it: Spectral's OpenAPI rules and the OWASP API Security Top 10
(2023) rule set (installed by the Makefile from npm, at the versions package-lock.json locks).
Any finding, of any severity, fails; a rule is skipped only in the rule set, with a reason."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from leads_cli import openapi
from leads_cli.template import PROJECT_ROOT

LINT = PROJECT_ROOT / "tools" / "openapi_lint"
RULESET = LINT / "ruleset.yaml"


def spectral(document: Path) -> subprocess.CompletedProcess[str]:
    executable = Path(os.environ.get("SPECTRAL") or LINT / "node_modules" / ".bin" / "spectral")
    if not executable.exists():
        pytest.fail(f"{executable} is missing: make test installs it (or set SPECTRAL)")
    return subprocess.run(
        [
            str(executable),
            "lint",
            str(document),
            "--ruleset",
            str(RULESET),
            "--fail-severity",
            "hint",
            "--format",
            "text",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_document_passes_spectral_and_the_owasp_rule_set_without_a_finding():
    result = spectral(openapi.OPENAPI_PATH)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_finding_fails_the_lint(tmp_path: Path):
    # Given the document with one array left unbounded and one integer without a format
    document = openapi.document()
    del document["components"]["schemas"]["LeadList"]["properties"]["data"]["maxItems"]
    parameters = document["paths"][openapi.COLLECTION]["get"]["parameters"]
    offset = next(parameter for parameter in parameters if parameter["name"] == "offset")
    del offset["schema"]["format"]
    changed = tmp_path / "openapi.json"
    changed.write_text(json.dumps(document))

    # When it is linted, Then the lint fails, naming the OWASP rules it breaks
    result = spectral(changed)
    assert result.returncode != 0
    assert "owasp:api4:2023-array-limit" in result.stdout
    assert "owasp:api4:2023-integer-format" in result.stdout


def test_every_skipped_rule_gives_its_reason_on_the_line_above():
    lines = RULESET.read_text().splitlines()
    skips = [number for number, line in enumerate(lines) if line.rstrip().endswith('"off"')]
    assert skips, "the rule set skips nothing: then this test has nothing to check"
    for number in skips:
        above = number - 1
        if lines[number].startswith("      "):
            # An override's rules: the reason is above its "- files:" entry.
            while not lines[above].lstrip().startswith("- files"):
                above -= 1
            above -= 1
        assert lines[above].lstrip().startswith("# "), f"no reason above {lines[number]!r}"

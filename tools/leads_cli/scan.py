"""Third-party checks of template.yaml: checkov (its CloudFormation framework) and cfn-lint
with the serverless rules (cfn-lint-serverless). Every finding must be fixed, or explained in
scan-skips.yaml; a finding nobody explained, or an explanation no finding needs any more,
fails the scan.

The scanners live in a virtualenv of their own (.venv-scan, built by `make`): checkov pins
boto3 to versions other than the functions'. `make scan` runs this; so does tests/template.
"""

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from leads_cli.template import PROJECT_ROOT, TEMPLATE_PATH

SKIPS_PATH = PROJECT_ROOT / "scan-skips.yaml"
TOOLS = ("checkov", "cfn-lint")


class ScanError(RuntimeError):
    """A scanner could not run or did not read the template: no verdict at all."""


@dataclass(frozen=True, order=True)
class Finding:
    tool: str
    check: str
    resource: str  # the logical id (or e.g. "Parameters/Stage" outside Resources)
    message: str = field(compare=False)

    def __str__(self) -> str:
        return f"{self.tool} {self.check} on {self.resource}: {self.message}"


@dataclass(frozen=True)
class Skip:
    tool: str
    check: str
    resources: tuple[str, ...]
    why: str

    def covers(self, finding: Finding, resources: tuple[str, ...] | None = None) -> bool:
        return (
            finding.tool == self.tool
            and finding.check == self.check
            and finding.resource in (self.resources if resources is None else resources)
        )


@dataclass
class Verdict:
    findings: list[Finding]
    unexplained: list[Finding]
    stale: list[tuple[Skip, str]]  # a skip, and the resource of it no finding is on

    @property
    def clean(self) -> bool:
        return not self.unexplained and not self.stale

    def report(self) -> str:
        lines = [f"{len(self.findings)} findings, {len(self.unexplained)} unexplained"]
        lines += [f"  unexplained: {finding}" for finding in self.unexplained]
        lines += [
            f"  stale skip: {skip.tool} {skip.check} on {resource} matches no finding: remove it"
            for skip, resource in self.stale
        ]
        return "\n".join(lines)


def load_skips(path: Path = SKIPS_PATH) -> list[Skip]:
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as error:
        raise ScanError(f"{path.name} is not valid YAML: {error}") from None
    unknown = set(document) - set(TOOLS)
    if unknown:
        raise ScanError(f"{path.name}: unknown tools {sorted(unknown)}")
    return [
        Skip(tool, str(entry["check"]), tuple(entry["resources"]), str(entry["why"]))
        for tool in TOOLS
        for entry in document.get(tool) or []
    ]


def judge(findings: list[Finding], skips: list[Skip]) -> Verdict:
    unexplained = sorted(f for f in findings if not any(skip.covers(f) for skip in skips))
    stale = [
        (skip, resource)
        for skip in skips
        for resource in skip.resources
        if not any(skip.covers(finding, (resource,)) for finding in findings)
    ]
    return Verdict(sorted(findings), unexplained, stale)


def scanner_bin() -> Path:
    return Path(os.environ.get("SCAN_BIN") or PROJECT_ROOT / ".venv-scan" / "bin")


def _run(command: list[str], template: Path) -> subprocess.CompletedProcess[str]:
    executable = Path(command[0])
    if not executable.exists():
        raise ScanError(f"{executable} is missing: `make .venv-scan/.installed` (or set SCAN_BIN)")
    return subprocess.run(
        command,
        cwd=template.parent,
        # No look-ups on checkov's platform: the scan works offline and says the same there.
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def run_checkov(template: Path, bin_dir: Path) -> list[Finding]:
    result = _run(
        [
            str(bin_dir / "checkov"),
            "--file",
            template.name,
            "--framework",
            "cloudformation",
            "--output",
            "json",
            "--quiet",
            "--skip-download",
        ],
        template,
    )
    try:
        report: Any = json.loads(result.stdout)
    except ValueError:
        raise ScanError(f"checkov said no JSON:\n{result.stdout}\n{result.stderr}") from None
    summary = report.get("summary", {}) if isinstance(report, dict) else {}
    if summary.get("parsing_errors") or not summary.get("resource_count"):
        raise ScanError(f"checkov did not read {template.name}: {summary}\n{result.stderr}")
    return [
        Finding(
            "checkov", check["check_id"], check["resource"].rsplit(".", 1)[1], check["check_name"]
        )
        for check in report["results"]["failed_checks"]
    ]


def run_cfn_lint(template: Path, bin_dir: Path) -> list[Finding]:
    result = _run(
        [
            str(bin_dir / "cfn-lint"),
            "--format",
            "json",
            "--append-rules",
            "cfn_lint_serverless.rules",
            "--",
            template.name,
        ],
        template,
    )
    try:
        matches: Any = json.loads(result.stdout)
    except ValueError:
        raise ScanError(f"cfn-lint said no JSON:\n{result.stdout}\n{result.stderr}") from None
    findings = []
    for match in matches:
        path = [str(part) for part in match["Location"]["Path"]]
        resource = path[1] if path[:1] == ["Resources"] and len(path) > 1 else "/".join(path[:2])
        findings.append(Finding("cfn-lint", match["Rule"]["Id"], resource, match["Message"]))
    return findings


def scan(template: Path = TEMPLATE_PATH, skips: Path = SKIPS_PATH) -> Verdict:
    bin_dir = scanner_bin()
    findings = run_checkov(template, bin_dir) + run_cfn_lint(template, bin_dir)
    return judge(findings, load_skips(skips))


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "scan", help="checkov and cfn-lint on template.yaml; unexplained findings fail"
    )
    parser.add_argument("--template", type=Path, default=TEMPLATE_PATH)
    parser.set_defaults(run=_scan)


def _scan(args: argparse.Namespace) -> int:
    try:
        verdict = scan(args.template.resolve())
    except ScanError as error:
        print(f"leads: {error}", file=sys.stderr)
        return 2
    print(verdict.report())
    return 0 if verdict.clean else 1

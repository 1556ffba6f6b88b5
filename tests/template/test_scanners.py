"""Third-party scanners on template.yaml: checkov (CloudFormation) and cfn-lint with the
serverless rules. Every finding is fixed or explained in scan-skips.yaml, one line each; a new
finding fails, and so does an explanation nothing needs any more."""

import re
import shutil

import pytest

from leads_cli.scan import SKIPS_PATH, Finding, ScanError, Skip, judge, load_skips, scan
from leads_cli.template import TEMPLATE_PATH


def scanned(*args, **kwargs):
    try:
        return scan(*args, **kwargs)
    except ScanError as error:
        pytest.fail(str(error))


def test_the_template_has_no_finding_that_scan_skips_does_not_explain():
    verdict = scanned()
    assert verdict.clean, verdict.report()
    # Both scanners ran and read the template (each has explained findings).
    assert {finding.tool for finding in verdict.findings} == {"checkov", "cfn-lint"}


def test_every_skip_says_why_in_one_line():
    skips = load_skips()
    assert skips
    seen = set()
    for skip in skips:
        assert re.fullmatch(r"CKV2?_AWS_\d+|[EWI]S?\d{4}", skip.check), skip
        assert skip.resources, skip
        assert len(set(skip.resources)) == len(skip.resources), skip
        assert skip.why.strip() and "\n" not in skip.why and len(skip.why) <= 200, skip
        key = (skip.tool, skip.check)
        assert key not in seen, f"{key}: one entry per check"
        seen.add(key)


UNEXPLAINED_FUNCTION = """
  UnexplainedFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/get_lead/
      Handler: app.lambda_handler
"""


def test_a_new_resource_with_findings_fails_the_scan(tmp_path):
    # Given the template with one more function, which nobody looked at
    template = tmp_path / "template.yaml"
    text = TEMPLATE_PATH.read_text()
    template.write_text(text.replace("\nResources:\n", "\nResources:\n" + UNEXPLAINED_FUNCTION, 1))
    shutil.copy(SKIPS_PATH, tmp_path / "scan-skips.yaml")
    # When it is scanned
    verdict = scanned(template, tmp_path / "scan-skips.yaml")
    # Then both scanners' findings on it are unexplained, and only those
    assert not verdict.clean
    assert {finding.resource for finding in verdict.unexplained} == {"UnexplainedFunction"}
    assert {finding.tool for finding in verdict.unexplained} == {"checkov", "cfn-lint"}
    assert verdict.stale == []
    assert "unexplained: checkov CKV_AWS_116 on UnexplainedFunction" in verdict.report()


FINDINGS = [
    Finding("checkov", "CKV_AWS_116", "GetLeadFunction", "dead-letter queue"),
    Finding("cfn-lint", "WS1004", "GetLeadFunction", "log group"),
]


def test_a_skip_covers_its_tool_check_and_resources_only():
    skip = Skip("checkov", "CKV_AWS_116", ("GetLeadFunction",), "synchronous")
    assert skip.covers(FINDINGS[0])
    assert not skip.covers(FINDINGS[1])
    assert not skip.covers(Finding("checkov", "CKV_AWS_116", "GetLeadFunction2", "x"))
    assert not skip.covers(Finding("checkov", "CKV_AWS_117", "GetLeadFunction", "x"))
    verdict = judge(FINDINGS, [skip])
    assert verdict.unexplained == [FINDINGS[1]]


def test_a_skip_that_no_finding_needs_any_more_fails_the_scan():
    skips = [
        Skip("checkov", "CKV_AWS_116", ("GetLeadFunction", "RemovedFunction"), "synchronous"),
        Skip("cfn-lint", "WS1004", ("GetLeadFunction",), "LoggingConfig"),
    ]
    verdict = judge(FINDINGS, skips)
    assert verdict.unexplained == []
    assert [(skip.check, resource) for skip, resource in verdict.stale] == [
        ("CKV_AWS_116", "RemovedFunction")
    ]
    assert not verdict.clean
    assert "stale skip: checkov CKV_AWS_116 on RemovedFunction" in verdict.report()


def test_a_skip_file_that_is_not_valid_yaml_is_a_scan_error(tmp_path):
    broken = tmp_path / "scan-skips.yaml"
    broken.write_text("checkov:\n  - check: X\n    why: not: quoted\n")
    with pytest.raises(ScanError, match="not valid YAML"):
        load_skips(broken)

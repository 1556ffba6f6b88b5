"""template.yaml as SAM turns it into CloudFormation (samtranslator, from aws-sam-cli's own
virtualenv: it pins versions of its own): what API Gateway gets, checked without deploying."""

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from leads_cli.template import PROJECT_ROOT, TEMPLATE_PATH

# Code locations must be S3 URIs to be translated; none is uploaded.
_TRANSLATE = """
import json, sys
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

template = yaml_parse(open(sys.argv[1]).read())
for resource in template["Resources"].values():
    properties = resource.get("Properties", {})
    for uri in ("CodeUri", "ContentUri"):
        if uri in properties:
            properties[uri] = "s3://bucket/code.zip"

class NoManagedPolicies:
    def load(self):
        return {}

print(json.dumps(transform(template, {}, NoManagedPolicies())))
"""


def sam_cli() -> Path:
    return Path(os.environ.get("SAM_CLI") or PROJECT_ROOT / ".venv-sam" / "bin" / "sam")


def translated() -> dict[str, Any]:
    """The CloudFormation template SAM makes of template.yaml."""
    python = sam_cli().with_name("python")
    assert python.exists(), f"{python} is missing: `make .venv-sam/.installed` (or set SAM_CLI)"
    result = subprocess.run(
        [str(python), "-c", _TRANSLATE, str(TEMPLATE_PATH)],
        env={"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": "us-east-1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(json.loads(result.stdout))

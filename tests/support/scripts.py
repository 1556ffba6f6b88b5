"""Running the project's own scripts (the benchmark, its scaling model) as a developer would:
from the project root, without this test session's settings, which the scripts make their own."""

import os
import subprocess
import sys

from leads_cli.template import PROJECT_ROOT


def run_module(module: str, *arguments: str, timeout: int = 600) -> str:
    """`python -m module arguments`; its stdout, or the test fails with its output."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "POWERTOOLS_")) and not name.endswith("_TABLE_NAME")
    }
    process = subprocess.run(
        [sys.executable, "-m", module, *arguments],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-5000:]
    return process.stdout

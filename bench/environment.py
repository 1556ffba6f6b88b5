"""Where things are: the project, the runtime's Python, aws-sam-cli, the `sam build` output, and
the machine the benchmark runs on."""

import os
import platform
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from leads_cli import build as build_module
from leads_cli import template as template_module

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "events"
TEMPLATE_PATH = ROOT / "template.yaml"
LAYER_REQUIREMENTS = ROOT / "layers" / "domain" / "requirements.txt"


def template() -> template_module.Template:
    return template_module.load(TEMPLATE_PATH)


def function_folders() -> dict[str, str]:
    """functions/<folder> -> the function's logical id (sam build names its output by the id)."""
    return {
        function.code_uri.name: logical_id for logical_id, function in template().functions.items()
    }


# One definition of the runtime's Python and of aws-sam-cli, shared with `make build`.
runtime_python = build_module.runtime_python
sam_cli = build_module.sam_cli


@dataclass(frozen=True)
class Build:
    """`sam build` output: one folder per function (by logical id) and the layer's python/."""

    root: Path

    @property
    def layer(self) -> Path:
        return self.root / "DomainLayer" / "python"

    def function(self, folder: str) -> Path:
        return self.root / function_folders()[folder]


@contextmanager
def sam_build() -> Iterator[Build]:
    """Plain `sam build` (no bytecode yet: the cold-start section measures both) into a
    temporary directory, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="leads-bench-") as temporary:
        try:
            out = build_module.sam_build(Path(temporary) / "build")
        except build_module.BuildError as error:
            raise SystemExit(str(error)) from None
        yield Build(out)


def layer_pins() -> dict[str, str]:
    """The layer's pinned runtime dependencies, name -> version."""
    pins = {}
    for line in LAYER_REQUIREMENTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[name] = version
    return pins


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> dict[str, str]:
    runtime = subprocess.run(
        [runtime_python(), "-c", "import sys; print(sys.version.split()[0])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return {
        "CPU": cpu_model(),
        "Cores": str(os.cpu_count()),
        "OS": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "Runtime Python (cold start)": f"{runtime} ({runtime_python()})",
        "Bench Python (warm, capacity)": platform.python_version(),
        "Layer pins": ", ".join(f"{name} {version}" for name, version in layer_pins().items()),
    }

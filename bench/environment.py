"""Where things are: the project, the runtime's Python, aws-sam-cli, the `sam build` output, and
the machine the benchmark runs on."""

import os
import platform
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

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


def _version(python: Path) -> tuple[int, ...]:
    # .../versions/3.13.N/bin/python3.13
    return tuple(int(part) for part in re.findall(r"\d+", python.parents[1].name)[:3])


def runtime_python() -> str:
    """The Lambda runtime's Python: $RUNTIME_PYTHON (as make passes it), else pyenv's newest
    3.13, else python3.13 on PATH."""
    if os.environ.get("RUNTIME_PYTHON"):
        return os.environ["RUNTIME_PYTHON"]
    root = os.environ.get("PYENV_ROOT")
    if not root and shutil.which("pyenv"):
        found = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=False)
        root = found.stdout.strip()
    candidates = sorted(
        Path(root or Path.home() / ".pyenv").glob("versions/3.13.*/bin/python3.13"), key=_version
    )
    if candidates:
        return str(candidates[-1])
    on_path = shutil.which("python3.13")
    if not on_path:
        raise SystemExit("python3.13 (the Lambda runtime) is needed: pyenv install 3.13")
    return on_path


def sam_cli() -> str:
    sam = os.environ.get("SAM_CLI") or str(ROOT / ".venv-sam" / "bin" / "sam")
    if not Path(sam).exists():
        raise SystemExit(f"{sam} is missing: `make .venv-sam/.installed` (or set SAM_CLI)")
    return sam


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
    """`sam build` into a temporary directory, removed afterwards. --no-cached, so that sam
    leaves no .aws-sam/ (its dependency cache) in the project."""
    python = runtime_python()
    env = {
        **os.environ,
        "SAM_CLI_TELEMETRY": "0",
        "PATH": f"{Path(python).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    for name in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"):
        env.pop(name, None)
    with tempfile.TemporaryDirectory(prefix="leads-bench-") as temporary:
        out = Path(temporary) / "build"
        command = [
            sam_cli(),
            "build",
            "--no-cached",
            "--build-dir",
            str(out),
            "--template-file",
            str(TEMPLATE_PATH),
        ]
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"sam build failed:\n{result.stdout}\n{result.stderr}")
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

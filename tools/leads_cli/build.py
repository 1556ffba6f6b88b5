"""The deployable artifact: `sam build` for one architecture, then bytecode compiled for the
runtime's Python.

Lambda's code directories are read-only, so without .pyc files every cold start compiles every
module it imports (botocore, pydantic, ...) from source: about half of a cold start. The
bytecode uses unchecked hashes because zip files keep modification times to two seconds only,
which would make timestamp-checked .pyc files look stale. `make build` (and so `make deploy`),
the packaging tests and the benchmark all build with this one function.

The layer carries compiled wheels (pydantic-core, wrapt), so it is built for the template's
`Architecture` parameter: sam build resolves the layer's BuildArchitecture from
--parameter-overrides and installs that architecture's wheels (aarch64 for arm64), not the
build machine's. The built template then accepts only that architecture, so a deploy cannot
pair an x86_64 layer with arm64 functions or the other way round.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from leads_cli.template import PROJECT_ROOT, TEMPLATE_PATH, read_raw

ARCHITECTURES = ("x86_64", "arm64")
DEFAULT_ARCHITECTURE = "x86_64"


class BuildError(RuntimeError):
    pass


def _version(path: Path) -> tuple[int, ...]:
    # .../versions/3.13.N/bin/python3.13
    return tuple(int(part) for part in re.findall(r"\d+", path.parents[1].name)[:3])


def runtime_python() -> str:
    """The Lambda runtime's Python: $RUNTIME_PYTHON (make), else pyenv's newest 3.13, else
    python3.13 on PATH."""
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
        raise BuildError("python3.13 (the Lambda runtime) is needed: pyenv install 3.13")
    return on_path


def sam_cli() -> str:
    sam = os.environ.get("SAM_CLI") or str(PROJECT_ROOT / ".venv-sam" / "bin" / "sam")
    if not Path(sam).exists():
        raise BuildError(f"{sam} is missing: `make .venv-sam/.installed` (or set SAM_CLI)")
    return sam


def sam_build(build_dir: Path, architecture: str = DEFAULT_ARCHITECTURE) -> Path:
    """`sam build` for one architecture into build_dir, with the runtime's Python on PATH.
    --no-cached: a cached build keeps dependencies in the project's .aws-sam/, which parallel
    builds would share."""
    if architecture not in ARCHITECTURES:
        raise BuildError(f"architecture {architecture!r}: one of {', '.join(ARCHITECTURES)}")
    python = runtime_python()
    env = {
        **os.environ,
        "SAM_CLI_TELEMETRY": "0",
        "PATH": f"{Path(python).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    for name in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"):
        env.pop(name, None)
    command = [sam_cli(), "build", "--no-cached", "--build-dir", str(build_dir)]
    command += ["--template-file", str(TEMPLATE_PATH)]
    command += ["--parameter-overrides", f"Architecture={architecture}"]
    result = subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    if result.returncode != 0:
        raise BuildError(f"sam build failed:\n{result.stdout}\n{result.stderr}")
    return build_dir


def compile_bytecode(build_dir: Path) -> None:
    command = [runtime_python(), "-m", "compileall", "-q", "-j", "0"]
    command += ["--invalidation-mode", "unchecked-hash", str(build_dir)]
    subprocess.run(command, check=True, capture_output=True)


def pin_architecture(build_dir: Path, architecture: str) -> None:
    """Make the built template accept only the architecture its layer was built for (and
    default to it), so `sam deploy` of this build cannot deploy the other one."""
    path = build_dir / "template.yaml"
    template = read_raw(path)
    parameter = template["Parameters"]["Architecture"]
    parameter["Default"] = architecture
    parameter["AllowedValues"] = [architecture]
    parameter["Description"] = f"This build's layer carries {architecture} wheels."
    path.write_text(yaml.safe_dump(template, sort_keys=False, width=100))


def build(build_dir: Path, architecture: str = DEFAULT_ARCHITECTURE) -> Path:
    """What `make deploy` ships: sam's build for the architecture, with bytecode."""
    sam_build(build_dir, architecture)
    pin_architecture(build_dir, architecture)
    compile_bytecode(build_dir)
    return build_dir

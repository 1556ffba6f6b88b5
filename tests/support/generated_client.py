"""A Python client generated from openapi.json by openapi-python-client, as a client's author
would make one, imported from the folder it was generated into."""

import contextlib
import importlib
import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

PACKAGE = "leads_api_client"
# No formatter run on the output (the generator's default post-hook), and any construct of the
# document the generator cannot turn into code fails the generation.
_CONFIG = f"package_name_override: {PACKAGE}\npost_hooks: []\n"


class GeneratedClient:
    """The generated package: its client classes, models and one module per operation."""

    def __init__(self, package: ModuleType) -> None:
        self.package = package
        self.models = importlib.import_module(f"{PACKAGE}.models")

    def operation(self, name: str) -> Any:
        """The module of one operation, e.g. "create_lead" (it has sync_detailed)."""
        return importlib.import_module(f"{PACKAGE}.api.leads.{name}")

    def client(self, base_url: str, key: str) -> Any:
        return self.package.AuthenticatedClient(
            base_url=base_url, token=key, raise_on_unexpected_status=True
        )


def _import_package(folder: Path) -> ModuleType:
    """The package in ``folder``, imported under its own name (its modules import each other
    relatively), without putting the folder on sys.path."""
    spec = importlib.util.spec_from_file_location(
        PACKAGE, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = module
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def generated_client(document: Path, folder: Path) -> Iterator[GeneratedClient]:
    """Generate the client from ``document`` into ``folder``, and import it while the block
    runs."""
    config = folder / "config.yaml"
    config.write_text(_CONFIG)
    output = folder / PACKAGE
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(document),
            "--meta",
            "none",
            "--output-path",
            str(output),
            "--config",
            str(config),
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"openapi-python-client failed:\n{result.stdout}{result.stderr}"
    try:
        yield GeneratedClient(_import_package(output))
    finally:
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]

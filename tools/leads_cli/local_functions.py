"""The template's functions loaded into this process, each one as a warm Lambda container."""

import importlib.util
import os
import threading
from pathlib import Path
from types import ModuleType
from typing import Any

from leads_cli.lambda_context import LambdaContext
from leads_cli.template import Function, Template


def import_file(path: Path, name: str) -> ModuleType:
    """A handler file as a module of its own name: every function's file is app.py, so they
    cannot share Python's module cache by file name."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader, f"cannot load {path}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class LocalFunction:
    """One warm container: the handler module imported once, one invocation at a time, as one
    Lambda container runs them. Different functions run concurrently."""

    def __init__(self, function: Function) -> None:
        self.function = function
        self._lock = threading.Lock()
        module_name, _, self._handler_name = function.handler.rpartition(".")
        path = function.code_uri / f"{module_name.replace('.', '/')}.py"
        self._module = import_file(path, f"local_fn_{function.logical_id}")

    def invoke(self, event: dict[str, Any]) -> Any:
        handler = getattr(self._module, self._handler_name)
        function = self.function
        with self._lock:
            # A context per invocation: its deadline starts when the invocation does.
            return handler(
                event, LambdaContext(function.logical_id, function.memory_mb, function.timeout)
            )


def load_functions(template: Template) -> dict[str, LocalFunction]:
    """Every function of the template by logical id, imported after the process has their
    environment, which a module may read as it is imported."""
    _share_environment(template)
    return {
        logical_id: LocalFunction(function) for logical_id, function in template.functions.items()
    }


def _share_environment(template: Template) -> None:
    """All functions share this process, so they must agree on their environment."""
    merged: dict[str, str] = {}
    for function in template.functions.values():
        for name, value in function.environment.items():
            if merged.setdefault(name, value) != value:
                raise SystemExit(
                    f"functions disagree on {name}; the local run shares one environment"
                )
    os.environ.update(merged)

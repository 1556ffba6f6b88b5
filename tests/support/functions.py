"""Calling a function's handler in-process, as Lambda would, and reading its answer."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from requests.structures import CaseInsensitiveDict

from leads_cli import template as template_module
from leads_cli.lambda_context import LambdaContext
from leads_cli.local_functions import import_file
from leads_cli.template import PROJECT_ROOT

FUNCTIONS = PROJECT_ROOT / "functions"

_loaded: dict[str, ModuleType] = {}


def load_function(name: str) -> ModuleType:
    """functions/<name>/app.py as a module of its own (every function's file is app.py),
    imported once, as a warm container keeps it."""
    if name not in _loaded:
        _loaded[name] = import_file(FUNCTIONS / name / "app.py", f"fn_{name}")
    return _loaded[name]


def function_names() -> list[str]:
    return sorted(path.name for path in FUNCTIONS.iterdir() if (path / "app.py").exists())


def logical_ids() -> dict[str, str]:
    """functions/<folder> -> the function's logical id in template.yaml (sam build names each
    built folder by its logical id)."""
    return {
        function.code_uri.name: logical_id
        for logical_id, function in template_module.load().functions.items()
    }


@dataclass
class Invocation:
    """A proxy response. Unpacks (and indexes) as ``status, body, headers``; headers are
    case-insensitive; ``text`` is the raw body."""

    status: int
    body: Any
    headers: CaseInsensitiveDict[str]
    text: str
    request_id: str | None

    def __iter__(self) -> Iterator[Any]:
        return iter((self.status, self.body, self.headers))

    def __getitem__(self, index: int) -> Any:
        return (self.status, self.body, self.headers)[index]

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


def invoke(function: str, event: dict[str, Any], context: Any = None) -> Invocation:
    """functions/<function>'s handler answering ``event``."""
    response = load_function(function).lambda_handler(event, context or LambdaContext(function))
    text = response.get("body") or ""
    headers = CaseInsensitiveDict(
        {name: str(value) for name, value in (response.get("headers") or {}).items()}
    )
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[name] = ", ".join(str(value) for value in values)
    return Invocation(
        response["statusCode"],
        json.loads(text) if text else None,
        headers,
        text,
        (event.get("requestContext") or {}).get("requestId"),
    )


def authorize(event: dict[str, Any]) -> Any:
    """The authorizer's answer to a TOKEN event (it raises to refuse)."""
    return load_function("authorizer").lambda_handler(event, LambdaContext("authorizer"))

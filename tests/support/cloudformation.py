"""template.yaml as CloudFormation data, for the template tests: its resources by kind, a
function's properties with SAM's Globals merged in as SAM merges them, its API routes, and
what an intrinsic function refers to."""

from functools import cache
from pathlib import Path
from typing import Any

from leads_cli import template as template_module
from leads_cli.template import PROJECT_ROOT

TEMPLATE = PROJECT_ROOT / "template.yaml"


@cache
def raw(path: Path = TEMPLATE) -> dict[str, Any]:
    """The template with every short tag in its long form (!Ref x -> {"Ref": "x"})."""
    return template_module.read_raw(path)


def resources(path: Path = TEMPLATE) -> dict[str, dict[str, Any]]:
    return dict(raw(path)["Resources"])


def resources_of(kind: str, path: Path = TEMPLATE) -> dict[str, dict[str, Any]]:
    return {name: spec for name, spec in resources(path).items() if spec["Type"] == kind}


def functions(path: Path = TEMPLATE) -> dict[str, dict[str, Any]]:
    return resources_of("AWS::Serverless::Function", path)


def global_function(path: Path = TEMPLATE) -> dict[str, Any]:
    return dict(raw(path).get("Globals", {}).get("Function", {}))


def _merge(global_value: Any, local_value: Any) -> Any:
    """SAM's Globals rule: maps merge key by key, lists concatenate (global first), anything
    else the function's own value wins."""
    if isinstance(global_value, dict) and isinstance(local_value, dict):
        if is_intrinsic(global_value) or is_intrinsic(local_value):
            return local_value
        merged = dict(global_value)
        for key, value in local_value.items():
            merged[key] = _merge(merged[key], value) if key in merged else value
        return merged
    if isinstance(global_value, list) and isinstance(local_value, list):
        return global_value + local_value
    return local_value


def function_properties(logical_id: str, path: Path = TEMPLATE) -> dict[str, Any]:
    """The function's properties as SAM sees them, Globals merged in."""
    merged: dict[str, Any] = _merge(
        global_function(path), functions(path)[logical_id]["Properties"]
    )
    return merged


def is_intrinsic(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and len(value) == 1
        and next(iter(value)).startswith(("Fn::", "Ref"))
    )


def ref(name: str) -> dict[str, str]:
    return {"Ref": name}


def api_routes(path: Path = TEMPLATE) -> list[tuple[str, str, str, str]]:
    """(function, event name, METHOD, resource path) of every Api event."""
    return [
        (function, event_name, event["Properties"]["Method"].upper(), event["Properties"]["Path"])
        for function, spec in functions(path).items()
        for event_name, event in spec["Properties"].get("Events", {}).items()
        if event["Type"] == "Api"
    ]


def dimensions(metric: dict[str, Any]) -> dict[str, Any]:
    """A CloudWatch metric's (or an alarm's) dimensions as a name -> value map."""
    return {item["Name"]: item["Value"] for item in metric.get("Dimensions", [])}

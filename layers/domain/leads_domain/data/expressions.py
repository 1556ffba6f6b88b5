"""The update and condition expressions of a lead's writes, with their attribute names and
values numbered so that none can clash with a field's name."""

from typing import Any

from leads_domain.data.attributes import to_attribute


def change_expression(
    set_values: dict[str, Any], remove: list[str], names: dict[str, str], values: dict[str, Any]
) -> str:
    """'SET ... ADD version :one [REMOVE ...]', adding its names and values."""
    assignments = []
    for index, (name, value) in enumerate(set_values.items()):
        names[f"#s{index}"] = name
        values[f":s{index}"] = to_attribute(value)
        assignments.append(f"#s{index} = :s{index}")
    removals = []
    for index, name in enumerate(remove):
        names[f"#r{index}"] = name
        removals.append(f"#r{index}")
    expression = "SET " + ", ".join(assignments) + " ADD version :one"
    if removals:
        expression += " REMOVE " + ", ".join(removals)
    return expression


def version_condition(expected_versions: tuple[int, ...], values: dict[str, Any]) -> str:
    """' AND version IN (...)' for optimistic concurrency, adding its values; '' for none."""
    if not expected_versions:
        return ""
    names = []
    for index, version in enumerate(expected_versions):
        values[f":v{index}"] = {"N": str(version)}
        names.append(f":v{index}")
    return f" AND version IN ({', '.join(names)})"


def values_condition(
    expected: dict[str, Any], names: dict[str, str], values: dict[str, Any]
) -> str:
    """' AND #e0 = :e0 AND attribute_not_exists(#e1) ...' for a change computed from these
    attribute values (None: absent), adding its names and values; '' for none."""
    parts = []
    for index, (name, value) in enumerate(expected.items()):
        names[f"#e{index}"] = name
        if value is None:
            parts.append(f"attribute_not_exists(#e{index})")
        else:
            values[f":e{index}"] = to_attribute(value)
            parts.append(f"#e{index} = :e{index}")
    return "".join(f" AND {part}" for part in parts)

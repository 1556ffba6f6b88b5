"""A browsable page of the OpenAPI document, for the local run (no CDN, no JavaScript)."""

import html
from typing import Any


def _schema_text(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    if "anyOf" in schema:
        return " | ".join(_schema_text(option) for option in schema["anyOf"])
    text = schema.get("type", "any")
    if text == "array":
        text = f"array of {_schema_text(schema.get('items', {}))}"
    bounds = [
        f"{label} {schema[key]}"
        for key, label in (
            ("maxLength", "max length"),
            ("minLength", "min length"),
            ("minimum", "≥"),
            ("maximum", "≤"),
            ("default", "default"),
        )
        if key in schema
    ]
    return text + (f" ({', '.join(map(str, bounds))})" if bounds else "")


def _resolve(document: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in item:
        *_, section, name = item["$ref"].split("/")
        item = document["components"][section][name]
    return item


def render(document: dict[str, Any]) -> str:
    e = html.escape
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>Leads API</title><style>"
        "body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "code,td.c{font-family:ui-monospace,monospace}table{border-collapse:collapse;width:100%}"
        "td,th{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left;"
        "vertical-align:top}"
        "h2{margin-top:2.5rem}.m{font-weight:bold;color:#05a}</style></head><body>",
        f"<h1>{e(document['info']['title'])}</h1><p>{e(document['info']['description'])}</p>",
        "<p>The machine-readable document: <a href='/openapi.json'>/openapi.json</a></p>",
    ]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            summary, about = operation.get("summary", ""), operation.get("description", "")
            parts.append(
                f"<h2><span class='m'>{method.upper()}</span> <code>{e(path)}</code> "
                f"— {e(summary)}</h2><p>{e(about)}</p>"
            )
            parameters = [_resolve(document, p) for p in operation.get("parameters", [])]
            if parameters:
                parts.append(
                    "<table><tr><th>Parameter</th><th>In</th><th>Type</th><th>About</th></tr>"
                )
                for parameter in parameters:
                    parts.append(
                        f"<tr><td class='c'>{e(parameter['name'])}</td><td>{parameter['in']}</td>"
                        f"<td>{e(_schema_text(parameter['schema']))}</td>"
                        f"<td>{e(parameter.get('description', ''))}</td></tr>"
                    )
                parts.append("</table>")
            if "requestBody" in operation:
                body = operation["requestBody"]["content"]["application/json"]["schema"]
                name = e(_schema_text(body))
                parts.append(f"<p>Body: <a href='#{name}'>{name}</a> (JSON)</p>")
            statuses = ", ".join(operation["responses"])
            parts.append(f"<p>Answers: {e(statuses)}</p>")
    for name, schema in document["components"]["schemas"].items():
        parts.append(f"<h2 id='{e(name)}'>{e(name)}</h2><p>{e(schema.get('description', ''))}</p>")
        parts.append("<table><tr><th>Field</th><th>Type</th></tr>")
        for field, spec in schema.get("properties", {}).items():
            parts.append(f"<tr><td class='c'>{e(field)}</td><td>{e(_schema_text(spec))}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)

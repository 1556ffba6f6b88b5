"""The local run's documentation page: Swagger UI rendering the OpenAPI document, with "Try it
out" against this run.

Swagger UI's files come from the swagger-ui-py package (installed from PyPI with the project),
and the local run serves them itself: the page loads nothing from the internet, and its
Content-Security-Policy lets the browser load nothing from anywhere else.
"""

import importlib.util
import json
from pathlib import Path
from typing import Any

from leads_cli.http_message import Answer

DOCS = "/docs"
OPENAPI = "/openapi.json"
# Swagger UI's files the page loads, by name in the package's static folder.
ASSETS = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "favicon-32x32.png": "image/png",
    "favicon-16x16.png": "image/png",
}
# Swagger UI styles its elements inline and draws icons from data: URIs; everything else,
# requests made with "Try it out" included, stays on this origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)

_PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Leads API</title>
<link rel="stylesheet" href="{DOCS}/swagger-ui.css">
<link rel="icon" type="image/png" href="{DOCS}/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="{DOCS}/favicon-16x16.png" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{DOCS}/swagger-ui-bundle.js"></script>
<script src="{DOCS}/init.js"></script>
</body>
</html>
"""

# Swagger UI's settings: the document from this run; the key pasted once under "Authorize"
# (the bearerAuth scheme) and kept across reloads; no online validator badge (it would send
# the document's URL to a public service).
_SETTINGS = {
    "url": OPENAPI,
    "dom_id": "#swagger-ui",
    "deepLinking": True,
    "layout": "BaseLayout",
    "validatorUrl": None,
    "persistAuthorization": True,
    "displayRequestDuration": True,
    "defaultModelsExpandDepth": 1,
    "defaultModelExpandDepth": 2,
    "showExtensions": True,
    "showCommonExtensions": True,
}
_INIT = (
    'window.addEventListener("load", function () {\n'
    f"  var settings = {json.dumps(_SETTINGS, indent=2)};\n"
    "  settings.presets = [SwaggerUIBundle.presets.apis];\n"
    "  window.ui = SwaggerUIBundle(settings);\n"
    "});\n"
)


def _static_folder() -> Path:
    """swagger-ui-py's static folder, found without importing the package (whose import
    looks for web frameworks this project does not use)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed: make run installs it")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def served_document(document: dict[str, Any], base_url: str) -> dict[str, Any]:
    """The document as this run serves it: this run first among the servers, so that "Try it
    out" calls it."""
    local = {
        "url": base_url,
        "description": "Local: this `leads serve` run.",
        "x-internal": True,
    }
    deployed = [server for server in document["servers"] if server.get("x-internal") is False]
    return {**document, "servers": [local, *deployed]}


def pages(document: dict[str, Any], base_url: str) -> dict[str, Answer]:
    """Path -> the answer to GET it: the OpenAPI document, the page and what the page loads."""
    static = _static_folder()
    answers = {
        OPENAPI: _answer(
            "application/json", json.dumps(served_document(document, base_url), indent=2)
        ),
        DOCS: _answer("text/html; charset=utf-8", _PAGE, page=True),
        f"{DOCS}/init.js": _answer("text/javascript; charset=utf-8", _INIT),
    }
    for name, content_type in ASSETS.items():
        answers[f"{DOCS}/{name}"] = _answer(content_type, (static / name).read_bytes())
    return answers


def _answer(content_type: str, body: str | bytes, page: bool = False) -> Answer:
    headers = [("Content-Type", content_type), ("X-Content-Type-Options", "nosniff")]
    if page:
        headers.append(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
    data = body.encode() if isinstance(body, str) else body
    return Answer(200, headers, data, "local")

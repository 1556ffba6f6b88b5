"""The local run's /docs page: Swagger UI from a package, served by the local run itself, the
document with its defaults and examples, and "Try it out" against this run."""

import importlib.util
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from leads_cli import openapi
from support.local_api import LocalApi

pytestmark = pytest.mark.http

ABSOLUTE_URL = re.compile(r"\b(?:https?:)?//[A-Za-z0-9.-]+", re.IGNORECASE)


class _References(HTMLParser):
    """Every URL an element of the page refers to (src, href, and the like)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []  # (tag, attribute, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "action", "data", "poster", "srcset") and value:
                self.found.append((tag, name, value))


def _get(api: LocalApi, path: str) -> requests.Response:
    response = requests.get(api.url(path), timeout=30)
    assert response.status_code == 200, (path, response.status_code, response.text[:200])
    return response


def _same_origin_path(api: LocalApi, reference: str) -> str:
    """The path of a reference that stays on the local run; fails for any other."""
    absolute = urljoin(api.url("/docs"), reference)
    split, base = urlsplit(absolute), urlsplit(api.base_url)
    assert (split.scheme, split.netloc) == (base.scheme, base.netloc), reference
    return split.path


def _static(name: str) -> bytes:
    spec = importlib.util.find_spec("swagger_ui")
    assert spec and spec.submodule_search_locations
    return (Path(next(iter(spec.submodule_search_locations))) / "static" / name).read_bytes()


def test_every_asset_of_the_docs_page_is_served_by_the_local_run(local_api: LocalApi) -> None:
    # Given the docs page, as a browser gets it
    page = _get(local_api, "/docs")
    assert page.headers["Content-Type"].startswith("text/html")
    # And a policy that lets the browser load nothing from anywhere else
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "connect-src 'self'" in policy

    # When every script, style sheet and icon it refers to is fetched
    references = _References()
    references.feed(page.text)
    assert not ABSOLUTE_URL.search(page.text), "the page names another site"
    kinds = {tag for tag, _, _ in references.found}
    assert {"script", "link"} <= kinds, references.found
    loaded = {}
    for _, _, reference in references.found:
        path = _same_origin_path(local_api, reference)
        response = _get(local_api, path)
        assert response.content, path
        loaded[path] = response

    # Then each came from the local run, the renderer's files exactly as its package ships them
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert loaded[f"/docs/{name}"].content == _static(name)
    assert "javascript" in loaded["/docs/swagger-ui-bundle.js"].headers["Content-Type"]
    assert "text/css" in loaded["/docs/swagger-ui.css"].headers["Content-Type"]
    # And the style sheet draws only from data: URIs
    for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", loaded["/docs/swagger-ui.css"].text):
        assert url.startswith("data:"), url

    # And the page's own script loads the document from the local run, and nothing else
    init = next(response for path, response in loaded.items() if path.endswith("/init.js"))
    assert not ABSOLUTE_URL.search(init.text), init.text
    settings = json.loads(re.search(r"var settings = (\{.*?\});", init.text, re.DOTALL).group(1))
    assert settings["validatorUrl"] is None  # no badge fetched from a public validator
    served = _get(local_api, _same_origin_path(local_api, settings["url"])).json()
    assert {**served, "servers": None} == {**openapi.document(), "servers": None}


def test_the_served_document_shows_defaults_and_examples_and_tries_calls_on_this_run(
    local_api: LocalApi,
) -> None:
    # Given the document the docs page renders
    served = _get(local_api, "/openapi.json").json()

    # Then it carries the defaults and the examples the page shows
    lead = served["components"]["schemas"]["Lead"]
    assert lead["properties"]["lead_owner"]["default"] == "__user"
    assert lead["examples"][0]["id"] == "lead_abc123"
    listing = served["paths"]["/api/crm/lead"]["get"]
    limit = next(parameter for parameter in listing["parameters"] if parameter["name"] == "limit")
    assert limit["schema"]["default"] == 20

    # And "Try it out" calls this run, with the key pasted once under the bearer scheme
    assert served["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    server = served["servers"][0]["url"]
    assert server == local_api.base_url
    response = requests.get(
        f"{server}/api/crm/lead",
        params={"limit": limit["schema"]["default"]},
        headers={"Authorization": f"Bearer {local_api.test_key}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text

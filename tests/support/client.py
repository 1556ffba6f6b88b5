"""The API as one key sees it, over HTTP: a small client for the routes, and helpers that
assert success and answer the body."""

import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

import requests

from support.assertions import assert_lead
from support.local_api import LocalApi
from support.reference import BATCH, COLLECTION
from support.target import retry_after

REQUEST_SECONDS = 30


def _created(method: str, path: str, response: requests.Response) -> list[str]:
    """The ids of the leads a request created (a create, or a batch's created entries)."""
    if method.upper() != "POST" or response.status_code not in (200, 201):
        return []
    if path == COLLECTION and response.status_code == 201:
        return [response.json()["id"]]
    if path == BATCH and response.status_code == 200:
        return [entry["id"] for entry in response.json().get("data", []) if "id" in entry]
    return []


@dataclass
class LeadsClient:
    """The API as one key sees it. Safe to share between threads.

    Every request uses a connection of its own: on a kept-alive connection the local run
    answers each request ~40 ms late (see test_http_gateway.py), which would make this tier
    several times slower."""

    api: LocalApi
    key: str
    account: str = "acct_local"
    mode: str = "test"
    key_id: str | None = None

    def request(
        self,
        method: str,
        path: str,
        *,
        authorization: str | None = "default",
        **kwargs: Any,
    ) -> requests.Response:
        """Any request. ``authorization``: the header's value, None to leave it out."""
        headers = dict(kwargs.pop("headers", None) or {})
        if authorization == "default":
            authorization = f"Bearer {self.key}"
        if authorization is not None:
            headers["Authorization"] = authorization
        for attempt in range(self.api.throttle_retries + 1):
            with requests.Session() as session:
                response = session.request(
                    method, self.api.url(path), headers=headers, timeout=REQUEST_SECONDS, **kwargs
                )
            if response.status_code != 429 or attempt == self.api.throttle_retries:
                break
            time.sleep(retry_after(response, attempt))
        for lead_id in _created(method, path, response):
            self.api.record_created(self.key, lead_id)
        return response

    # One method per route, answering the raw response.

    def post(self, body: Any = None, **kwargs: Any) -> requests.Response:
        if body is not None:
            kwargs["json"] = body
        return self.request("POST", COLLECTION, **kwargs)

    def post_batch(self, leads: Any, **kwargs: Any) -> requests.Response:
        """POST /api/crm/lead/batch with {"leads": leads}."""
        return self.request("POST", BATCH, json={"leads": leads}, **kwargs)

    def get(self, lead_id: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", f"{COLLECTION}/{lead_id}", **kwargs)

    def patch(self, lead_id: str, body: Any = None, **kwargs: Any) -> requests.Response:
        if body is not None:
            kwargs["json"] = body
        return self.request("PATCH", f"{COLLECTION}/{lead_id}", **kwargs)

    def delete(self, lead_id: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", f"{COLLECTION}/{lead_id}", **kwargs)

    def put_by_email(self, email: str, body: Any = None, **kwargs: Any) -> requests.Response:
        """PUT /api/crm/lead/by_email/{email}, the email percent-encoded."""
        if body is not None:
            kwargs["json"] = body
        path = f"{COLLECTION}/by_email/{urllib.parse.quote(email, safe='')}"
        return self.request("PUT", path, **kwargs)

    def get_list(self, params: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("GET", COLLECTION, params=params, **kwargs)

    # The same, asserting success and answering the body.

    def create(self, **fields: Any) -> dict[str, Any]:
        response = self.post(fields)
        assert response.status_code == 201, response.text
        return assert_lead(response.json())

    def lead(self, lead_id: str) -> dict[str, Any]:
        response = self.get(lead_id)
        assert response.status_code == 200, response.text
        return assert_lead(response.json())

    def update(self, lead_id: str, **fields: Any) -> dict[str, Any]:
        response = self.patch(lead_id, fields)
        assert response.status_code == 200, response.text
        return assert_lead(response.json())

    def page(self, **params: Any) -> dict[str, Any]:
        response = self.get_list(params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"data", "has_more", "total"}, body
        for lead in body["data"]:
            assert_lead(lead)
        return body

    def total(self) -> int:
        return int(self.page(limit=1)["total"])

    def all_leads(self) -> list[dict[str, Any]]:
        """Every lead of the tenant, newest first, paging with the largest limit."""
        leads: list[dict[str, Any]] = []
        while True:
            page = self.page(limit=100, offset=len(leads))
            leads.extend(page["data"])
            if not page["has_more"]:
                return leads

    def ids(self) -> list[str]:
        return [lead["id"] for lead in self.all_leads()]

"""Events and webhooks through `leads serve`, as a developer meets them: `make run`, a receiver
on localhost, one curl to register it, and signed events arriving as leads are created,
updated and deleted; retries until the receiver recovers; nothing for a disabled endpoint;
SSRF refused at save; events and endpoints private to their tenant and mode."""

import json
import shutil
import subprocess
import time

import pytest
import requests

from leads_domain.webhooks.signature import verify_signature
from support.client import LeadsClient
from support.receivers import running_receiver

pytestmark = pytest.mark.http

ENDPOINTS = "/api/crm/webhook_endpoint"
EVENTS = "/api/crm/event"


def register(client: LeadsClient, url: str, events=("*",)) -> requests.Response:
    return client.request("POST", ENDPOINTS, json={"url": url, "enabled_events": list(events)})


def event_list(client: LeadsClient, **params) -> dict:
    answer = client.request("GET", EVENTS, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def curl_register(client: LeadsClient, url: str) -> dict:
    """What the README tells a developer to run."""
    body = json.dumps({"url": url, "enabled_events": ["*"]})
    command = [
        "curl", "-s", "-X", "POST", client.api.url(ENDPOINTS),
        "-H", f"Authorization: Bearer {client.key}",
        "-H", "Content-Type: application/json", "-d", body,
    ]  # fmt: skip
    if shutil.which("curl"):
        output = subprocess.run(command, capture_output=True, text=True, timeout=30, check=True)
        return dict(json.loads(output.stdout))
    return dict(register(client, url).json())


def test_a_receiver_registered_with_one_curl_gets_every_change_signed(events_client):
    with running_receiver() as receiver:
        endpoint = curl_register(events_client, receiver.localhost_url())
        assert endpoint["secret"].startswith("whsec_")
        started = time.monotonic()
        lead = events_client.create(first_name="Ada")
        events_client.update(lead["id"], city="Oslo")
        assert events_client.delete(lead["id"]).status_code == 200

        received = receiver.wait_for(3, seconds=60)
        elapsed = time.monotonic() - started

    events = [json.loads(request.body) for request in received]
    assert sorted(event["type"] for event in events) == sorted(
        ["lead.created", "lead.updated", "lead.deleted"]
    )
    for request in received:
        assert request.headers["content-type"] == "application/json"
        verify_signature(request.body, request.signature, endpoint["secret"])
    # The same events, in the API: that lead's history, last change first.
    listed = event_list(events_client, lead=lead["id"])["data"]
    assert [event["type"] for event in listed] == ["lead.deleted", "lead.updated", "lead.created"]
    assert {event["id"] for event in listed} == {event["id"] for event in events}
    assert listed[-1]["data"]["object"] == lead
    print(f"three changes delivered in {elapsed:.2f} s")


def test_a_receiver_that_answers_500_then_200_gets_the_event_once_it_recovers(events_client):
    with running_receiver(statuses=[500, 200]) as receiver:
        assert register(events_client, receiver.localhost_url()).status_code == 201
        events_client.create(city="Oslo")

        first, second = receiver.wait_for(2, seconds=60)
        time.sleep(3)  # room for a wrong third attempt
        assert len(receiver.requests) == 2
    assert first.body == second.body
    assert json.loads(second.body)["type"] == "lead.created"


def test_a_disabled_endpoint_gets_nothing(events_client):
    with running_receiver() as disabled, running_receiver() as enabled:
        off = register(events_client, disabled.localhost_url()).json()
        register(events_client, enabled.localhost_url())
        answer = events_client.request(
            "PATCH", f"{ENDPOINTS}/{off['id']}", json={"status": "disabled"}
        )
        assert answer.status_code == 200 and answer.json()["status"] == "disabled"
        events_client.create(city="Oslo")

        enabled.wait_for(1, seconds=60)
        time.sleep(2)
        assert disabled.requests == []


def test_no_redirect_is_followed(events_client):
    with running_receiver() as target, running_receiver(redirect_to=target.url) as redirecting:
        register(events_client, redirecting.localhost_url())
        events_client.create(city="Oslo")
        redirecting.wait_for(2, seconds=60)  # the first attempt and a retry
    assert target.requests == []


SSRF = {
    "metadata": "http://169.254.169.254/latest/meta-data/iam/",
    "private": "https://10.1.2.3/hook",
    "ipv6-loopback": "http://[::1]:8080/hook",
    "ipv4-mapped": "https://[::ffff:169.254.169.254]/hook",
    "cgnat": "https://100.100.100.200/hook",
}


@pytest.mark.parametrize("url", SSRF.values(), ids=SSRF)
def test_ssrf_targets_are_refused_in_both_modes(new_events_client, url):
    for events_client in (new_events_client(), new_events_client(mode="live")):
        answer = register(events_client, url)
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"]["param"] == "url"


def test_a_name_resolving_to_loopback_is_refused_in_live_mode(new_events_client):
    live = new_events_client(mode="live")
    for url in (
        "https://localhost:8443/hook",
        "http://localhost:8080/hook",
        "http://127.0.0.1:80/h",
    ):
        answer = register(live, url)
        assert answer.status_code == 400 and answer.json()["error"]["param"] == "url", url
    # Test mode takes them: that is the developer's own machine here.
    assert register(new_events_client(), "http://localhost:8080/hook").status_code == 201


def test_events_and_endpoints_are_private_to_the_tenant_and_mode(new_events_client, events_client):
    endpoint = register(events_client, "http://127.0.0.1:9/hook").json()
    lead = events_client.create(city="Oslo")
    deadline = time.monotonic() + 30
    while not (mine := event_list(events_client)["data"]) and time.monotonic() < deadline:
        time.sleep(0.2)
    (event,) = mine
    assert event["data"]["object"]["id"] == lead["id"]
    for stranger in (
        new_events_client(account=events_client.account, mode="live"),
        new_events_client(),
    ):
        assert event_list(stranger)["data"] == []
        assert stranger.request("GET", f"{EVENTS}/{event['id']}").status_code == 404
        assert stranger.request("GET", ENDPOINTS).json()["data"] == []
        assert stranger.request("GET", f"{ENDPOINTS}/{endpoint['id']}").status_code == 404
        assert stranger.request("DELETE", f"{ENDPOINTS}/{endpoint['id']}").status_code == 404


def test_the_event_list_takes_repeated_types(events_client):
    lead = events_client.create(city="Oslo")
    events_client.delete(lead["id"])
    deadline = time.monotonic() + 30
    while len(event_list(events_client)["data"]) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    answer = events_client.request(
        "GET", f"{EVENTS}?type=lead.deleted&type=lead.created&limit=1"
    ).json()
    assert [event["type"] for event in answer["data"]] == ["lead.deleted"] and answer["has_more"]

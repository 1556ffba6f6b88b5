"""`leads listen --forward-to URL`: a stack's new events, followed over the API and forwarded,
signed with the secret it prints, to a local URL; and the local run's retry schedule, which
--parameter changes."""

import re
import subprocess
import time

import pytest

from leads_cli import template as template_module
from leads_cli.main import LOCAL_PARAMETERS, local_parameters
from leads_domain.webhooks.signature import verify_signature
from support.local_api import LEADS_CLI, ROOT
from support.receivers import running_receiver

pytestmark = pytest.mark.http


def test_listen_forwards_new_events_signed_with_the_secret_it_prints(events_client):
    before = events_client.create(city="Before")
    with running_receiver() as receiver:
        listener = subprocess.Popen(
            [
                *LEADS_CLI, "listen", "--forward-to", receiver.url, "--api-key", events_client.key,
                "--base-url", events_client.api.base_url, "--interval", "0.2",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        try:
            secret = None
            deadline = time.monotonic() + 60
            while secret is None and time.monotonic() < deadline:
                line = listener.stdout.readline()
                found = re.search(r"signing secret is (whsec_\w+)", line)
                secret = found.group(1) if found else None
            assert secret, "leads listen printed no secret"
            lead = events_client.create(city="After")

            (forwarded,) = receiver.wait_for(1, seconds=60)
        finally:
            listener.terminate()
            listener.wait(timeout=10)
    verify_signature(forwarded.body, forwarded.signature, secret)
    assert b'"lead.created"' in forwarded.body and lead["id"].encode() in forwarded.body
    assert before["id"].encode() not in forwarded.body, "history before it started is not sent"


def test_listen_needs_a_key():
    result = subprocess.run(
        [*LEADS_CLI, "listen", "--forward-to", "http://127.0.0.1:9/h"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and "API key" in result.stderr


def test_the_local_run_scales_retries_down_and_parameters_set_them():
    parameters = local_parameters({}, "http://d", "http://s")
    assert parameters["WebhookRetryFirstSeconds"] == LOCAL_PARAMETERS["WebhookRetryFirstSeconds"]
    assert int(parameters["WebhookRetryFirstSeconds"]) <= 5
    assert parameters["WebhookLoopback"] == "test-mode"
    changed = local_parameters({"WebhookRetryFirstSeconds": "7"}, "http://d", "http://s")
    template = template_module.load(overrides=tuple(sorted(changed.items())))
    environment = template.functions["WebhookDeliveryFunction"].environment
    assert environment["WEBHOOK_RETRY_FIRST_SECONDS"] == "7"
    assert environment["WEBHOOK_QUEUE_URL"] == "http://s/123456789012/WebhookDeliveryQueue"

"""Webhook deliveries through the queue and the delivery function (the local run's mappings,
real receivers on 127.0.0.1): signed as Stripe signs, retried until the receiver recovers,
nothing for a disabled endpoint, no redirect followed, the URL checked again at every delivery,
dead-lettered and the endpoint disabled once the retry window is spent."""

import json
import time
import uuid

import pytest

from leads_domain.event_settings import get_event_settings
from leads_domain.tenancy import Tenant
from leads_domain.webhooks.signature import (
    SignatureVerificationError,
    signature_header,
    verify_signature,
)
from support.pipeline import Pipeline
from support.receivers import running_receiver

LEADS = "/api/crm/lead"
ENDPOINTS = "/api/crm/webhook_endpoint"


def register(pipeline: Pipeline, tenant: Tenant, url: str, events=("*",)) -> dict:
    answer = pipeline.call(
        "CreateWebhookEndpointFunction",
        "POST",
        ENDPOINTS,
        tenant,
        body={"url": url, "enabled_events": list(events)},
    )
    assert answer.status == 201, answer.body
    return answer.body


def create_lead(pipeline: Pipeline, tenant: Tenant, **fields) -> dict:
    answer = pipeline.call(
        "CreateLeadFunction", "POST", LEADS, tenant, body=fields or {"city": "Oslo"}
    )
    assert answer.status == 201, answer.body
    return answer.body


def endpoint(pipeline: Pipeline, tenant: Tenant, endpoint_id: str) -> dict:
    return pipeline.call(
        "GetWebhookEndpointFunction", "GET", f"{ENDPOINTS}/{endpoint_id}", tenant
    ).body


@pytest.fixture
def schedule(monkeypatch):
    """schedule(first, most, window): the delivery function's retry schedule, for one test."""

    def use(first: int, most: int, window: int) -> None:
        monkeypatch.setenv("WEBHOOK_RETRY_FIRST_SECONDS", str(first))
        monkeypatch.setenv("WEBHOOK_RETRY_MAX_SECONDS", str(most))
        monkeypatch.setenv("WEBHOOK_RETRY_WINDOW_SECONDS", str(window))
        get_event_settings.forget()

    yield use
    monkeypatch.undo()
    get_event_settings.forget()


def test_a_delivery_is_signed_and_verifies_with_the_helper_only_with_its_secret(
    pipeline, tenant, receiver
):
    secret = register(pipeline, tenant, receiver.url)["secret"]
    lead = create_lead(pipeline, tenant, first_name="Ada")
    pipeline.publish()
    pipeline.deliver()

    (received,) = receiver.wait_for(1)
    assert received.path == "/hook"
    assert received.headers["content-type"] == "application/json"
    event = json.loads(received.body)
    assert event["type"] == "lead.created" and event["data"]["object"] == lead
    stored = pipeline.call("GetEventFunction", "GET", f"/api/crm/event/{event['id']}", tenant)
    assert stored.body == event
    signed_at = verify_signature(received.body, received.signature, secret)
    assert abs(time.time() - signed_at) < 120
    with pytest.raises(SignatureVerificationError):
        verify_signature(received.body, received.signature, "whsec_" + "x" * 32)
    with pytest.raises(SignatureVerificationError):
        verify_signature(received.body + b" ", received.signature, secret)
    # A replay: the same body, signed with this secret, but ten minutes ago.
    old = signature_header(received.body, secret, int(time.time()) - 600)
    with pytest.raises(SignatureVerificationError):
        verify_signature(received.body, old, secret)


def test_a_receiver_that_answers_500_then_200_gets_the_event_once_it_recovers(
    pipeline, tenant, schedule
):
    schedule(1, 1, 120)
    with running_receiver(statuses=[500, 500, 200]) as receiver:
        created = register(pipeline, tenant, receiver.url)
        create_lead(pipeline, tenant)
        pipeline.publish()

        pipeline.deliver(until_empty_seconds=60)

        attempts = receiver.wait_for(3)
    assert len(attempts) == 3, "nothing after the success"
    assert len({attempt.body for attempt in attempts}) == 1, "the same event every time"
    assert pipeline.queued() == 0
    assert endpoint(pipeline, tenant, created["id"])["status"] == "enabled"


def test_a_disabled_endpoint_gets_nothing(pipeline, tenant, receiver):
    created = register(pipeline, tenant, receiver.url)
    queued_for_it = create_lead(pipeline, tenant)
    pipeline.publish()  # queued while enabled
    path = f"{ENDPOINTS}/{created['id']}"
    disabled = pipeline.call(
        "UpdateWebhookEndpointFunction", "PATCH", path, tenant, body={"status": "disabled"}
    )
    assert disabled.status == 200 and disabled.body["status"] == "disabled"
    pipeline.call(
        "UpdateLeadFunction",
        "PATCH",
        f"{LEADS}/{queued_for_it['id']}",
        tenant,
        body={"city": "Rome"},
    )
    create_lead(pipeline, tenant)
    pipeline.publish()  # while disabled: nothing queued

    pipeline.deliver(until_empty_seconds=10)

    assert receiver.requests == []
    assert pipeline.queued() == 0


def test_no_redirect_is_followed(pipeline, tenant, schedule):
    schedule(1, 1, 120)
    with running_receiver() as target, running_receiver(redirect_to=target.url) as redirecting:
        register(pipeline, tenant, redirecting.url)
        create_lead(pipeline, tenant)
        pipeline.publish()
        pipeline.deliver()
        redirecting.wait_for(1)
        time.sleep(1.5)
        pipeline.deliver()  # a retry: a 3xx is no delivery

        assert len(redirecting.wait_for(2)) >= 2
        assert target.requests == []


def test_the_url_is_checked_again_at_every_delivery(pipeline, monkeypatch, schedule):
    """DNS rebinding: a name that resolved to a public address when the endpoint was saved,
    and to loopback by delivery time, is refused then; no connection is made."""
    schedule(1, 1, 120)
    tenant = Tenant(f"acct_{uuid.uuid4().hex[:12]}", "live")
    answers = iter([["93.184.215.14"]])
    monkeypatch.setattr(
        "leads_domain.webhooks.address_guard.system_resolver",
        lambda host, port: next(answers, ["127.0.0.1"]),
    )
    sent = []
    monkeypatch.setattr(
        "leads_domain.webhooks.sender.post", lambda *arguments: sent.append(arguments)
    )
    created = register(pipeline, tenant, "https://rebinding.example/hook")
    create_lead(pipeline, tenant)
    pipeline.publish()

    pipeline.deliver()

    assert [arguments for arguments in sent if arguments[0].host == "rebinding.example"] == []
    # A failed attempt: the delivery waits in the queue for its retry.
    assert pipeline.queued() == 1
    assert pipeline.messages("WebhookDeadLetterQueue") == []
    assert endpoint(pipeline, tenant, created["id"])["status"] == "enabled"


def test_given_up_after_the_window_dead_lettered_and_the_endpoint_disabled(
    pipeline, tenant, schedule
):
    schedule(1, 1, 3)
    with running_receiver(statuses=[500]) as receiver:
        created = register(pipeline, tenant, receiver.url)
        create_lead(pipeline, tenant)
        pipeline.publish()

        pipeline.deliver(until_empty_seconds=60)

        assert len(receiver.requests) >= 2  # retried within the window
    assert pipeline.queued() == 0
    (dead,) = [m for m in pipeline.messages("WebhookDeadLetterQueue") if created["id"] in m["Body"]]
    assert dead["MessageAttributes"]["reason"]["StringValue"] == "answered 500"
    assert endpoint(pipeline, tenant, created["id"])["status"] == "disabled"
    # Enabling it again forgets the failures.
    enabled = pipeline.call(
        "UpdateWebhookEndpointFunction",
        "PATCH",
        f"{ENDPOINTS}/{created['id']}",
        tenant,
        body={"status": "enabled"},
    )
    assert enabled.body["status"] == "enabled"


def test_a_malformed_message_is_dead_lettered_at_once(pipeline):
    sqs = pipeline.client("sqs")
    sqs.send_message(QueueUrl=pipeline.template.queue_url("WebhookDeliveryQueue"), MessageBody="{")

    pipeline.deliver()

    assert pipeline.queued() == 0
    reasons = [
        m["MessageAttributes"]["reason"]["StringValue"]
        for m in pipeline.messages("WebhookDeadLetterQueue")
        if m["Body"] == "{"
    ]
    assert reasons == ["malformed message"]


def test_each_endpoint_gets_only_the_types_it_enabled(pipeline, tenant):
    with running_receiver() as creations, running_receiver() as everything:
        register(pipeline, tenant, creations.url, events=("lead.created",))
        register(pipeline, tenant, everything.url)
        lead = create_lead(pipeline, tenant)
        pipeline.call("DeleteLeadFunction", "DELETE", f"{LEADS}/{lead['id']}", tenant)
        pipeline.publish()
        pipeline.deliver()

        assert [json.loads(r.body)["type"] for r in everything.wait_for(2)] == [
            "lead.created",
            "lead.deleted",
        ]
        assert [json.loads(r.body)["type"] for r in creations.wait_for(1)] == ["lead.created"]


def test_deliveries_of_one_endpoint_keep_the_order_of_the_queue(pipeline, tenant, receiver):
    register(pipeline, tenant, receiver.url)
    lead = create_lead(pipeline, tenant, city="c0")
    for n in range(1, 6):
        pipeline.call(
            "UpdateLeadFunction", "PATCH", f"{LEADS}/{lead['id']}", tenant, body={"city": f"c{n}"}
        )
    pipeline.publish()
    pipeline.deliver()

    cities = [json.loads(r.body)["data"]["object"]["city"] for r in receiver.wait_for(6)]
    assert cities == [f"c{n}" for n in range(6)]

"""The template's SQS queues and EventBridge buses, made in the embedded AWS services (moto's
server), as the local run's functions and event source mappings find them."""

import json
from typing import Any

from leads_cli.template import LOCAL_ACCOUNT, LOCAL_REGION, Template

# Queue properties that SQS takes as attributes of the same name.
_QUEUE_ATTRIBUTES = (
    "VisibilityTimeout",
    "MessageRetentionPeriod",
    "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds",
)


def queue_arn(logical_id: str) -> str:
    return f"arn:aws:sqs:{LOCAL_REGION}:{LOCAL_ACCOUNT}:{logical_id}"


def create_queues_and_buses(sqs: Any, events: Any, template: Template) -> None:
    """Every queue (named by its logical id, dead-letter queues first so that redrive policies
    find them) and every bus of the template, with these SQS and EventBridge clients; those
    that exist are left as they are."""
    dead_letter_targets = {
        _redrive_target(properties) for properties in template.queues.values()
    } - {None}
    ordered = sorted(template.queues, key=lambda name: name not in dead_letter_targets)
    for logical_id in ordered:
        sqs.create_queue(QueueName=logical_id, Attributes=_attributes(template.queues[logical_id]))
    existing = {bus["Name"] for bus in events.list_event_buses()["EventBuses"]}
    for name in template.buses.values():
        if name not in existing:
            events.create_event_bus(Name=name)


def _redrive_target(properties: dict[str, Any]) -> str | None:
    target = properties.get("RedrivePolicy", {}).get("deadLetterTargetArn")
    return target["Fn::GetAtt"][0] if target else None


def _attributes(properties: dict[str, Any]) -> dict[str, str]:
    attributes = {name: str(properties[name]) for name in _QUEUE_ATTRIBUTES if name in properties}
    target = _redrive_target(properties)
    if target:
        attributes["RedrivePolicy"] = json.dumps(
            {
                "deadLetterTargetArn": queue_arn(target),
                "maxReceiveCount": int(properties["RedrivePolicy"]["maxReceiveCount"]),
            }
        )
    return attributes

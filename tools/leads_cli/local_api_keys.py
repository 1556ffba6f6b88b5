"""API Gateway's API keys and their usage plan keys, as the local run keeps them: in memory, for
the template's usage plans of this stage. The `leads` CLI changes them through the same
management calls as on AWS (management_api.py answers them); the gateway meters requests by
them."""

import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from leads_cli.template import Throttle, UsagePlan


class NotFound(Exception):
    pass


class Conflict(Exception):
    pass


class BadRequest(Exception):
    pass


# API Gateway's own rule for an API key's value.
MIN_VALUE_LENGTH = 20


@dataclass
class ApiKey:
    id: str
    name: str
    value: str
    description: str = ""
    enabled: bool = True
    plans: set[str] = field(default_factory=set)

    def shape(self, include_value: bool) -> dict[str, Any]:
        """As API Gateway's ApiKey resource."""
        answer: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "enabled": self.enabled,
            "stageKeys": [],
        }
        if include_value:
            answer["value"] = self.value
        return answer


class LocalApiKeys:
    """The API keys of the local API Gateway and the usage plans each is in."""

    def __init__(self, usage_plans: dict[str, UsagePlan]) -> None:
        self._plans = usage_plans
        self._keys: dict[str, ApiKey] = {}
        self._lock = threading.Lock()

    def create(self, name: str, value: str | None, description: str, enabled: bool) -> ApiKey:
        value = value or uuid.uuid4().hex + uuid.uuid4().hex[:8]
        if len(value) < MIN_VALUE_LENGTH:
            raise BadRequest(f"API Key value should be at least {MIN_VALUE_LENGTH} characters")
        with self._lock:
            if any(key.value == value for key in self._keys.values()):
                raise Conflict("API Key already exists")
            key = ApiKey(uuid.uuid4().hex[:10], name, value, description, enabled)
            self._keys[key.id] = key
            return key

    def get(self, key_id: str) -> ApiKey:
        with self._lock:
            if key_id not in self._keys:
                raise NotFound("Invalid API Key identifier specified")
            return self._keys[key_id]

    def named(self, name_prefix: str) -> list[ApiKey]:
        """API Gateway's nameQuery: keys whose name starts with it."""
        with self._lock:
            return [key for key in self._keys.values() if key.name.startswith(name_prefix)]

    def delete(self, key_id: str) -> None:
        with self._lock:
            if self._keys.pop(key_id, None) is None:
                raise NotFound("Invalid API Key identifier specified")

    def plans_of(self, key_id: str | None) -> list[UsagePlan]:
        with self._lock:
            if key_id is None:
                return list(self._plans.values())
            key = self._keys.get(key_id)
            return [self._plans[plan] for plan in sorted(key.plans)] if key else []

    def add_to_plan(self, plan_id: str, key_id: str) -> ApiKey:
        with self._lock:
            key = self._keys.get(key_id)
            if plan_id not in self._plans or key is None:
                raise NotFound("Invalid Usage Plan or API Key identifier specified")
            if plan_id in key.plans:
                raise Conflict("Usage Plan Key already exists")
            if key.plans:
                # As API Gateway: one key, one usage plan per API stage.
                raise BadRequest(
                    "API Key cannot reference multiple Usage Plans with the same stage"
                )
            key.plans.add(plan_id)
            return key

    def remove_from_plan(self, plan_id: str, key_id: str) -> None:
        with self._lock:
            key = self._keys.get(key_id)
            if key is None or plan_id not in key.plans:
                raise NotFound("Invalid Usage Plan Key identifier specified")
            key.plans.discard(plan_id)

    def metering(self, value: str | None) -> tuple[str, Throttle] | None:
        """(API key id, its plan's throttle) for the key with this value, if it is enabled and
        in a usage plan of this stage; None otherwise (API Gateway's INVALID_API_KEY)."""
        if not value:
            return None
        with self._lock:
            for key in self._keys.values():
                if key.value == value and key.enabled and key.plans:
                    return key.id, self._plans[min(key.plans)].throttle
        return None

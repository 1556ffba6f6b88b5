"""Idempotency-Key: a retried request answers the first answer instead of running again.

Powertools' idempotency utility does the work (claim a record, store the answer, compare the
payload); this module configures it once per container and turns its exceptions into domain
errors. Only requests that carry a key import it.
"""

import json
from collections.abc import Callable
from typing import Any

from leads_domain.container import once_per_container
from leads_domain.errors import Conflict, IdempotencyError, ServiceUnavailable
from leads_domain.tenancy import Tenant

# Remembered for 24 hours per tenant, as Stripe does.
IDEMPOTENCY_SECONDS = 24 * 60 * 60
# Set on an answer that was remembered rather than computed now (Stripe's Idempotent-Replayed).
REPLAYED = "replayed"

Work = Callable[..., dict[str, Any]]


# What identifies one idempotent request; anything else in it (the API request id, which
# differs on every retry) is carried along, never compared or hashed.
_IDENTITY = ("tenant", "key", "fields")


def request_of(
    tenant: Tenant, key: str, payload: Any, request_id: str | None = None
) -> dict[str, Any]:
    """What identifies one idempotent request: its tenant and key; ``payload`` is what must
    be the same on every retry. ``request_id`` rides along for the attempt that does the work."""
    return {
        "tenant": [tenant.account, tenant.mode],
        "key": key,
        "fields": payload,
        "request_id": request_id,
    }


def tenant_of(request: dict[str, Any]) -> Tenant:
    return Tenant(*request["tenant"])


def request_id_of(request: dict[str, Any]) -> str | None:
    return request.get("request_id")


def seed_of(request: dict[str, Any]) -> str:
    """A text that only this request (tenant, key and payload) has: for ids that every attempt
    must share, so that an attempt that finds its work done cannot do it a second time."""
    identity = {name: request[name] for name in _IDENTITY}
    return json.dumps(identity, sort_keys=True, separators=(",", ":"))


def replayed(answer: dict[str, Any]) -> bool:
    """Whether ``run_once`` answered from memory (an earlier attempt's answer)."""
    return bool(answer.get(REPLAYED))


def run_once(
    operation: str, request: dict[str, Any], work: Work, lambda_context: Any = None
) -> dict[str, Any]:
    """``work(request)``'s answer, computed once per (tenant, key) for 24 hours. The same key
    with another payload is an IdempotencyError; while the first attempt runs, a Conflict."""
    from aws_lambda_powertools.utilities.idempotency import exceptions

    if lambda_context is not None:
        # An in-progress record then expires when this Lambda would have timed out, so a
        # crashed request does not block its retries for a day.
        _config().register_lambda_context(lambda_context)
    try:
        return _idempotent(operation, work)(request=request)
    except exceptions.IdempotencyValidationError:
        raise IdempotencyError(
            "This Idempotency-Key was already used with a different request body.",
            param="Idempotency-Key",
        ) from None
    except exceptions.IdempotencyAlreadyInProgressError:
        raise Conflict(
            "A request with this Idempotency-Key is still in progress. Retry shortly.",
            param="Idempotency-Key",
            code="idempotency_in_progress",
        ) from None
    except (
        exceptions.IdempotencyPersistenceLayerError,
        exceptions.IdempotencyPersistenceConnectionError,
        exceptions.IdempotencyInconsistentStateError,
    ):
        raise ServiceUnavailable() from None


def _idempotent(operation: str, work: Work) -> Work:
    decorated = _decorated()
    if operation not in decorated:
        from aws_lambda_powertools.utilities.idempotency import idempotent_function

        from leads_domain.data.idempotency_store import persistence_layer

        decorated[operation] = idempotent_function(
            data_keyword_argument="request",
            persistence_store=persistence_layer(),
            config=_config(),
            # Stable across function names and deployments; the hash covers tenant and key.
            key_prefix=operation,
        )(work)
    return decorated[operation]


@once_per_container
def _decorated() -> dict[str, Work]:
    return {}


@once_per_container
def _config() -> Any:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    # The key is scoped to the tenant: two tenants' identical keys never meet. The payload is
    # what is validated: the same key with another body is refused.
    return IdempotencyConfig(
        event_key_jmespath="[tenant, key]",
        payload_validation_jmespath="fields",
        expires_after_seconds=IDEMPOTENCY_SECONDS,
        hash_function="sha256",
        # Called only for answers read from the store: marks them as replays.
        response_hook=lambda answer, record: {**answer, REPLAYED: True},
    )

"""Which API request made a change: kept on the lead item, so the change's event can name it."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RequestOrigin:
    """The API Gateway request id and the Idempotency-Key (if any) of the request that makes a
    change. Never shown in a Lead (``present`` picks the Lead's fields only); the DynamoDB
    stream carries it to the change's event as ``request.id`` / ``request.idempotency_key``."""

    request_id: str | None = None
    idempotency_key: str | None = None


NO_ORIGIN = RequestOrigin()

"""Domain errors, each with its status, type and code; ``http.operation`` turns them into HTTP.

Messages said by more than one operation are defined here once. No message repeats what a
client sent, except the name of a parameter.
"""


class DomainError(Exception):
    status = 500
    type = "api_error"
    code = "internal_error"

    def __init__(self, message: str, param: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.param = param
        if code:
            self.code = code


class InvalidRequest(DomainError):
    status = 400
    type = "invalid_request_error"
    code = "parameter_invalid"


class UnsupportedMediaType(DomainError):
    status = 415
    type = "invalid_request_error"
    code = "content_type_invalid"


class IdempotencyError(DomainError):
    """An Idempotency-Key was reused with a different request."""

    status = 400
    type = "idempotency_error"
    code = "idempotency_key_reused"


class NotFound(DomainError):
    status = 404
    type = "invalid_request_error"
    code = "resource_missing"


class Unauthorized(DomainError):
    status = 401
    type = "authentication_error"
    code = "api_key_invalid"


class Forbidden(DomainError):
    """The key is valid, but its scope does not allow this request."""

    status = 403
    type = "permission_error"
    code = "access_denied"


class Conflict(DomainError):
    """A concurrent change won; the caller may retry."""

    status = 409
    type = "invalid_request_error"
    code = "conflict"


class PreconditionFailed(DomainError):
    """If-Match named a version the lead no longer has."""

    status = 412
    type = "invalid_request_error"
    code = "precondition_failed"


UNAVAILABLE_MESSAGE = "The service is temporarily unavailable. Please retry."


class ServiceUnavailable(DomainError):
    """DynamoDB throttled or failed after the client's own retries."""

    status = 503
    type = "api_error"
    code = "service_unavailable"
    # Seconds a client should wait before retrying (sent as Retry-After).
    retry_after = 1

    def __init__(self, message: str = UNAVAILABLE_MESSAGE, param: str | None = None):
        super().__init__(message, param)


def lead_not_found() -> NotFound:
    """The answer for a lead id the caller's tenant does not have (or that is no lead id)."""
    return NotFound("No such lead.", param="id")


def lead_changed() -> PreconditionFailed:
    return PreconditionFailed(
        "The lead has changed since the version in If-Match. Fetch it again.", param="If-Match"
    )


def lead_busy() -> Conflict:
    return Conflict("The lead is being changed by other requests. Please retry.")


def event_not_found() -> NotFound:
    """An event id the caller's tenant does not have (or one older than 30 days)."""
    return NotFound("No such event.", param="id")


def webhook_endpoint_not_found() -> NotFound:
    return NotFound("No such webhook endpoint.", param="id")


def limit_reached(maximum: int) -> InvalidRequest:
    """The tenant has as many webhook endpoints as it may; one must go before another comes."""
    return InvalidRequest(
        f"This account has {maximum} webhook endpoints in this mode, the most it may have. "
        "Delete one first.",
        code="limit_reached",
    )


def scope_forbids(description: str) -> Forbidden:
    """The answer to a request outside the key's scope, saying what the key may do."""
    return Forbidden(f"This API key {description}.")


class ManagementFailed(Exception):
    """An operator's change (the `leads` CLI) to API Gateway or the keys table failed; never an
    answer of the API. ``message`` says what failed and what to run to finish the change."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

"""Domain errors. ``http_api.error_response`` is the one place that turns them into HTTP."""


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


class ServiceUnavailable(DomainError):
    """DynamoDB throttled or failed after the client's own retries."""

    status = 503
    type = "api_error"
    code = "service_unavailable"
    # Seconds a client should wait before retrying (sent as Retry-After).
    retry_after = 1

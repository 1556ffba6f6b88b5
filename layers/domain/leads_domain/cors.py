"""Which browser origins may call the API (CorsAllowedOrigins); none unless configured."""

from leads_domain.settings import get_settings


def allowed_origin(origin: str | None) -> str | None:
    """The origin to echo in Access-Control-Allow-Origin, or None to send no CORS grant."""
    allowed = get_settings().cors_allowed_origins
    if origin and (origin in allowed or "*" in allowed):
        return origin
    return None

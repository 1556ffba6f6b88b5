"""OPTIONS on the API's paths: the CORS preflight a browser sends before a cross-origin call.

Browsers send preflights without credentials, so this route alone is outside the authorizer;
it reads nothing and answers only which origins, methods and headers are allowed.
"""

from leads_domain.settings import get_settings

ALLOWED_METHODS = "DELETE,GET,OPTIONS,PATCH,POST"
ALLOWED_HEADERS = "Authorization,Content-Type"


def lambda_handler(event, context):
    headers = {key.lower(): value for key, value in (event.get("headers") or {}).items()}
    origin = headers.get("origin")
    allowed = get_settings().cors_allowed_origins
    response_headers = {"Vary": "Origin"}
    if origin and (origin in allowed or "*" in allowed):
        response_headers.update(
            {
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": ALLOWED_METHODS,
                "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                "Access-Control-Max-Age": "600",
            }
        )
    return {"statusCode": 204, "headers": response_headers, "body": ""}

"""OPTIONS on the API's paths: the CORS preflight a browser sends before a cross-origin call.

Browsers send preflights without credentials, so this route alone is outside the authorizer;
it reads nothing and answers only which origins, methods and headers are allowed.
"""

from leads_domain.cors import allowed_origin

ALLOWED_METHODS = "DELETE,GET,OPTIONS,PATCH,POST,PUT"
ALLOWED_HEADERS = "Authorization,Content-Type,Idempotency-Key,If-Match"


def lambda_handler(event, context):
    headers = {key.lower(): value for key, value in (event.get("headers") or {}).items()}
    origin = allowed_origin(headers.get("origin"))
    response_headers = {"Vary": "Origin"}
    if origin:
        response_headers.update(
            {
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": ALLOWED_METHODS,
                "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                "Access-Control-Max-Age": "600",
            }
        )
    return {"statusCode": 204, "headers": response_headers, "body": ""}

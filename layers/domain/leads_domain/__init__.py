"""The Leads API's domain package, shipped to every function in one layer.

Layers, top to bottom: ``models`` (request and response shapes) -> ``logic`` (lead rules and
operations) -> ``data`` (the only code that touches DynamoDB). ``http_api`` maps domain errors
to HTTP answers for the functions; ``authentication`` and ``api_keys`` serve the authorizer and
never import pydantic or the web framework, so the authorizer stays small.
"""

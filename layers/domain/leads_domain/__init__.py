"""The Leads API's domain package, shipped to every function in one layer.

Top to bottom, each layer importing only those below it:

- ``http``: API Gateway's proxy event in, the API's answer out, and the one error map;
- ``models`` (pydantic, only where a body is validated) and ``response_models`` (the answers'
  schemas, for the OpenAPI document);
- ``logic``: the lead rules and the operations that apply them;
- ``data``: the only code that touches DynamoDB, and the only code that knows key names,
  index names and condition expressions.

Beside them, small modules that several layers share: ``settings``, ``container`` (what a
container makes once), ``errors``, ``tenancy``, ``ids``, ``fields``, ``api_keys`` and
``authentication`` (which the authorizer uses without pydantic), ``cors``, ``observability``.
"""

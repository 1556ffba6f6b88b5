"""Everything the tests share, in one package: fixtures (``plugin``), helpers and assertions.

- ``reference``: the API reference's facts, written out independently of the code;
- ``events``: the events API Gateway sends a function; ``functions``: calling a handler;
- ``dynamodb``: moto in-process and the embedded server, with the template's tables;
- ``stored``: what DynamoDB holds, read raw (never through the code under test);
- ``local_api``: ``leads serve`` in a subprocess; ``client``: the API over HTTP;
- ``target``: the one switch between ``leads serve`` and a deployed stack (make
  test-deployed), with ``operator``: the caller's own AWS settings, kept for it;
- ``cloudformation``: template.yaml as data for the template tests (Globals merged as SAM does);
- ``samples``: what each events/ sample answers; ``builds``: what a build's layer is compiled for;
- ``sam_local``: SAM CLI's own ``sam local invoke`` and ``start-api`` (make test-sam-local);
- ``assertions``: the error shape, the Lead object and no internals, for any answer;
- ``faults``: DynamoDB faults injected into the domain's client; ``logs``: captured logs;
- ``plugin``: the pytest fixtures and hooks, loaded by tests/conftest.py.
"""

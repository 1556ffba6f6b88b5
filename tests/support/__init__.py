"""Everything the tests share, in one package: fixtures (``plugin``), helpers and assertions.

- ``reference``: the API reference's facts, written out independently of the code;
- ``events``: the events API Gateway sends a function; ``functions``: calling a handler;
- ``dynamodb``: moto in-process and the embedded server, with the template's tables;
- ``stored``: what DynamoDB holds, read raw (never through the code under test);
- ``local_api``: ``leads serve`` in a subprocess; ``client``: the API over HTTP;
- ``assertions``: the error shape, the Lead object and no internals, for any answer;
- ``faults``: DynamoDB faults injected into the domain's client; ``logs``: captured logs;
- ``plugin``: the pytest fixtures and hooks, loaded by tests/conftest.py.
"""

"""HTTP for the functions: API Gateway's proxy event in, the API's answer out.

``request`` reads the event, ``parameters`` turns HTTP syntax into typed values, ``answers``
builds proxy responses and ``operation`` is the one error map every function shares.
"""

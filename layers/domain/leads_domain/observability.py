"""Powertools logger, tracer and metrics, shared by the functions (configured by the
POWERTOOLS_* environment variables that template.yaml sets)."""

import logging

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
# Only botocore is traced (every DynamoDB call a subsegment): patching every library Powertools
# knows costs cold-start time for modules we never import.
tracer = Tracer(patch_modules=["botocore"])
metrics = Metrics()
# botocore's DEBUG output includes request bodies, e.g. an API key's digest: never that.
logging.getLogger("botocore").setLevel(max(logging.getLogger("botocore").level, logging.INFO))

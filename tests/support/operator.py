"""The AWS settings of whoever runs the tests (profile, region, credentials), kept before the
test plugin replaces them with fake ones: `make test-deployed` makes and erases keys on a real
stack with them, through the `leads` CLI. Imported by the plugin before anything else."""

import os

AWS_SETTINGS = {name: value for name, value in os.environ.items() if name.startswith("AWS_")}

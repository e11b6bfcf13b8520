# Two commands matter: `make demo` and `make test`. Everything they need is installed on first use.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MIRROR := data/mirror/demo
PORT ?= 8501

.PHONY: install mirror warehouse demo lint test test-fast dev docs docs-serve exports clean publications rollback

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

## Generate the fictional demo territory (local mirror of the publications).
mirror: install
	$(BIN)/python -m ingest.demo.generator --out $(MIRROR)

## Run the Dagster refresh job in process: build, test and publish the warehouse.
warehouse: mirror
	$(BIN)/python -m orchestration.run

## The whole demo: warehouse, then the dashboard on http://localhost:$(PORT), reachable from this machine only.
## Serving it on a network is deliberate: `make demo ADDRESS=0.0.0.0` (no authentication: see docs/architecture.md).
ADDRESS ?= 127.0.0.1
demo: warehouse
	@echo "Tableau de bord : http://$(ADDRESS):$(PORT)  (Ctrl+C pour arrêter)"
	$(BIN)/streamlit run dashboards/app.py --server.address $(ADDRESS) --server.port $(PORT) \
	    --server.headless true --browser.gatherUsageStats false

## Ruff on the Python code, then SQLFluff (dbt templater, .sqlfluff) on the dbt models, compiled against an
## empty scratch DuckDB file (never the warehouse).
lint: install
	$(BIN)/ruff check .
	$(BIN)/python -m ingest.sources
	@mkdir -p dbt_project/target
	OBSERVATOIRE_BUILD_DB=$(CURDIR)/dbt_project/target/lint.duckdb $(BIN)/sqlfluff lint dbt_project/models

## The whole test suite (pytest, including the dbt build and its tests), after the linters, on
## PYTEST_WORKERS pytest-xdist workers, a test file on one worker (its module fixtures built once).
PYTEST_WORKERS ?= 3
test: lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile

## The fast tier (under a minute): the tests not marked slow, i.e. none that builds a warehouse, runs a
## refresh, or starts Streamlit or a browser (tests/conftest.py marks them).
test-fast: install
	$(BIN)/python -m pytest -m "not slow" -n $(PYTEST_WORKERS) --dist loadfile

## Dagster UI with persistent run history in .dagster_home.
dev: install
	@mkdir -p .dagster_home
	DAGSTER_HOME=$(CURDIR)/.dagster_home $(BIN)/dagster dev -m orchestration.definitions

## Kept publications of the warehouse (the published one and the previous ones in data/warehouse/history).
publications: install
	$(BIN)/python -m orchestration.publication list

## Put the previous publication back online (STEPS=2 goes two publications back).
rollback: install
	$(BIN)/python -m orchestration.publication rollback --steps $(or $(STEPS),1)

## dbt documentation of the marts (dbt_project/target/index.html, static_index.html) and the analysts' data
## dictionary (docs/dictionnaire.md), from a COPY of the published warehouse (never the file readers hold).
docs: install
	$(BIN)/python -m orchestration.dbt_docs

## Serve the dbt documentation on http://127.0.0.1:$(DOCS_PORT) (localhost only).
DOCS_PORT ?= 8080
docs-serve: docs
	@echo "Documentation dbt : http://127.0.0.1:$(DOCS_PORT)  (Ctrl+C pour arrêter)"
	$(BIN)/python -m http.server $(DOCS_PORT) --bind 127.0.0.1 --directory dbt_project/target

## Rewrite the exports (Parquet, GeoPackage) of the published warehouse (a refresh writes them itself).
exports: install
	$(BIN)/python -m orchestration.exports

## Check files against their source without touching the warehouse: make verifier SOURCE=france_services FICHIER=x.csv
.PHONY: verifier
verifier: install
	$(BIN)/python -m ingest.verifier verifier $(SOURCE) $(FICHIER)

## Blank XLSX survey template (config/templates/enquete_modele.xlsx), its CSV header and the schema doc.
.PHONY: template
template: install
	$(BIN)/python -m ingest.surveys.template config/templates/enquete_modele.xlsx --csv config/templates/enquete_modele.csv
	$(BIN)/python -m ingest.surveys.schema docs/enquete_schema.md

clean:
	rm -rf data dbt_project/target dbt_project/logs .pytest_cache

## National-scale benchmark (bench/bench_refresh.py): generates ~35,000 communes and 1M + 8M flows
## under data/bench/, then prints every speed figure next to its target.
.PHONY: bench
bench: install
	$(BIN)/python bench/bench_refresh.py

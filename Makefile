# Two commands for a newcomer: `make run` and `make test`. Every target sets
# itself up from nothing (venv, install, dbt parse) and is quick when already set up.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
INSTALLED := $(VENV)/.installed
MANIFEST := target/manifest.json

# Nothing dials out; dbt reads profiles.yml from the repository root; Dagster
# keeps its state in a git-ignored folder inside the project.
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_PROFILES_DIR := $(CURDIR)
export DAGSTER_HOME := $(CURDIR)/dagster_home

DBT_SOURCES := $(shell find models macros materializations seeds tests/dbt -type f 2>/dev/null) dbt_project.yml profiles.yml selectors.yml

.PHONY: help setup run test test-spark lint ui serve stream seeds practice bench bench-quick bench-spark bench-serving clean

help:  ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

$(INSTALLED): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

# dbt's partial parsing does not see a changed selectors.yml (dbt-core 1.11): parse anew then.
$(MANIFEST): $(INSTALLED) $(DBT_SOURCES)
	$(BIN)/dbt parse --quiet $(if $(filter selectors.yml,$?),--no-partial-parse)
	@touch $@

setup: $(INSTALLED) $(MANIFEST)  ## Create .venv, install, and parse the dbt project.

# The spark target (profiles.yml) runs Spark inside dbt's process: Java 17, loopback only.
SPARK_INSTALLED := $(VENV)/.installed-spark

$(SPARK_INSTALLED): $(INSTALLED)
	$(PY) -m pip install --quiet -e '.[dev,spark]'
	@touch $@

# Settings for one run: make run VARS='{test_days: 30, max_quarantine_share: 0.8}'
VARS ?=

# make run ENGINE=spark: dbt builds on Apache Spark (the spark extra), the ml steps on a DuckDB copy.
ENGINE ?= duckdb

run: setup $(if $(filter spark,$(ENGINE)),$(SPARK_INSTALLED))  ## Materialise the whole graph through Dagster (dbt -> ml -> reports) and summarise.
	SOCIAL_ML_ENGINE=$(ENGINE) $(PY) -m orchestration.run $(if $(strip $(VARS)),--vars '$(VARS)')

# pytest workers (pytest-xdist, one module per worker at a time): one per core by default;
# PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto

test: setup  ## Every check: ruff, sqlfluff, dbt build (models + tests), dbt docs, pytest.
	$(BIN)/ruff check .
	$(BIN)/sqlfluff lint models macros tests/dbt
	$(BIN)/dbt build --quiet
	$(BIN)/dbt docs generate --quiet
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder

test-spark: setup $(SPARK_INSTALLED)  ## Spark: the sample and an own-data landing zone built on Spark and DuckDB, every table compared.
	SPARK_LOCAL_IP=127.0.0.1 $(PY) -m pytest -q -n 2 --dist loadfile tests_spark

lint: setup  ## Linters only.
	$(BIN)/ruff check .
	$(BIN)/sqlfluff lint models macros tests/dbt

ui: setup  ## Open the Dagster UI on the whole asset graph (127.0.0.1:3000).
	$(BIN)/dagster dev --host 127.0.0.1 --port 3000

# make serve PORT=8001 HOST=0.0.0.0 to move it.
HOST ?= 127.0.0.1
PORT ?= 8000

serve: setup  ## HTTP service: recommendations and scores from the latest serving snapshot (127.0.0.1:8000, after make run).
	$(PY) -m serving serve --host $(HOST) --port $(PORT)

# The stream demo lives in its own folder (git-ignored): landing zone, warehouse, models.
STREAM_DIR ?= stream_demo
# Simulated seconds per wall-clock second: 600 lands an hourly batch every 6 s.
STREAM_SPEED ?= 600
# The first 21 days land at once: the history the first run trains on; the last week streams.
STREAM_BACKLOG_HOURS ?= 504

stream: setup  ## Event stream: datagen replays hourly batches into a landing zone; Dagster folds each in (UI on 127.0.0.1:3000).
	@rm -rf $(STREAM_DIR) && mkdir -p $(STREAM_DIR)
	@echo "producer: python -m datagen --batch-minutes 60 --follow --speed $(STREAM_SPEED) --backlog-hours $(STREAM_BACKLOG_HOURS) -> $(STREAM_DIR)/landing (log: $(STREAM_DIR)/producer.log)"
	@echo "consumer: Dagster's landing_zone_sensor -> stream_batch_job, on http://127.0.0.1:3000 (Ctrl-C stops both)"
	@$(PY) -m datagen --out $(STREAM_DIR)/landing --truth-dir $(STREAM_DIR)/ground_truth \
	    --batch-minutes 60 --follow --speed $(STREAM_SPEED) --backlog-hours $(STREAM_BACKLOG_HOURS) \
	    > $(STREAM_DIR)/producer.log 2>&1 & \
	  producer=$$!; trap 'kill $$producer 2>/dev/null' EXIT INT TERM; \
	  SOCIAL_ML_RAW_DIR=$(CURDIR)/$(STREAM_DIR)/landing \
	  SOCIAL_ML_DB=$(CURDIR)/$(STREAM_DIR)/warehouse.duckdb \
	  SOCIAL_ML_MODELS_DIR=$(CURDIR)/$(STREAM_DIR)/models \
	  SOCIAL_ML_SERVING_DIR=$(CURDIR)/$(STREAM_DIR)/serving \
	  $(BIN)/dagster dev --host 127.0.0.1 --port 3000

seeds: $(INSTALLED)  ## Regenerate the checked-in sample in seeds/ (deterministic).
	$(PY) -m datagen --out seeds --truth-dir ground_truth

practice: setup  ## SQL interview practice: list the exercises.
	$(PY) -m practice list

# matplotlib (the report's plot) is the bench extra: `make test` never needs it.
BENCH_INSTALLED := $(VENV)/.installed-bench
BENCH_ARGS ?=

$(BENCH_INSTALLED): $(INSTALLED)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	@touch $@

bench: setup $(BENCH_INSTALLED)  ## Time 1M/3M/10M events end to end vs peers; writes bench/REPORT.md (long).
	$(PY) -m bench $(BENCH_ARGS)

BENCH_QUICK_ARGS ?=

bench-quick: setup  ## Regression guard: 1M events once (~3 min), stages and models vs bench/quick_baseline.json.
	$(PY) -m bench.quick $(BENCH_QUICK_ARGS)

# Sizes for the serving bench (events, comma-separated); a warehouse is built per size.
SERVING_BENCH_SIZES ?= 1000000

# Sizes for the Spark bench (events, comma-separated): each built on DuckDB and on Spark local.
SPARK_BENCH_SIZES ?= 1000000

bench-spark: setup $(SPARK_INSTALLED)  ## dbt build on DuckDB and on Spark local per size; writes bench/SPARK.md (long).
	$(PY) -m bench.spark --sizes $(SPARK_BENCH_SIZES)

bench-serving: setup  ## Serving latency: wrk against the real server over a built warehouse; writes bench/SERVING.md.
	@command -v wrk >/dev/null || apt-get install -y wrk >/dev/null || \
	  { echo "bench-serving needs wrk: apt-get install -y wrk"; exit 1; }
	$(PY) -m bench.serving --sizes $(SERVING_BENCH_SIZES)

clean:  ## Remove the venv, the warehouse, dbt and Dagster state.
	rm -rf $(VENV) target logs dbt_packages artifacts .pytest_cache .ruff_cache $(STREAM_DIR)
	find warehouse -type f ! -name .gitkeep -delete 2>/dev/null || true
	find dagster_home -mindepth 1 ! -name dagster.yaml -exec rm -rf {} + 2>/dev/null || true

# bymonitor: `make run` runs the yearly refresh on the embedded sample; `make test` runs the tests.
# Both set up .venv from the lock file first. uv is installed into .tools/ if it is not on PATH.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
STAMP := $(VENV)/.synced
PREFECT_TEMPLATE := .cache/prefect-template/prefect.db

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export DO_NOT_TRACK := 1

.PHONY: install run test lint format bench sample clean help chromium

help:
	@echo "make run     set up, then run the yearly refresh on the embedded sample"
	@echo "make test    set up, then lint and run the tests"
	@echo "make lint    ruff check and format check"
	@echo "make chromium  install Debian's chromium with apt for the browser tests, if it is missing"
	@echo "make bench   benchmark S/R/N/F (benchmarks/bench.py; ~10 min), update docs/performance.md"
	@echo "             BASELINE=<commit>: also that commit's S, interleaved, and the ratio S/B"
	@echo "make sample  regenerate data/sample from ../shared/data"
	@echo "make clean   remove the environment and everything a run wrote"

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet uv

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

# An empty, migrated Prefect database that new homes start from (flows/runtime.py).
$(PREFECT_TEMPLATE): $(STAMP)
	mkdir -p $(dir $@)
	PREFECT_HOME=$(dir $@) PREFECT_SERVER_ANALYTICS_ENABLED=false \
		$(VENV)/bin/prefect server database upgrade -y > $(dir $@)upgrade.log

install: $(STAMP) $(PREFECT_TEMPLATE)

run: install
	$(VENV)/bin/bymonitor run

# pytest-xdist, one worker more than there are cores: the tests spend part of their time waiting
# (on a CLI run's subprocesses, on a fixture another worker is making), and the extra worker
# fills those gaps (2 cores: ~630 s against ~750 s with two workers). A test module stays on one
# worker, so its module fixtures are built once; the modules run in the order they are collected
# (--no-loadscope-reorder: xdist would otherwise start the modules with the most tests first and
# leave the few long end-to-end ones for last). The time and the slowest tests are printed at
# the end.
# The cores this process may use (as xdist's own `-n auto` counts them), plus one; `auto` if
# that cannot be asked.
WORKERS ?= $(shell $(PYTHON) -c 'import os; cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(); print((cores or 1) + 1)' 2>/dev/null)
test: install lint chromium
	@start=$$(date +%s); $(VENV)/bin/pytest -n $(or $(WORKERS),auto) --dist loadfile \
		--no-loadscope-reorder \
		--durations=15; \
		status=$$?; echo "make test: $$(( $$(date +%s) - start )) s"; exit $$status

# The browser tests (tests/browser) drive Debian's chromium. Installed with apt when it is missing
# and apt may run (as root, or with passwordless sudo); otherwise this says so and the build goes
# on: the tests then skip and say why, or fail under CI / BYMONITOR_REQUIRE_BROWSER=1.
CHROMIUM := /usr/bin/chromium
APT_INSTALL := apt-get update && apt-get install -y --no-install-recommends chromium
chromium:
	@if [ -x $(CHROMIUM) ]; then \
		echo "chromium: $$($(CHROMIUM) --version 2>/dev/null || echo $(CHROMIUM))"; \
	elif ! command -v apt-get >/dev/null; then \
		echo "chromium: $(CHROMIUM) is missing and there is no apt-get: the browser tests will skip"; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "chromium: $(CHROMIUM) is missing; installing it: $(APT_INSTALL)"; \
		( export DEBIAN_FRONTEND=noninteractive; $(APT_INSTALL) ) \
			|| echo "chromium: apt could not install it: the browser tests will skip"; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
		echo "chromium: $(CHROMIUM) is missing; installing it: sudo $(APT_INSTALL)"; \
		( sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update \
			&& sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium ) \
			|| echo "chromium: apt could not install it: the browser tests will skip"; \
	else \
		echo "chromium: $(CHROMIUM) is missing and apt needs root (no passwordless sudo):"; \
		echo "  the browser tests will skip; install it with: sudo $(APT_INSTALL)"; \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	BENCH_BASELINE=$(BASELINE) $(VENV)/bin/python benchmarks/bench.py

sample: $(STAMP)
	$(VENV)/bin/python data/sample/generate_sample.py

clean:
	rm -rf $(VENV) .tools .cache .prefect warehouse/bymonitor.duckdb* warehouse/landing \
		warehouse/dbt-target warehouse/gate warehouse/logs warehouse/cache warehouse/downloads warehouse/.writer.lock \
		reports/published

# make demo   the main job on local defaults (bootstraps everything it needs)
# make test   the whole suite: lint, format, types, tests on 3.10 and on a newer CPython
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# The newest CPython the code must also run on (without wasmer, which stops at 3.10).
COMPAT_PYTHON ?= 3.13
PYTEST_ARGS ?=

.PHONY: help bootstrap demo test lint typecheck unit compat bench clean

help:
	@echo "make demo       the todo example: build, deploy to a local AWS, serve and use it, tear down"
	@echo "make test       ruff, mypy --strict, pytest on CPython 3.10 and $(COMPAT_PYTHON)"
	@echo "make bench      run every benchmark and write bench/RESULTS.md"
	@echo "make bootstrap  create .venv (CPython 3.10) with asml, its engines and dev tools, and .venv-checkov"
	@echo "make clean      remove the virtualenvs and caches"

bootstrap:
	@scripts/bootstrap.sh

demo: bootstrap
	@scripts/demo.sh

lint: bootstrap
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: bootstrap
	$(PY) -m mypy

# checkov scans the same files whatever the Python: the full run below does it once.
compat:
	@scripts/bootstrap.sh --compat $(COMPAT_PYTHON)
	.venv-$(COMPAT_PYTHON)/bin/python -m pytest -q -m "not wasmer and not checkov" $(PYTEST_ARGS)

unit: bootstrap
	$(PY) -m pytest $(PYTEST_ARGS)

# The full run comes last so that its summary is the suite's closing line.
test: lint typecheck compat unit

bench: bootstrap
	$(PY) -m bench --out bench/RESULTS.md

clean:
	rm -rf $(VENV) .venv-* .mypy_cache .ruff_cache .pytest_cache

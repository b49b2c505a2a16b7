# sphinx-reflections developer tasks (GNU make).
#
#   make test        ruff + mypy + pytest (with the browser suite when npm is available)
#   make docs        build the showcase knowledge base, warnings are errors
#   make lint        ruff + mypy only
#   make serve       live-reloading docs (sphinx-autobuild)
#   make locale      recompile the message catalogues (.po -> .mo)
#   make bench       run tools/bench.py
#   make node_modules   the pinned checkers (vnu-jar, axe-core) from package-lock.json
#   make clean       remove build output and caches (keeps .venv and node_modules)
#   make distclean   clean, and remove .venv and node_modules too
#
# The virtualenv is (re)installed only when pyproject.toml changes. Use another one
# with `make VENV=/path/to/venv test`.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.sphinx-reflections-installed
NPM := $(shell command -v npm 2>/dev/null)
NODE_STAMP := node_modules/.sphinx-reflections-installed

PYTEST_ARGS ?=
SPHINX_OPTS ?=
SERVE_OPTS ?= --port 8000
DOCS_OUT := docs/_build/html
LOCALE_DIR := src/sphinx_reflections/locale

# The browser suite needs node_modules; without npm it skips locally (fails on CI).
TEST_DEPS := $(STAMP) $(if $(NPM),$(NODE_STAMP))

.PHONY: help test lint docs serve locale bench node_modules clean distclean venv

help:
	@sed -n 's/^#   make /  make /p' $(firstword $(MAKEFILE_LIST))

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,docs]'
	@touch $@

venv: $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-fund --no-audit
	@touch $@

node_modules: $(NODE_STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# ruff, mypy and pytest all run even when an earlier one fails (one CI run shows
# everything); the target fails if any did. pytest exits 5 when it collected
# nothing: that is a failure here, not a pass.
test: $(TEST_DEPS)
	@failed=""; \
	$(BIN)/ruff check . || failed="$$failed ruff"; \
	$(BIN)/mypy || failed="$$failed mypy"; \
	rc=0; $(BIN)/pytest -n auto --dist loadscope tests $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; fi; \
	if [ $$rc -ne 0 ]; then failed="$$failed pytest(exit $$rc)"; fi; \
	if [ -n "$$failed" ]; then echo "make test: FAILED:$$failed" >&2; exit 1; fi

docs: $(STAMP)
	$(BIN)/sphinx-build -W --keep-going -j auto -b html $(SPHINX_OPTS) docs $(DOCS_OUT)

serve: $(STAMP)
	@test -x $(BIN)/sphinx-autobuild || $(BIN)/python -m pip install --quiet sphinx-autobuild
	$(BIN)/sphinx-autobuild $(SERVE_OPTS) --watch src docs $(DOCS_OUT)

locale: $(STAMP)
	$(BIN)/pybabel compile -d $(LOCALE_DIR) -D sphinx_reflections --statistics

bench: $(STAMP)
	@if [ -f tools/bench.py ]; then $(BIN)/python tools/bench.py; \
	else echo "make bench: tools/bench.py is not written yet"; fi

clean:
	rm -rf docs/_build build dist test-artifacts .pytest_cache .mypy_cache .ruff_cache \
		.hypothesis .bench
	find . $(if $(filter /%,$(VENV)),,-path './$(VENV)' -prune -o) -path ./node_modules -prune -o \
		\( -name __pycache__ -o -name '*.egg-info' \) -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules

# sphinx-reflections developer tasks (GNU make).
#
#   make test        ruff + mypy + layers + pytest (with the browser suite when npm is available)
#   make test-lowest  pytest with the lowest supported dependencies (constraints/lowest.txt)
#   make test-newest  pytest with the newest release of every dependency
#   make docs        build the showcase knowledge base, warnings are errors
#   make lint        ruff + mypy + the layers contract (tools/check_layers.py)
#   make serve       live-reloading docs (sphinx-autobuild)
#   make locale      update the message catalogues from the code and compile them
#   make bench       time and memory against plain Sphinx, blog/kb/mixed shapes (BENCH_ARGS=...)
#   make realblogs   import real public blogs and build them with -W (CORPORA=folder; not in make test)
#   make dist        build the wheel and sdist into dist/ and check them with twine
#   make node_modules   the pinned checkers (vnu-jar, axe-core) from package-lock.json
#   make clean       remove build output and caches (keeps .venv and node_modules)
#   make distclean   clean, and remove the virtualenvs (.venv*) and node_modules too
#
# The virtualenv is (re)installed only when pyproject.toml changes. Use another one
# with `make VENV=/path/to/venv test`. .venv-lowest is reinstalled when pyproject.toml or
# constraints/lowest.txt changes; .venv-newest is upgraded to the newest releases on
# every `make test-newest` (needs the package index).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.sphinx-reflections-installed
LOWEST_VENV ?= .venv-lowest
LOWEST_CONSTRAINTS := constraints/lowest.txt
LOWEST_STAMP := $(LOWEST_VENV)/.sphinx-reflections-installed
NEWEST_VENV ?= .venv-newest
NPM := $(shell command -v npm 2>/dev/null)
NODE_STAMP := node_modules/.sphinx-reflections-installed

PYTEST_ARGS ?=
SPHINX_OPTS ?=
SERVE_OPTS ?= --port 8000
DOCS_OUT := docs/_build/html
LOCALE_DIR := src/sphinx_reflections/locale

# The browser suite needs node_modules; without npm it skips locally (fails on CI).
NODE_DEPS := $(if $(NPM),$(NODE_STAMP))
TEST_DEPS := $(STAMP) $(NODE_DEPS)

# pytest over the whole suite with the venv in $(1); exit 5 (nothing collected) fails.
define run_pytest
rc=0; $(1)/bin/pytest -n auto --dist loadscope tests $(2) $(PYTEST_ARGS) || rc=$$?; \
if [ $$rc -eq 5 ]; then echo "make $@: pytest collected no tests" >&2; fi; \
if [ $$rc -ne 0 ]; then echo "make $@: FAILED: pytest(exit $$rc)" >&2; exit 1; fi
endef

.PHONY: help test test-lowest test-newest lint docs serve locale bench node_modules clean \
	distclean venv realblogs dist

help:
	@sed -n 's/^#   make /  make /p' $(firstword $(MAKEFILE_LIST))

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,docs]'
	@touch $@

venv: $(STAMP)

$(LOWEST_STAMP): pyproject.toml $(LOWEST_CONSTRAINTS)
	@test -x $(LOWEST_VENV)/bin/python || $(PYTHON) -m venv $(LOWEST_VENV)
	$(LOWEST_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		-c $(LOWEST_CONSTRAINTS) -e '.[test,docs]'
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-fund --no-audit
	@touch $@

node_modules: $(NODE_STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python tools/check_layers.py

# ruff, mypy and pytest all run even when an earlier one fails (one CI run shows
# everything); the target fails if any did. pytest exits 5 when it collected
# nothing: that is a failure here, not a pass.
test: $(TEST_DEPS)
	@failed=""; \
	$(BIN)/ruff check . || failed="$$failed ruff"; \
	$(BIN)/mypy || failed="$$failed mypy"; \
	$(BIN)/python tools/check_layers.py || failed="$$failed layers"; \
	rc=0; $(BIN)/pytest -n auto --dist loadscope tests $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; fi; \
	if [ $$rc -ne 0 ]; then failed="$$failed pytest(exit $$rc)"; fi; \
	if [ -n "$$failed" ]; then echo "make test: FAILED:$$failed" >&2; exit 1; fi

# The same pytest run as `make test` (no ruff or mypy: those are about the code, not
# about which versions it runs with), without the browser suite: its stock-theme
# baselines are recorded for the theme releases in tests/browser/baselines/README.md,
# and the lowest Sphinx gets older theme releases (pydata-sphinx-theme 0.17, whose
# own colour-mode button axe flags). LOWEST_MARKS= runs the browser suite too.
LOWEST_MARKS ?= not browser and not vnu
test-lowest: $(LOWEST_STAMP) $(NODE_DEPS)
	@$(LOWEST_VENV)/bin/python -m pip list --disable-pip-version-check 2>/dev/null \
		| grep -iE '^(sphinx|docutils|myst-parser|sphinx[-_]design|pyyaml|babel) '
	@$(call run_pytest,$(LOWEST_VENV),$(if $(LOWEST_MARKS),-m '$(LOWEST_MARKS)'))

# No stamp: every run upgrades to what the index serves today.
test-newest: $(NODE_DEPS)
	@test -x $(NEWEST_VENV)/bin/python || $(PYTHON) -m venv $(NEWEST_VENV)
	$(NEWEST_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		--upgrade --upgrade-strategy eager pip -e '.[test,docs]'
	@$(NEWEST_VENV)/bin/python -m pip list --disable-pip-version-check 2>/dev/null \
		| grep -iE '^(sphinx|docutils|myst-parser|sphinx[-_]design|pyyaml|babel) '
	@$(call run_pytest,$(NEWEST_VENV))

docs: $(STAMP)
	$(BIN)/sphinx-build -W --keep-going -j auto -b html $(SPHINX_OPTS) docs $(DOCS_OUT)

serve: $(STAMP)
	@test -x $(BIN)/sphinx-autobuild || $(BIN)/python -m pip install --quiet sphinx-autobuild
	$(BIN)/sphinx-autobuild $(SERVE_OPTS) --watch src docs $(DOCS_OUT)

# The labels in the code (``_``, a Lang's call, ``ngettext`` and ``lang.plural`` for plural forms)
# into the template, every catalogue brought up to date with it, then compiled. A new
# language: `.venv/bin/pybabel init -i $(LOCALE_DIR)/sphinx_reflections.pot -d $(LOCALE_DIR)
# -D sphinx_reflections -l xx`, translate the .po file, `make locale` (see the manual's
# "Add a language" how-to).
LOCALE_KEYWORDS := -k _ -k lang -k gettext -k ngettext:1,2 -k plural:1,2
locale: $(STAMP)
	$(BIN)/pybabel extract --no-location --sort-output --omit-header --ignore-dirs=cli \
		--project sphinx-reflections --copyright-holder "The sphinx-reflections developers" \
		$(LOCALE_KEYWORDS) -o $(LOCALE_DIR)/sphinx_reflections.pot src/sphinx_reflections
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete \
		-i $(LOCALE_DIR)/sphinx_reflections.pot -d $(LOCALE_DIR) -D sphinx_reflections
	$(BIN)/pybabel compile -d $(LOCALE_DIR) -D sphinx_reflections --statistics

# Every shape (blog, kb, mixed) side by side with plain Sphinx, under each GC mode; figures
# in .bench/bench.json. BENCH_ARGS narrows or widens it, e.g. "--quick --shape blog",
# "--gc default", "--rebuilds 20", "--scaling", "--profile clean", "--judge cpu", "--repeat 5",
# "--corpus .realblogs/18f-eleventy" (a real blog converted by make realblogs)
# (tools/README.md says what each does and how long it takes).
bench: $(STAMP)
	$(BIN)/python tools/bench.py --json .bench/bench.json $(BENCH_ARGS)

# The blogs are fetched outside the repository (see tools/realblogs.py for which ones and
# from which commits); CI cannot download, so `make test` runs the excerpts in tests/fixtures.
CORPORA ?=
REALBLOGS_ARGS ?=
realblogs: $(STAMP)
	@if [ -z "$(CORPORA)" ] || [ ! -d "$(CORPORA)" ]; then \
		echo "make realblogs: no corpora folder$(if $(CORPORA), '$(CORPORA)'); fetch the blogs listed in" \
			"tools/realblogs.py and run: make realblogs CORPORA=/path/to/them" >&2; exit 2; fi
	$(BIN)/python tools/realblogs.py --corpora '$(CORPORA)' $(REALBLOGS_ARGS)

# An isolated build (pip fetches flit_core), as a release is made; twine checks the metadata.
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*

clean:
	rm -rf docs/_build build dist .realblogs test-artifacts .pytest_cache .mypy_cache .ruff_cache \
		.hypothesis .bench
	find . $(foreach v,$(VENV) $(LOWEST_VENV) $(NEWEST_VENV),$(if $(filter /%,$(v)),,-path './$(v)' -prune -o)) \
		-path ./node_modules -prune -o \
		\( -name __pycache__ -o -name '*.egg-info' \) -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(LOWEST_VENV) $(NEWEST_VENV) node_modules

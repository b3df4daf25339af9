# The two commands: `make run` and `make test`. Both create the virtual environment first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

# The charts' library, vendored from npm into web/static (docs/web.md): `make vendor-uplot`.
UPLOT_VERSION := 1.6.32

.PHONY: vendor-uplot run test lint typecheck pytest bench bench-storage bench-parse bench-alerts clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[server,dev]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	BIN=$(BIN) deploy/local.sh

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m bench.exporter

# Needs PostgreSQL on 127.0.0.1:5432; the dashboard part loads ~86 M samples (about 10 min).
bench-storage: $(STAMP)
	$(BIN)/python -m bench.storage write
	$(BIN)/python -m bench.storage dashboard

bench-parse: $(STAMP)
	$(BIN)/python -m bench.parse

bench-alerts: $(STAMP)
	$(BIN)/python -m bench.alerts

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

vendor-uplot:
	cd "$$(mktemp -d)" && npm pack --silent uplot@$(UPLOT_VERSION) >/dev/null \
		&& tar xzf uplot-$(UPLOT_VERSION).tgz \
		&& cp package/dist/uPlot.iife.min.js $(CURDIR)/web/static/uplot.min.js \
		&& cp package/dist/uPlot.min.css $(CURDIR)/web/static/uplot.min.css \
		&& cp package/LICENSE $(CURDIR)/web/static/uplot.LICENSE

# `make run` and `make test` are all a fresh machine needs: each installs what is missing first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test check pytest bench dist dist-check icons clean cli-coverage

$(STAMP): pyproject.toml
	bash installer/system-deps.sh $(if $(filter run,$(MAKECMDGOALS)),--gui,)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	bash installer/system-deps.sh --gui
	$(BIN)/tickerdesk run

test: check pytest

check: $(STAMP)
	$(BIN)/ruff check desktop tests bench
	$(BIN)/ruff format --check desktop tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy desktop

pytest: $(STAMP)
	$(BIN)/pytest

# The command line's line coverage from its in-process tests (no subprocess is counted).
cli-coverage: $(STAMP)
	$(BIN)/coverage run --source=desktop.cli -m pytest -q -p no:cacheprovider tests/test_cli_inprocess.py
	$(BIN)/coverage report

bench: $(STAMP)
	$(BIN)/python -m bench.run

dist:
	bash installer/build.sh

dist-check:
	bash installer/dist-check.sh

icons: $(STAMP)
	$(BIN)/python installer/make_icons.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache

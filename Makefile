# The two commands of the README: `make run` and `make test`. Both set up .venv from
# nothing (Python >= 3.11 and make are all a fresh machine needs).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= output

.PHONY: run test lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install when the project metadata changes. `make run` needs geom's own dependencies
# only; `make test` adds the test extra (CadQuery, pytest, hypothesis, ruff, mypy).
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/geom build --all -o $(OUT)

LINTED := geom tests examples $(wildcard benchmarks scripts/*.py)

lint: $(VENV)/.installed
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache  # import contracts: pyproject.toml [tool.importlinter]

test: lint
	bash scripts/install-test-tools.sh
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis

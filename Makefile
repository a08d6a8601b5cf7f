# Two commands on a fresh machine: `make report` and `make test`. Both create the environment
# (.venv, with uv and compiled bytecode) when it is missing or pyproject.toml has changed.
VENV   ?= .venv
PYTHON ?= python3
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed
DATA   ?= data

# This machine sets PYTHONDONTWRITEBYTECODE=1: compiled bytecode halves start-up time.
export UV_COMPILE_BYTECODE = 1
export UV_SYSTEM_CERTS = 1

.PHONY: env test test-fast lint format report validate docs hooks clean notebook-filter

env: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check uv || true
	@if $(VENV)/bin/uv --version >/dev/null 2>&1; then \
		$(VENV)/bin/uv pip install --quiet --python $(PY) --compile-bytecode -e '.[dev]'; \
	else \
		echo "uv unavailable: installing with pip (slower)"; \
		$(PY) -m pip install --quiet -e '.[dev]'; \
	fi
	@touch $(STAMP)
	@$(MAKE) --no-print-directory notebook-filter

# Notebook outputs never reach git: git passes every notebook through analysis.hygiene (outputs, execution
# counts and Lab's metadata stripped) when it stages it; .gitattributes names the filter. Lab may keep its
# outputs in the working file; `python -m analysis check-notebooks --fix` strips them there too.
notebook-filter:
	@git config filter.notebook-outputs.clean '$(VENV)/bin/python -m analysis.hygiene' 2>/dev/null || true
	@git config filter.notebook-outputs.smudge cat 2>/dev/null || true

# On every core (pytest-xdist), each test file on one worker so that its module-scoped renders are built once.
test: env
	$(PY) -m pytest -n auto --dist loadfile

# Everything but the end-to-end renders (@pytest.mark.slow): what to run while working.
test-fast: env
	$(PY) -m pytest -n auto --dist loadfile -m "not slow"

lint: env
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m analysis check-notebooks

format: env
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

validate: env
	$(PY) -m analysis validate $(DATA)

report: validate
	$(PY) -m analysis render

docs: env
	$(PY) -m analysis docs

hooks: env
	$(VENV)/bin/pre-commit install

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

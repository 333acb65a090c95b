# Set-up is part of every target: a bare machine needs only Python 3.10+ and make.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run test lint clean

# torch is pinned and installed first: the CPU wheel (2.13.0) is then already there when the
# project's own `torch>=2.4` is resolved, so pip never pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/jb-summarize sections --format markdown

test: $(STAMP)
	$(PY) -m ruff check src tests eval
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check src tests eval
	$(PY) -m ruff format --check src tests eval

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache

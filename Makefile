# Set-up is part of every target: a bare machine needs only Python 3.10+, a C compiler, cmake and make.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run test test-quick lint models-md clean

# torch is pinned and installed first: the CPU wheel (2.13.0) is then already there when the
# [hf] extra's `torch>=2.4` is resolved, so pip never pulls a multi-GB CUDA build.
# llama-cpp-python (the [llama] extra) compiles from source for this CPU: about 5 minutes on 2 cores.
# On x86-64 its AMX kernels are left out (-mno-amx-*: the rest of -march=native stays): llama.cpp's AMX
# matmul crashes on Intel Xeons with AMX, and a build without it is safe for every caller, llama-cpp-python's
# own server included. Built without pip's wheel cache, so that these flags always apply.
LLAMA_CPP_PYTHON := llama-cpp-python==0.3.36
ifeq ($(shell uname -m),x86_64)
LLAMA_CFLAGS ?= -mno-amx-tile -mno-amx-int8 -mno-amx-bf16
endif
$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	CFLAGS="$(LLAMA_CFLAGS)" CXXFLAGS="$(LLAMA_CFLAGS)" $(PY) -m pip install -q --no-cache-dir '$(LLAMA_CPP_PYTHON)'
	$(PY) -m pip install -q -e '.[hf,test,llama,server,ct2,ray,ocr]'
	$(VENV)/bin/jb-summarize doctor --quiet   # a llama.cpp build that crashes on this CPU stops here
	touch $(STAMP)

setup: $(STAMP)

# The main job: fetch the default model (1.1 GB, once) and run the seed article end to end (again: replaced).
run: $(STAMP)
	$(VENV)/bin/jb-summarize run --output-dir output --overwrite

# Everything, the real-model tests included (they fetch the 0.5B model, 480 MB, once).
test: $(STAMP)
	$(PY) -m ruff check src tests eval
	$(PY) eval/rescore_results.py --check   # stored results scored by the current metrics
	$(PY) eval/update_models_md.py --check  # models.md and README's timings generated from them
	$(PY) -m pytest -q

# The quick suite: no real weights.
test-quick: $(STAMP)
	$(PY) -m pytest -q -m "not slow"

lint: $(STAMP)
	$(PY) -m ruff check src tests eval
	$(PY) -m ruff format --check src tests eval

models-md: $(STAMP)
	$(PY) eval/rescore_results.py
	$(PY) eval/update_models_md.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache

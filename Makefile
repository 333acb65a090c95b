# Set-up is part of every target: a bare machine needs only Python 3.10+, a C compiler, cmake and make.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup llama-server run test test-quick lint models-md clean

# torch is pinned and installed first: the CPU wheel (2.13.0) is then already there when the
# [hf] extra's `torch>=2.4` is resolved, so pip never pulls a multi-GB CUDA build.
# llama-cpp-python (the [llama] extra) compiles from source for this CPU (-march=native), once: the wheel is kept
# in LLAMA_WHEELS, outside the venv, under a key of this CPU's flags and the build flags, so a new venv, `make clean
# setup` or a CI re-run that caches that folder installs it in seconds (docs/install.md). The build runs on every
# core (CMAKE_BUILD_PARALLEL_LEVEL) and makes only the libraries llama_cpp loads (no libmtmd, tests, tools,
# examples or server: LLAMA_CMAKE_ARGS; no libllama-common: LLAMA_LEAN). It runs beside the downloads and
# installs of everything else (a sub-make with -j: the compile needs the CPU, pip the network and the disk), and
# `make run` fetches the default model in that time too.
# On x86-64 its AMX kernels are left out (-mno-amx-*: the rest of -march=native stays): llama.cpp's AMX
# matmul crashes on Intel Xeons with AMX, and a build without it is safe for every caller, llama-cpp-python's
# own server included. Built without pip's wheel cache, so that these flags always apply.
LLAMA_CPP_PYTHON := llama-cpp-python==0.3.36
ifeq ($(shell uname -m),x86_64)
LLAMA_CFLAGS ?= -mno-amx-tile -mno-amx-int8 -mno-amx-bf16
endif
LLAMA_CMAKE_ARGS ?= -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
	-DLLAMA_BUILD_SERVER=OFF
LLAMA_LEAN := cmake/llama-cpp-lean.cmake
BUILD_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CPU_FLAGS := $(shell grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || uname -m)
LLAMA_WHEEL_KEY := $(shell (echo '$(CPU_FLAGS)'; echo '$(LLAMA_CPP_PYTHON) $(LLAMA_CFLAGS) $(LLAMA_CMAKE_ARGS)'; \
	cat $(LLAMA_LEAN)) | cksum | cut -d' ' -f1)
LLAMA_WHEELS ?= $(HOME)/.cache/jb_summarize/wheels/$(LLAMA_WHEEL_KEY)
EXTRAS := hf,test,ct2,ray,ocr
$(STAMP): pyproject.toml Makefile $(LLAMA_LEAN)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(MAKE) -f $(firstword $(MAKEFILE_LIST)) --no-print-directory -j3 -O llama-wheel python-deps $(SETUP_ALSO)
	$(PY) -m pip install -q $(LLAMA_WHEELS)/llama_cpp_python-*.whl
	$(PY) -m pip install -q -e '.[$(EXTRAS),llama,server]'
	$(VENV)/bin/jb-summarize doctor --quiet   # a llama.cpp build that crashes on this CPU stops here
	touch $(STAMP)

# The parts of set-up that run side by side (called by the rule above; each also works alone on a venv).
.PHONY: llama-wheel python-deps default-model
llama-wheel:
	ls $(LLAMA_WHEELS)/llama_cpp_python-*.whl >/dev/null 2>&1 || \
		CMAKE_BUILD_PARALLEL_LEVEL=$(BUILD_JOBS) \
		CMAKE_ARGS="$(LLAMA_CMAKE_ARGS) -DCMAKE_PROJECT_llama.cpp_INCLUDE=$(abspath $(LLAMA_LEAN))" \
		CFLAGS="$(LLAMA_CFLAGS)" CXXFLAGS="$(LLAMA_CFLAGS)" \
		$(PY) -m pip wheel -q --no-deps --no-cache-dir -w $(LLAMA_WHEELS) '$(LLAMA_CPP_PYTHON)'

python-deps:
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[$(EXTRAS)]'

default-model: python-deps
	$(VENV)/bin/jb-summarize models fetch --quiet >/dev/null

setup: $(STAMP)

# llama.cpp's own server, which batches requests continuously (-np slots), for the tests and benchmarks of the
# OpenAI-compatible backend (llama-cpp-python's server answers one request at a time). Built from the llama.cpp
# sources that the same llama-cpp-python sdist carries, with the same AMX guard, only the llama-server target;
# kept per CPU like the wheel (LLAMA_SERVER_DIR) and copied into the venv, where find_llama_server() looks.
LLAMA_SERVER_CMAKE_ARGS ?= -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DLLAMA_BUILD_TOOLS=ON \
	-DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_APP=OFF \
	-DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF
LLAMA_SERVER_KEY := $(shell (echo '$(CPU_FLAGS)'; echo '$(LLAMA_CPP_PYTHON) $(LLAMA_CFLAGS) $(LLAMA_SERVER_CMAKE_ARGS)') | \
	cksum | cut -d' ' -f1)
LLAMA_SERVER_DIR ?= $(HOME)/.cache/jb_summarize/llama-server/$(LLAMA_SERVER_KEY)
$(VENV)/bin/llama-server: $(STAMP)
	test -x $(LLAMA_SERVER_DIR)/llama-server || { \
		work=$$(mktemp -d) && \
		$(PY) -m pip download -q --no-deps --no-binary :all: -d $$work '$(LLAMA_CPP_PYTHON)' && \
		tar xzf $$work/llama_cpp_python-*.tar.gz -C $$work && \
		cmake -S $$work/llama_cpp_python-*/vendor/llama.cpp -B $$work/build $(LLAMA_SERVER_CMAKE_ARGS) \
			-DCMAKE_C_FLAGS="$(LLAMA_CFLAGS)" -DCMAKE_CXX_FLAGS="$(LLAMA_CFLAGS)" >$$work/build.log 2>&1 && \
		{ cmake --build $$work/build --target llama-server -j $(BUILD_JOBS) >>$$work/build.log 2>&1 || \
			{ tail -n 30 $$work/build.log; exit 1; }; } && \
		mkdir -p $(LLAMA_SERVER_DIR) && cp $$work/build/bin/llama-server $(LLAMA_SERVER_DIR)/ && \
		rm -rf $$work; }
	cp $(LLAMA_SERVER_DIR)/llama-server $@

llama-server: $(VENV)/bin/llama-server

# The main job: fetch the default model (1.1 GB, once; on a bare machine while llama-cpp-python compiles) and
# run the seed article end to end (again: replaced).
run: SETUP_ALSO = default-model
run: $(STAMP)
	$(VENV)/bin/jb-summarize run --output-dir output --overwrite

# Everything, the real-model tests included (they fetch the 0.5B model, 480 MB, once), and the tests against
# llama-server.
test: $(STAMP) $(VENV)/bin/llama-server
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

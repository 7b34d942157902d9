# The two commands of the quickstart are `make run` and `make test`; both set up from scratch.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
WHEELS ?= $(HOME)/.cache/assistant/wheels
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: setup models local ray browser run test lint eval gate bench bench-quick clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

setup: $(VENV)/.installed models

models: $(VENV)/.installed
	$(VENV)/bin/assistant models fetch --llm

# llama-cpp-python has no wheel here: build it once (4-7 min), portable, and keep the wheel
local: $(VENV)/.installed
	@$(PY) -c "import llama_cpp" 2>/dev/null || { \
	  mkdir -p $(WHEELS); \
	  ls $(WHEELS)/llama_cpp_python-0.3.36-*.whl >/dev/null 2>&1 || \
	    CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PY) -m pip wheel -q --no-deps -w $(WHEELS) llama-cpp-python==0.3.36; \
	  $(PY) -m pip install -q --no-deps $(WHEELS)/llama_cpp_python-0.3.36-*.whl; \
	  $(PY) -m pip install -q -e '.[local]'; }

# the optional Ray extra (assistant ingest --ray); the tests run it for real on a local instance
ray: $(VENV)/.installed
	@$(PY) -c "import ray.data" 2>/dev/null || $(PY) -m pip install -q -e '.[ray]'

browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

run: setup
	$(VENV)/bin/assistant ingest
	$(VENV)/bin/assistant serve --no-ingest

test: setup local ray browser
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q

# the grounding gate (evals/thresholds.toml) on the default corpus, then with the 10kGNAD distractors
gate: setup
	$(VENV)/bin/assistant eval -q --gate --data-dir reports/eval-index --json reports/eval-default.json --report reports/eval-default
	$(VENV)/bin/assistant eval -q --gate --distractors --data-dir reports/eval-index --json reports/eval-distractors.json --report reports/eval-distractors

eval: setup
	$(VENV)/bin/assistant eval --report reports/eval

# reports numbers, asserts none: a slowdown shows up in CI's log, not as a red run
bench-quick: setup
	$(VENV)/bin/assistant bench --quick --json reports/bench-quick.json --doc -

bench: setup local
	$(VENV)/bin/assistant bench --json reports/bench.json --doc docs/BENCHMARKS.md

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) data .pytest_cache

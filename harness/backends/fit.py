"""Will the weights fit where they are about to be loaded? Asked before the hf backend loads
anything, so a model too big for this machine stops with the numbers and the ways out,
instead of being killed by the kernel part-way through a CPU load (SIGKILL leaves no message
and no run record) or failing with a CUDA traceback after minutes of copying.

The check refuses only what cannot work: the weights alone (parameters x bytes of the dtype
they are loaded in) larger than the memory there is, which is host memory available to this
process (RAM the kernel can give, swap, and the cgroup's limit where that is lower) on CPU,
and the free memory of the GPUs the weights go to on a GPU. Room for activations and the
KV cache is not asked for: that is the plan's business (`harness plan`). A checkpoint that
carries a quantization_config (AWQ, GPTQ, FP8) is not checked: its bytes per parameter are
not the dtype's. Where the size cannot be read before loading, the load goes ahead.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.errors import HarnessError

if TYPE_CHECKING:
    from harness.models import ResolvedModel

DTYPE_BYTES = {"float32": 4, "bfloat16": 2, "float16": 2, "float8_e4m3fn": 1}
CGROUP_ROOT = Path("/sys/fs/cgroup")
PROC_CGROUP = Path("/proc/self/cgroup")


def check_load(model: ResolvedModel, device: str, dtype: str, device_map: str | None,
               gpu_indices: list[int]) -> None:
    """Raise a HarnessError when `model`'s weights in `dtype` cannot fit where they go: host
    memory for device "cpu" (or device_map cpu), else the free memory of `gpu_indices` (or
    of the one GPU a device_map cuda:N names)."""
    random = model.architecture_only
    parameters = weight_parameters(model)
    if not parameters:
        return
    label = (model.config.name if model.config else model.name) + \
        (" (random weights)" if random else "")
    if device == "cpu" or device_map == "cpu":
        check(label, parameters, dtype, "cpu", host_room())
        return
    if device_map and device_map.startswith("cuda:"):
        gpu_indices = [int(device_map.partition(":")[2])]
    check(label, parameters, dtype, "cuda", gpu_room(gpu_indices))


def weight_parameters(model: ResolvedModel) -> int | None:
    """Parameters `model` will load: the model YAML's count, else the architecture's (random
    weights) or the checkpoint's (checkpoint_parameters)."""
    cfg = model.config
    listed = cfg.parameters.total if cfg and cfg.parameters else None
    if model.architecture_only:
        if listed:
            return listed
        from harness.plan.sizing import analysed

        return analysed(model.name)[2].total
    return checkpoint_parameters(model.path, model.revision, model.trust_remote_code, listed)


@functools.lru_cache(maxsize=8)
def checkpoint_parameters(path: str, revision: str | None, trust_remote_code: bool,
                          listed: int | None) -> int | None:
    """Parameters of the checkpoint at `path` (a directory or hub id) before loading it:
    its config.json instantiated on the meta device, else the model YAML's count (`listed`).
    None for quantized checkpoints and where neither can be had."""
    from transformers import AutoConfig

    from harness.plan.params import count_parameters

    try:
        hf_config = AutoConfig.from_pretrained(path, revision=revision,
                                               trust_remote_code=trust_remote_code)
    except Exception:  # noqa: BLE001 - unreadable here: from_pretrained will say why
        return listed
    if getattr(hf_config, "quantization_config", None):
        return None
    if listed:
        return listed
    try:
        return count_parameters(hf_config).total
    except Exception:  # noqa: BLE001 - an architecture the meta device cannot build
        return None


def _cgroup_room() -> int | None:
    """Bytes this process's memory cgroup (or one above it) still allows, where one sets a
    limit: cgroup v2's memory.max, or v1's memory.limit_in_bytes."""
    try:
        lines = PROC_CGROUP.read_text().splitlines()
    except OSError:
        return None
    room = None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":
            top, files = CGROUP_ROOT, ("memory.max", "memory.current")
        elif "memory" in controllers.split(","):
            top, files = CGROUP_ROOT / "memory", ("memory.limit_in_bytes",
                                                  "memory.usage_in_bytes")
        else:
            continue
        group = top / path.lstrip("/")
        for where in (group, *group.parents):
            left = _left(where, *files)
            if left is not None:
                room = left if room is None else min(room, left)
            if where == top:
                break
    return room


def _left(group: Path, limit_file: str, usage_file: str) -> int | None:
    try:
        limit = (group / limit_file).read_text().strip()
        if limit == "max" or int(limit) >= 1 << 62:  # v1 writes "no limit" as ~2^63
            return None
        return max(0, int(limit) - int((group / usage_file).read_text()))
    except (OSError, ValueError):
        return None


def host_room() -> tuple[int, str]:
    """Host memory a load can take, in bytes, and how it was read."""
    import psutil

    ram, swap = psutil.virtual_memory(), psutil.swap_memory()
    room, basis = ram.available + swap.free, (
        f"{ram.available / 1e9:.1f} GB of RAM available of {ram.total / 1e9:.1f} GB"
        + (f", {swap.free / 1e9:.1f} GB of swap free" if swap.free else ", no swap"))
    cgroup = _cgroup_room()
    if cgroup is not None and cgroup < room:
        room, basis = cgroup, f"{cgroup / 1e9:.1f} GB left under this process's cgroup limit"
    return room, basis


def gpu_room(indices: list[int]) -> tuple[int, str]:
    """Free memory of the GPUs the weights go to, in bytes, and how it was read."""
    import torch

    free = [torch.cuda.mem_get_info(i)[0] for i in indices]
    name = torch.cuda.get_device_name(indices[0])
    return sum(free), f"{sum(free) / 1e9:.1f} GB free on {len(indices)}x {name}"


def check(label: str, parameters: int | None, dtype: str, device: str,
          room: tuple[int, str]) -> None:
    """Raise a HarnessError when `parameters` weights in `dtype` exceed `room` (bytes, basis);
    return quietly when they fit or the size is unknown."""
    if not parameters or dtype not in DTYPE_BYTES:
        return
    need = parameters * DTYPE_BYTES[dtype]
    have, basis = room
    if need <= have:
        return
    what = (f"Loading {label} takes {need / 1e9:.1f} GB for its weights alone "
            f"({parameters / 1e9:.2f}B parameters x {DTYPE_BYTES[dtype]} bytes in {dtype}) "
            f"and there are {basis}")
    if device == "cpu":
        halve = (" load it in bfloat16 (--backend-arg dtype=bfloat16 halves float32; slower "
                 "matmuls on most CPUs)," if dtype == "float32" else "")
        raise HarnessError(
            f"{what}: on the CPU the kernel would kill the process part-way through the load. "
            f"Run it on a GPU,{halve} pick a smaller model (`harness models`), or free memory. "
            "`harness plan --model ...` sizes a model without loading it.")
    raise HarnessError(
        f"{what}: the load would fail out of GPU memory. Use more GPUs (the hf backend spreads "
        "the weights with --backend-arg device_map=auto), a quantized checkpoint, or serve it "
        "with vLLM where the GPUs are (--backend vllm, or --backend openai against the "
        "server); `harness plan --model ... --gpu ...` gives the count.")


def load_failed_oom(exc: BaseException) -> bool:
    """True when `exc` is an out-of-memory error of torch (a CUDA or host allocation)."""
    import torch

    return isinstance(exc, (torch.OutOfMemoryError, MemoryError))


def oom_message(label: str, device: str, exc: Any) -> str:
    """One paragraph for a load that ran out of memory although the weights looked as if
    they fit (fragmentation, another process, a size the check could not read)."""
    return (f"Loading {label} on {device} ran out of memory: {str(exc).splitlines()[0][:300]}. "
            "Free the device (another process may hold memory: nvidia-smi), load fewer bytes "
            "(--backend-arg dtype=bfloat16, a quantized checkpoint) or use more GPUs "
            "(--backend-arg device_map=auto).")

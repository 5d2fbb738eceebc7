"""How the hf backend calls from_pretrained: its arguments checked against what transformers
accepts, and the device map. One GPU: the weights go straight onto it. A model the plan says
needs more than one GPU (r1-distill-llama-70b on H100s): device_map=auto over exactly that
many GPUs (accelerate splits the layers; generation runs through them in turn, so it is
slower than tensor parallelism, for which there is the vllm backend). Checkpoints that
carry a quantization_config (AWQ, GPTQ, FP8, bitsandbytes) are loaded as they say."""

from __future__ import annotations

from typing import Any

from harness.config.checks import did_you_mean
from harness.errors import HarnessError

DEVICE_MAPS = ("auto", "balanced", "balanced_low_0", "sequential")
DTYPES = ("auto", "float32", "float16", "bfloat16")


def attention_kinds() -> list[str]:
    """The attention implementations this transformers accepts (kernels may still need a
    package: flash_attention_2 needs flash-attn)."""
    from transformers.modeling_utils import ALL_ATTENTION_FUNCTIONS

    return sorted({"eager", "sdpa", *ALL_ATTENTION_FUNCTIONS.keys()})


def check(args: dict[str, Any]) -> None:
    """Refuse values from_pretrained would reject, with the accepted ones named."""
    attn = args.get("attn_implementation")
    if attn is not None and attn not in attention_kinds():
        raise HarnessError(f"--backend-arg attn_implementation={attn}: not one transformers "
                           f"knows.{did_you_mean(attn, attention_kinds())} Known: "
                           f"{', '.join(attention_kinds())}.")
    device_map = args.get("device_map")
    if device_map is not None and device_map not in DEVICE_MAPS and \
            not (device_map in ("cpu", "cuda") or device_map.startswith("cuda:")):
        raise HarnessError(f"--backend-arg device_map={device_map}: use auto (across the "
                           f"GPUs the plan asks for), {', '.join(DEVICE_MAPS[1:])}, cpu, "
                           "cuda or cuda:N.")
    dtype = args.get("dtype")
    if dtype is not None and dtype not in DTYPES:
        raise HarnessError(f"--backend-arg dtype={dtype}: use one of {', '.join(DTYPES)}."
                           f"{did_you_mean(dtype, DTYPES)}")


def gpus_to_use(model_name: str | None, device: str, visible: int, gpu_name: str | None,
                device_map: str | None) -> int:
    """GPUs the weights are spread over: the plan's count to hold them on this GPU kind
    (at least 1, at most what is visible), all visible ones for an explicit auto map."""
    if not device.startswith("cuda") or visible <= 1:
        return 1 if device.startswith("cuda") else 0
    if device_map in DEVICE_MAPS:
        return visible
    from harness.config import configs
    from harness.plan.sizing import make_plan

    hw = configs.hardware_name(gpu_name)
    if not (model_name and hw and model_name in configs.model_names()):
        return 1
    return max(1, min(make_plan(model_name, hw).gpus_to_hold_weights, visible))


def load_kwargs(device: str, dtype: Any, args: dict[str, Any], gpus: int) -> dict[str, Any]:
    """from_pretrained's keyword arguments besides revision and trust_remote_code."""
    out: dict[str, Any] = {"dtype": dtype}
    if args.get("attn_implementation"):
        out["attn_implementation"] = args["attn_implementation"]
    device_map = args.get("device_map")
    if gpus > 1:
        out["device_map"] = device_map if device_map in DEVICE_MAPS else "auto"
        # the first `gpus` devices only; the rest stay free (and are not metered)
        out["max_memory"] = {i: _free_bytes(i) for i in range(gpus)}
    else:
        out["device_map"] = device_map or device  # straight onto the device, no host copy
    return out


def _free_bytes(index: int) -> int:
    import torch

    free, _ = torch.cuda.mem_get_info(index)
    return int(free * 0.9)  # room for activations and the KV cache beside the weights

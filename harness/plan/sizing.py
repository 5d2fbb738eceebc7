"""Static analysis of a model on a GPU, without weights: `harness plan`.

The architecture (a model YAML, a config.json, a local model directory or a hub id's config)
is instantiated on the meta device, which allocates nothing, so even DeepSeek-R1 takes a few
seconds. From the parameter tensors and the hardware YAML it derives:

- total and active-per-token parameters: routed experts count k/n of their size (the router
  and shared experts always run);
- weight bytes at the chosen dtype, and KV-cache bytes per token (MLA: the compressed latent
  plus the rope key per layer; otherwise K and V for every KV head), in bf16;
- the fewest GPUs that hold the weights (a lower bound at 100% memory), and the fewest that
  hold weights plus the KV of one sequence of `context` tokens at 90% memory use; a GPU's
  memory is what a real one of its kind reported where the hardware YAML has that
  (`measured.memory_bytes`), else the datasheet's figure;
- bounds: batch-1 decode <= bandwidth / bytes read per token (every matmul weight once; the
  input embedding is a row lookup, so it is not read), prefill <= FLOP/s / (2 x matmul
  parameters per token; the LM head runs only on the last prompt token), and the batch where
  decode stops being bandwidth-bound (FLOP/s x bytes per parameter / (2 x bandwidth) for a
  dense model; later for a mixture of experts, whose bigger batches read more experts: see
  harness.plan.params for the balanced-routing estimate used there and in the workload bound).
Attention FLOPs and KV reads are left out of the bounds: they only lower them at long context.
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from harness.config import configs
from harness.config.checks import did_you_mean
from harness.config.configs import HardwareConfig
from harness.errors import HarnessError
from harness.plan import kv_budget
from harness.plan.params import (
    ParamCounts,
    compute_bound_batch,
    count_parameters,
    kv_bytes_per_token,
    step_bytes,
)

DTYPE_BYTES = {"bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "int4": 0.5, "fp32": 4.0}
YAML_DTYPE = {"bfloat16": "bf16", "float16": "fp16", "float8_e4m3fn": "fp8", "float32": "fp32"}
MEMORY_USE = 0.9


@dataclass(frozen=True)
class Plan:
    """Everything `harness plan` reports; sizes in bytes, rates per second."""

    model: str
    architecture: str
    gpu: str
    dtype: str
    context: int
    params_total: int
    params_active: int
    weight_bytes: float
    kv_bytes_per_token: int
    gpus_to_hold_weights: int
    max_context_tokens: int
    gpus_for_context: int
    decode_bytes_per_token: float
    decode_bound_tokens_per_s: float
    decode_bound_measured_tokens_per_s: float | None
    prefill_bound_tokens_per_s: float
    compute_bound_batch: float
    gpu_memory_bytes: float
    source: str
    memory_basis: str = "datasheet"  # or "measured": a real device's total (memory_of)
    workload_gpus: int = 1  # where the workload runs: gpus_for_context up to a power of two
    workload_concurrency: int | None = None  # sequences of `context` tokens at once there
    workload_bound_tokens_per_s: float | None = None  # output tokens/s at that concurrency
    experts: str | None = None  # routed experts per token, "8 of 256"; None when dense
    workload_experts_share: float | None = None  # of the routed weights, read per step then
    kv_concurrency: int | None = None  # sequences the KV room holds, before a workload's cap
    max_positions: int | None = None  # the architecture's max_position_embeddings


def load_architecture(model: str) -> tuple[str, Any]:
    """(label, transformers config) for a known name, a model YAML, a config.json, a model
    dir or a hub id; a config transformers cannot read, or one without attention, is a
    HarnessError saying which."""
    from transformers import AutoConfig

    known = configs.find_model(model)
    if known is not None:
        arch = dict(known.architecture)
        model_type = arch.pop("model_type", None)
        if not model_type:
            raise HarnessError(f"{known.path}: architecture has no model_type (e.g. qwen2).")
        shipped = Path(known.path).parent.parent == configs.CONFIGS
        label = f"configs/models/{known.name}.yaml" if shipped else known.path
        return _checked(label, lambda: AutoConfig.for_model(model_type, **arch))
    path = Path(model).expanduser()
    if path.is_file() and path.name.endswith(".json"):
        return _checked(str(path), lambda: AutoConfig.from_pretrained(str(path)))
    if path.is_dir() and (path / "config.json").exists():
        return _checked(str(path / "config.json"), lambda: AutoConfig.from_pretrained(str(path)))
    if model.count("/") != 1 or path.exists():
        known = configs.model_names()
        raise HarnessError(
            f"Cannot find an architecture for {model!r}.{did_you_mean(model, known)} It is "
            f"not a known model ({', '.join(known)}), a model YAML, a "
            "config.json, a model directory or a hub id org/name. Pass one of those.")
    try:
        return f"hub {model} config.json", AutoConfig.from_pretrained(model)
    except (OSError, ValueError) as exc:
        same = configs.known_hub_id(model)
        if same is not None:  # offline: the YAML of the same checkpoint
            label, cfg = load_architecture(same)
            return f"{label} (the hub's config of {model} could not be read)", cfg
        raise HarnessError(
            f"Cannot find an architecture for {model!r}: not a known model "
            f"({', '.join(configs.model_names())}), not a config.json or model directory, and "
            f"the hub config could not be read ({exc})."
            f"{did_you_mean(model, configs.model_names())} Pass one of those."
        ) from exc


def _checked(label: str, read: Any) -> tuple[str, Any]:
    """Read a config with transformers, turning its errors into one readable paragraph, and
    refuse architectures the plan cannot size (no attention heads: Mamba and other SSMs)."""
    try:
        cfg = read()
    except Exception as exc:  # noqa: BLE001 - transformers' and huggingface_hub's validators
        reason = " ".join(str(exc).split())[:300]
        raise HarnessError(
            f"{label}: transformers cannot read this model config ({reason}). It must be a "
            "JSON object with a model_type transformers knows (e.g. qwen2, llama, "
            "deepseek_v3); upgrade transformers for a newer architecture.") from exc
    if not getattr(cfg, "num_attention_heads", None) or not getattr(cfg, "num_hidden_layers",
                                                                    None):
        raise HarnessError(
            f"{label}: {getattr(cfg, 'model_type', '?')} has no attention heads or no layer "
            "count; the plan sizes transformer decoders (weights, KV cache per token), not "
            "state-space models such as Mamba.")
    return label, cfg


def default_dtype(model: str) -> str:
    """The dtype a known model ships in (bf16 for anything else)."""
    known = configs.find_model(model)
    if known is None and not Path(model).exists():
        same = configs.known_hub_id(model)  # a known model's hub id: its checkpoint's dtype
        known = configs.get_model(same) if same else None
    if known is not None:
        return YAML_DTYPE.get(known.dtype, "bf16")
    return "bf16"


def make_plan(model: str, gpu: str = "h100-80gb", dtype: str | None = None,
              context: int = 32768, gpus: int | None = None,
              sequences: int | None = None) -> Plan:
    """Plan `model` on GPUs of kind `gpu` (see the module docstring for the arithmetic);
    the workload on `gpus` of them where given (none fits on fewer than hold the weights),
    and of at most `sequences` at once where given (a suite of fewer generations than the
    KV room holds)."""
    dtype = dtype or default_dtype(model)
    if dtype not in DTYPE_BYTES:
        raise HarnessError(f"Unknown dtype {dtype!r}; use one of {', '.join(DTYPE_BYTES)}.")
    hw = configs.get_hardware(gpu)
    label, hf_config, counts = analysed(model)
    per_param = DTYPE_BYTES[dtype]
    weights = counts.total * per_param
    kv = kv_bytes_per_token(hf_config)
    memory, basis = memory_of(hw)
    hold = math.ceil(weights / memory)
    room = max(hold * memory * MEMORY_USE - weights, 0.0)
    # the fewest GPUs (never fewer than hold the weights) whose usable memory takes the
    # weights and the context's KV cache
    for_context = max(hold, math.ceil((weights + kv * context) / (memory * MEMORY_USE)))
    matmul_params = counts.active - (0 if counts.tied else counts.embedding)
    read = matmul_params * per_param  # batch 1: k experts per layer, the least any step reads
    routing, routed = counts.routing, counts.routed * per_param
    dense = read - (routed * routing.per_token / routing.experts if routing else 0.0)
    prefill_params = counts.active - counts.embedding - counts.lm_head
    flops = _flops(hw, dtype)
    measured_bw = hw.measured.bandwidth_bytes_per_s if hw.measured else None
    share: float | None = None
    # the reasoning workload runs where one sequence of `context` tokens fits, on the power
    # of two of GPUs tensor parallelism wants: as many such sequences as that KV room holds
    tp = gpus or 1 << (for_context - 1).bit_length()
    try:
        budget = kv_budget.kv_budget(tp * memory * MEMORY_USE - weights, kv, 0, context)
        held: int | None = budget.concurrency
        concurrency: int | None = min(budget.concurrency, sequences or budget.concurrency)
        share = routing.share(concurrency) if routing else None
        workload: float | None = kv_budget.workload_bound(
            step_bytes(dense, routed, routing, concurrency), kv, concurrency,
            context / 2, tp * hw.bandwidth_bytes_per_s, tp * flops, counts.active)
    except HarnessError:
        concurrency = workload = held = None
    return Plan(
        model=model, architecture=label, gpu=gpu, dtype=dtype, context=context,
        params_total=counts.total, params_active=counts.active, weight_bytes=weights,
        kv_bytes_per_token=kv, gpus_to_hold_weights=hold, max_context_tokens=int(room // kv),
        gpus_for_context=for_context,
        decode_bytes_per_token=read,
        decode_bound_tokens_per_s=hold * hw.bandwidth_bytes_per_s / read,
        decode_bound_measured_tokens_per_s=hold * measured_bw / read if measured_bw else None,
        prefill_bound_tokens_per_s=hold * flops / (2 * prefill_params),
        compute_bound_batch=compute_bound_batch(dense, routed, routing, 2 * matmul_params,
                                                flops, hw.bandwidth_bytes_per_s),
        gpu_memory_bytes=memory, memory_basis=basis, source=hw.source,
        workload_gpus=tp, workload_concurrency=concurrency, workload_bound_tokens_per_s=workload,
        experts=f"{routing.per_token} of {routing.experts}" if routing else None,
        workload_experts_share=share, kv_concurrency=held,
        max_positions=getattr(hf_config, "max_position_embeddings", None),
    )


@functools.lru_cache(maxsize=8)
def analysed(model: str) -> tuple[str, Any, ParamCounts]:
    """Architecture and parameter counts of `model`, once per process (the meta-device
    instantiation of DeepSeek-R1 takes seconds, and a preflight plans it on two GPU kinds)."""
    label, hf_config = load_architecture(model)
    try:
        return label, hf_config, count_parameters(hf_config)
    except Exception as exc:  # noqa: BLE001 - values the config takes but no model can have
        raise HarnessError(
            f"{label}: transformers read this config but cannot build the model it describes "
            f"({type(exc).__name__}: {' '.join(str(exc).split())[:300]}). Check its sizes "
            "(hidden_size, num_hidden_layers, head_dim, vocab_size: positive whole numbers) "
            "and rope settings against the model's config.json.") from exc


def memory_of(hw: HardwareConfig) -> tuple[float, str]:
    """One GPU's memory in bytes and its basis: what a real device of the kind reported
    (measured), else the datasheet's figure, read as decimal gigabytes, which for an HBM
    part understates it (an H100's "80 GB" are 80 GiB, of which the driver reports 85.0e9
    bytes)."""
    if hw.measured and hw.measured.memory_bytes:
        return hw.measured.memory_bytes, "measured"
    return hw.memory_bytes, "datasheet"


def _flops(hw: HardwareConfig, dtype: str) -> float:
    return hw.fp8_flops if dtype == "fp8" and hw.fp8_flops else hw.bf16_flops


def as_dict(plan: Plan) -> dict[str, Any]:
    """The plan as a JSON-ready dict."""
    return asdict(plan)

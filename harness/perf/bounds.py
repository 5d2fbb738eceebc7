"""What the hardware allows: the speed bounds a perf point is compared with.

Decode at batch B reads every matmul weight once per step (the input embedding is a row
lookup, so it is not read unless tied to the LM head; of a mixture of experts' routed
experts, k of n per layer, the least a step can read) and does 2 FLOPs per matmul parameter
per token: tokens/s <= min(B x bandwidth / bytes per step, FLOP/s / (2 x parameters)).
Prefill does 2 FLOPs per matmul parameter per prompt token (the LM head only for the last
token): tokens/s <= FLOP/s / (2 x parameters). KV reads and attention FLOPs are left out,
so the bounds are upper bounds, looser at long context.

Bandwidth is taken both from the datasheet (configs/hardware/) and measured here with a large
device-to-device copy, so a fraction of the bound can be read either way.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Traffic:
    """What one token costs a loaded model: bytes read per decode step, matmul parameters."""

    decode_bytes: int
    decode_params: int
    prefill_params: int


def model_traffic(model: Any) -> Traffic:
    """Bytes and parameters per token of a loaded transformers model. For a mixture of
    experts only k of n routed experts count: the least any step reads, so the bound stays
    a ceiling whatever the routing (harness.plan.params)."""
    from harness.plan.params import is_routed, routing_of

    routing = routing_of(model.config)
    total = total_bytes = routed = routed_bytes = 0
    for name, p in model.named_parameters():  # tied weights once
        total, total_bytes = total + p.numel(), total_bytes + p.numel() * p.element_size()
        if routing and is_routed(name):
            routed, routed_bytes = routed + p.numel(), routed_bytes + p.numel() * p.element_size()
    idle = 1 - routing.per_token / routing.experts if routing else 0.0
    embed = model.get_input_embeddings().weight
    head = model.get_output_embeddings()
    tied = head is None or head.weight is embed
    skip = 0 if tied else embed.numel()
    return Traffic(
        decode_bytes=round(total_bytes - skip * embed.element_size() - routed_bytes * idle),
        decode_params=round(total - skip - routed * idle),
        prefill_params=round(total - embed.numel() - (0 if tied else head.weight.numel())
                             - routed * idle),
    )


def measure_bandwidth(device: str, megabytes: int = 1024, repeats: int = 10) -> float:
    """Bytes/s of a large copy on `device` (each copy reads and writes the buffer once), from
    the fastest of `repeats` copies: a ceiling, which other processes can only lower."""
    import torch

    n = megabytes * 2**20 // 4
    src = torch.empty(n, dtype=torch.float32, device=device).fill_(1.0)
    dst = torch.empty_like(src)
    sync = torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)
    dst.copy_(src)  # warm-up: page in both buffers
    best = float("inf")
    for _ in range(repeats):
        sync()
        t0 = time.perf_counter()
        dst.copy_(src)
        sync()
        best = min(best, time.perf_counter() - t0)
    del src, dst
    return 2 * n * 4 / best


def decode_bound(traffic: Traffic, batch: int, bandwidth: float | None,
                 flops: float | None) -> float | None:
    """Upper bound on decode tokens/s at `batch` (None without a bandwidth figure)."""
    if not bandwidth:
        return None
    bound = batch * bandwidth / traffic.decode_bytes
    if flops:
        bound = min(bound, flops / (2 * traffic.decode_params))
    return bound


def prefill_bound(traffic: Traffic, flops: float | None) -> float | None:
    """Upper bound on prefill tokens/s (None without a FLOP/s figure)."""
    return flops / (2 * traffic.prefill_params) if flops else None


def config_traffic(hf_config: Any, bytes_per_param: float) -> Traffic:
    """Traffic from an architecture alone (meta device): for engines such as vLLM whose
    loaded weights are not transformers modules. Mixture-of-experts models read only the
    active experts per token, which is what batch-1 decode costs."""
    from harness.plan.params import count_parameters

    c = count_parameters(hf_config)
    read = c.active - (0 if c.tied else c.embedding)
    return Traffic(decode_bytes=int(read * bytes_per_param), decode_params=read,
                   prefill_params=c.active - c.embedding - c.lm_head)

"""Parameters of an architecture and what a decode step reads, mixture-of-experts included.

A routed-expert layer sends each token to k of its n experts (the router and any shared
experts always run). One token therefore computes with k/n of the routed weights, but a step
over a batch reads every expert that some token of the batch picked. Two figures follow:

- a strict ceiling on decode speed: a step reads at least the non-routed weights plus k
  experts per layer, whatever the batch (all tokens might pick the same k). Measured points
  are checked against this one (harness.perf.bounds), so no real figure can exceed it.
- an estimate: with routing balanced over the experts (what DeepSeek-V3's bias balancing and
  the load-balancing losses of Mixtral or Qwen-MoE train for) and tokens independent, an
  expert sits idle for a whole batch of B with probability (1 - k/n)^B, so a step reads an
  expected share 1 - (1 - k/n)^B of the routed weights: for DeepSeek-R1 (k/n = 8/256) 3% at
  batch 1, 22% at 8, 98% at 128. `harness plan` uses it for the batch where decode turns
  compute-bound and for a workload's speed. Skewed routing reads less than this.

For a dense model both are the same: nothing is routed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KV_BYTES = 2  # KV cache in bf16, whatever the weights


@dataclass(frozen=True)
class Routing:
    """Routed experts per layer and how many of them each token uses."""

    experts: int
    per_token: int

    def share(self, batch: float) -> float:
        """Expected share of the routed weights one step over `batch` tokens reads, under
        balanced routing (see the module docstring)."""
        return 1.0 - (1.0 - self.per_token / self.experts) ** max(batch, 0.0)


@dataclass(frozen=True)
class ParamCounts:
    """Parameter counts read off a meta-device model."""

    total: int
    active: int  # per token: routed experts count k/n of their size
    embedding: int
    lm_head: int  # 0 when tied to the embedding
    tied: bool
    routed: int = 0  # all routed-expert parameters (0 for a dense model)
    routing: Routing | None = None


def routing_of(hf_config: Any) -> Routing | None:
    """The config's routed experts (DeepSeek, Qwen-MoE, Mixtral, OLMoE and gpt-oss spellings),
    or None for a dense model."""
    n = getattr(hf_config, "n_routed_experts", None) or \
        getattr(hf_config, "num_local_experts", None) or getattr(hf_config, "num_experts", None)
    k = getattr(hf_config, "num_experts_per_tok", None)
    return Routing(int(n), int(k)) if n and k and 0 < k <= n else None


def is_routed(name: str) -> bool:
    """Whether a parameter belongs to the routed experts, by its transformers name:
    `mlp.experts.gate_up_proj` (fused) or `mlp.experts.3.down_proj.weight`; shared experts
    (`shared_experts.`, `shared_expert.`) are not routed."""
    return ".experts." in name


def count_parameters(hf_config: Any) -> ParamCounts:
    """Total and active parameters of the architecture, on the meta device (no memory)."""
    import torch
    from transformers import AutoModelForCausalLM

    # accelerate's init_empty_weights allocates ~30 GB for DeepSeek-V3; the meta device does not.
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(hf_config)
    routing = routing_of(hf_config)
    total = routed = 0
    for name, p in model.named_parameters():
        total += p.numel()
        routed += p.numel() if routing and is_routed(name) else 0
    active = total - round(routed * (1 - routing.per_token / routing.experts)) \
        if routing and routed else total
    embed = model.get_input_embeddings().weight
    head = model.get_output_embeddings()
    tied = head is None or head.weight is embed
    return ParamCounts(total=total, active=active, embedding=embed.numel(),
                       lm_head=0 if tied else head.weight.numel(), tied=tied, routed=routed,
                       routing=routing if routed else None)


def kv_bytes_per_token(hf_config: Any) -> int:
    """KV-cache bytes per token in bf16 (MLA-aware)."""
    layers = hf_config.num_hidden_layers
    if getattr(hf_config, "kv_lora_rank", None):
        return layers * (hf_config.kv_lora_rank + hf_config.qk_rope_head_dim) * KV_BYTES
    head_dim = getattr(hf_config, "head_dim", None) or \
        hf_config.hidden_size // hf_config.num_attention_heads
    kv_heads = getattr(hf_config, "num_key_value_heads", None) or hf_config.num_attention_heads
    return 2 * layers * kv_heads * head_dim * KV_BYTES


def step_bytes(dense_bytes: float, routed_bytes: float, routing: Routing | None,
               batch: float) -> float:
    """Expected weight bytes one decode step over `batch` tokens reads: the non-routed
    weights, plus the balanced-routing share of the routed ones."""
    return dense_bytes + (routed_bytes * routing.share(batch) if routing else 0.0)


def compute_bound_batch(dense_bytes: float, routed_bytes: float, routing: Routing | None,
                        flops_per_token: float, flops: float, bandwidth: float) -> float:
    """The batch where a decode step's FLOPs take as long as its weight reads (expected
    bytes, balanced routing): B x flops_per_token / FLOP/s = step_bytes(B) / bandwidth.
    For a dense model, dense bytes x FLOP/s / (bandwidth x FLOPs per token); for an MoE
    later, since a bigger batch also reads more experts."""
    def gap(b: float) -> float:
        return b * flops_per_token / flops - step_bytes(dense_bytes, routed_bytes, routing,
                                                        b) / bandwidth

    # gap is convex, negative at 0, and >= 0 once B covers every weight's bytes
    lo, hi = 0.0, (dense_bytes + routed_bytes) * flops / (bandwidth * flops_per_token)
    if routing is None:
        return hi
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if gap(mid) < 0 else (lo, mid)
    return hi

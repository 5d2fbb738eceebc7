"""Mixture-of-experts traffic (harness.plan.params): routed parameters found by name in every
transformers spelling, the balanced-routing share a step reads, and the batch where an MoE's
decode turns compute-bound, against values worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from harness.plan import params, sizing
from harness.plan import table as plan_table
from harness.plan.params import Routing

torch = pytest.importorskip("torch")

SMALL = {"hidden_size": 32, "num_hidden_layers": 2, "intermediate_size": 64,
         "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 100}
MOE = {  # four routed-expert spellings; two with shared experts, which always run
    "mixtral": {"num_local_experts": 4, "num_experts_per_tok": 2},
    "qwen2_moe": {"num_experts": 4, "num_experts_per_tok": 2, "moe_intermediate_size": 16,
                  "shared_expert_intermediate_size": 32},
    "deepseek_v3": {"n_routed_experts": 4, "num_experts_per_tok": 2, "moe_intermediate_size": 16,
                    "first_k_dense_replace": 1, "n_group": 1, "topk_group": 1,
                    "q_lora_rank": 16, "kv_lora_rank": 16, "qk_rope_head_dim": 8,
                    "qk_nope_head_dim": 8, "v_head_dim": 8},
    "gpt_oss": {"num_local_experts": 4, "num_experts_per_tok": 2, "head_dim": 8},
}


def _meta_model(model_type: str, **kw: Any) -> tuple[Any, Any]:
    from transformers import AutoConfig, AutoModelForCausalLM

    cfg = AutoConfig.for_model(model_type, **SMALL, **kw)
    with torch.device("meta"):
        return cfg, AutoModelForCausalLM.from_config(cfg)


def test_share_by_hand() -> None:
    r = Routing(experts=256, per_token=8)
    assert r.share(0) == 0.0
    assert r.share(1) == pytest.approx(8 / 256)
    assert r.share(8) == pytest.approx(1 - (248 / 256) ** 8)  # 22.4%
    assert r.share(128) == pytest.approx(0.983, abs=1e-3)
    assert Routing(4, 4).share(1) == 1.0  # every expert runs: dense in effect


@pytest.mark.parametrize("model_type", sorted(MOE))
def test_routed_parameters_are_the_experts_only(model_type: str) -> None:
    cfg, model = _meta_model(model_type, **MOE[model_type])
    counts = params.count_parameters(cfg)
    # by hand: every tensor under an `experts` module (not `shared_expert(s)`), stacked by expert
    routed = sum(p.numel() for n, p in model.named_parameters()
                 if ".mlp.experts." in n and "shared" not in n)
    assert routed > 0 and counts.routed == routed
    assert counts.routing == Routing(4, 2)
    assert counts.active == counts.total - routed // 2
    assert counts.total == sum(p.numel() for p in model.parameters())


def test_a_dense_model_routes_nothing() -> None:
    cfg, _ = _meta_model("llama")
    counts = params.count_parameters(cfg)
    assert (counts.routed, counts.routing, counts.active) == (0, None, counts.total)


def test_dense_compute_bound_batch_is_the_usual_ratio() -> None:
    # 64 GB of bf16 weights, 32e9 matmul parameters: FLOP/s x 2 bytes / (2 x bandwidth)
    b = params.compute_bound_batch(64e9, 0.0, None, 2 * 32e9, 989e12, 3.35e12)
    assert b == pytest.approx(989e12 * 2 / (2 * 3.35e12))


def test_moe_compute_bound_batch_solves_the_crossing() -> None:
    r, dense, routed = Routing(256, 8), 17e9, 654e9  # DeepSeek-R1's shape, fp8
    fpt = 2 * (dense + routed * 8 / 256)
    b = params.compute_bound_batch(dense, routed, r, fpt, 1979e12, 4.8e12)
    assert b * fpt / 1979e12 == pytest.approx(params.step_bytes(dense, routed, r, b) / 4.8e12,
                                              rel=1e-9)
    # almost every expert is read by then, so it sits near the all-weights crossing, far
    # beyond the active-weights one (about 206) a dense formula would give
    everything = (dense + routed) * 1979e12 / (4.8e12 * fpt)
    assert 0.99 * everything < b <= everything
    assert b > 15 * 1979e12 / (2 * 4.8e12)


def test_deepseek_r1_plan_uses_the_moe_crossing() -> None:
    p = sizing.make_plan("deepseek-r1", "h200-141gb")
    assert p.experts == "8 of 256"
    assert 3500 < p.compute_bound_batch < 4000  # not the dense 1979e12 / (2 x 4.8e12) = 206
    assert "balanced routing over 8 of 256 experts" in plan_table.render(p)
    dense = sizing.make_plan("qwq-32b", "h200-141gb")
    assert dense.experts is None and "routing" not in plan_table.render(dense)


def test_moe_workload_bound_reads_the_experts_its_batch_touches(tmp_path: Any) -> None:
    import json

    # Qwen3-30B-A3B's published config.json (hub: Qwen/Qwen3-30B-A3B): 30.5B total, 3.3B active
    arch = {"model_type": "qwen3_moe", "hidden_size": 2048, "num_hidden_layers": 48,
            "num_attention_heads": 32, "num_key_value_heads": 4, "head_dim": 128,
            "intermediate_size": 6144, "moe_intermediate_size": 768, "num_experts": 128,
            "num_experts_per_tok": 8, "vocab_size": 151936, "tie_word_embeddings": False}
    (tmp_path / "config.json").write_text(json.dumps(arch))
    p = sizing.make_plan(str(tmp_path), "h100-80gb", context=8192)
    assert round(p.params_total / 1e9, 1) == 30.5
    assert p.params_active / 1e9 == pytest.approx(3.3, abs=0.06)  # 3.35B with embedding, head
    routed = 48 * 128 * 3 * 2048 * 768 * 2  # bf16 bytes of all routed experts
    c = p.workload_concurrency
    assert c and c > 1
    share = 1 - (1 - 8 / 128) ** c
    assert p.workload_experts_share == pytest.approx(share)
    step = p.decode_bytes_per_token - routed * 8 / 128 + routed * share
    bw, kv = 3.35e12, p.kv_bytes_per_token
    assert p.workload_bound_tokens_per_s == pytest.approx(c * bw / (step + c * 4096 * kv))
    # what counting only the active experts would have claimed: several times faster
    assert p.workload_bound_tokens_per_s < 0.5 * c * bw / (p.decode_bytes_per_token
                                                         + c * 4096 * kv)

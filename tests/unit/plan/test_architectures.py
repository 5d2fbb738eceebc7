"""The architecture in each model YAML is the real one: instantiated on the meta device
(no memory, no download) it has exactly the parameter count the YAML states, which was
counted independently from each model's config.json on the hub. A transcription slip in hidden size,
layers, heads or vocabulary fails here."""

from __future__ import annotations

import pytest

from harness.config import configs


@pytest.mark.parametrize("name", configs.model_names())
def test_architecture_matches_parameter_count(name: str) -> None:
    torch = pytest.importorskip("torch")
    from transformers import AutoConfig, AutoModelForCausalLM

    cfg = configs.get_model(name)
    assert cfg.parameters is not None, f"{cfg.path}: parameters.total is missing"
    arch = {k: v for k, v in cfg.architecture.items() if k != "model_type"}
    hf_config = AutoConfig.for_model(cfg.architecture["model_type"], **arch)
    # accelerate's init_empty_weights allocates ~30 GB for DeepSeek-V3; the meta device does not.
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(hf_config)
    assert sum(p.numel() for p in model.parameters()) == cfg.parameters.total

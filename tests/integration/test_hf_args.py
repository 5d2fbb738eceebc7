"""hf backend arguments reach from_pretrained (tiny-random on CPU; the multi-GPU map is in
tests/gpu)."""

from __future__ import annotations

import pytest

from harness import models
from harness.backends import load_backend

pytest.importorskip("torch")


@pytest.mark.parametrize("attn", ["eager", "sdpa"])
def test_attention_implementation_is_used_and_recorded(attn: str) -> None:
    backend = load_backend("hf", models.resolve("tiny-random"), device="cpu",
                           attn_implementation=attn, dtype="float32")
    try:
        assert backend.model.config._attn_implementation == attn
        desc = backend.describe()
        assert desc["attn_implementation"] == attn and desc["dtype"] == "float32"
    finally:
        backend.close()

"""The hf backend's from_pretrained arguments: checked against transformers, and the device
map over the plan's GPU count."""

from __future__ import annotations

import pytest

from harness.backends import backend_args, hf_load
from harness.errors import HarnessError


def test_known_values_pass_and_typos_are_named() -> None:
    pytest.importorskip("transformers")
    assert {"eager", "sdpa"} <= set(hf_load.attention_kinds())
    hf_load.check({"attn_implementation": "sdpa", "device_map": "auto", "dtype": "bfloat16"})
    with pytest.raises(HarnessError, match="Did you mean 'sdpa'"):
        hf_load.check({"attn_implementation": "spda"})
    with pytest.raises(HarnessError, match="device_map=everywhere"):
        hf_load.check({"device_map": "everywhere"})
    with pytest.raises(HarnessError, match="Did you mean 'bfloat16'"):
        hf_load.check({"dtype": "bfloat61"})


def test_backend_args_check_before_loading() -> None:
    assert backend_args("hf", None, (("dtype", "float16"),)) == {"dtype": "float16"}
    with pytest.raises(HarnessError, match="attn_implementation=flash"):
        backend_args("hf", None, (("attn_implementation", "flash"),))


def test_a_70b_on_two_h100s_is_spread_over_both() -> None:
    pytest.importorskip("torch")
    name = "NVIDIA H100 80GB HBM3"
    assert hf_load.gpus_to_use("r1-distill-llama-70b", "cuda", 2, name, None) == 2
    assert hf_load.gpus_to_use("r1-distill-llama-70b", "cuda", 8, name, None) == 2
    assert hf_load.gpus_to_use("qwq-32b", "cuda", 8, name, None) == 1
    assert hf_load.gpus_to_use("qwq-32b", "cuda", 4, name, "auto") == 4  # asked for
    assert hf_load.gpus_to_use("qwq-32b", "cpu", 0, None, None) == 0


def test_load_kwargs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hf_load, "_free_bytes", lambda i: 70 << 30)
    one = hf_load.load_kwargs("cuda", "bf16", {"attn_implementation": "sdpa"}, 1)
    assert one == {"dtype": "bf16", "attn_implementation": "sdpa", "device_map": "cuda"}
    two = hf_load.load_kwargs("cuda", "bf16", {}, 2)
    assert two["device_map"] == "auto" and set(two["max_memory"]) == {0, 1}

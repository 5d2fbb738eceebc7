"""The perf sweep: bounds arithmetic, OOM handling, random-weight builds, headline fields."""

from __future__ import annotations

from typing import Any

import pytest

from harness.config.configs import PerfSettings
from harness.perf import bounds, sweep, timing

torch = pytest.importorskip("torch")


def test_decode_and_prefill_bounds_by_hand() -> None:
    t = bounds.Traffic(decode_bytes=64_000_000_000, decode_params=32_000_000_000,
                       prefill_params=31_000_000_000)
    assert bounds.decode_bound(t, 1, 3.2e12, 1e15) == pytest.approx(50.0)
    # at batch 1000 the compute ceiling (1e15 / 64e9 = 15,625 tok/s) takes over
    assert bounds.decode_bound(t, 1000, 3.2e12, 1e15) == pytest.approx(1e15 / 64e9)
    assert bounds.decode_bound(t, 1, None, 1e15) is None
    assert bounds.prefill_bound(t, 989e12) == pytest.approx(989e12 / 62e9)
    assert bounds.prefill_bound(t, None) is None


def test_model_traffic_of_a_mixture_of_experts_counts_k_of_n_experts() -> None:
    from transformers import AutoConfig, AutoModelForCausalLM

    cfg = AutoConfig.for_model("mixtral", hidden_size=64, num_hidden_layers=2,
                               intermediate_size=128, num_attention_heads=4,
                               num_key_value_heads=2, vocab_size=1000, num_local_experts=8,
                               num_experts_per_tok=2, tie_word_embeddings=False)
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(cfg)
    total = sum(p.numel() for p in model.parameters())
    routed = 2 * 8 * 3 * 64 * 128  # layers x experts x (gate, up, down) x hidden x ffn
    t = bounds.model_traffic(model)
    # the least a step reads whatever the routing: 2 of 8 experts, embedding lookup excluded;
    # so a real point can never exceed the bound (a total-weights count could be exceeded)
    assert t.decode_params == total - 1000 * 64 - routed * 6 // 8
    assert t.decode_bytes == 4 * t.decode_params
    assert t.prefill_params == total - 2 * 1000 * 64 - routed * 6 // 8
    # the architecture-only count (the vLLM path) agrees with the loaded model's
    assert bounds.config_traffic(cfg, 4) == t


def test_model_traffic_tied_and_untied() -> None:
    from transformers import AutoConfig, AutoModelForCausalLM

    base = {"hidden_size": 64, "num_hidden_layers": 1, "intermediate_size": 128,
            "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 1000}
    for tied in (True, False):
        cfg = AutoConfig.for_model("llama", tie_word_embeddings=tied, **base)
        with torch.device("meta"):
            model = AutoModelForCausalLM.from_config(cfg)
        total = sum(p.numel() for p in model.parameters())
        t = bounds.model_traffic(model)
        embed = 1000 * 64
        assert t.decode_params == (total if tied else total - embed)
        assert t.decode_bytes == 4 * t.decode_params
        assert t.prefill_params == total - embed - (0 if tied else embed)


def test_measured_bandwidth_is_plausible() -> None:
    bw = bounds.measure_bandwidth("cpu", megabytes=64, repeats=3)
    assert 1e8 < bw < 1e13


def tiny_model() -> tuple[Any, Any]:
    from transformers import AutoConfig, AutoModelForCausalLM

    cfg = AutoConfig.for_model("qwen2", hidden_size=32, num_hidden_layers=1,
                               intermediate_size=64, num_attention_heads=2,
                               num_key_value_heads=1, vocab_size=300,
                               max_position_embeddings=256, eos_token_id=0)
    torch.manual_seed(0)
    return AutoModelForCausalLM.from_config(cfg).eval(), None


SMALL = PerfSettings(prefill_lengths=(16, 512), decode_batch_sizes=(1, 4),
                     decode_prompt_tokens=8, new_tokens=4, repeats=2, warmup=1)


def test_sweep_records_oom_and_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    model, tok = tiny_model()
    real = model.generate

    def generate(*args: Any, **kwargs: Any) -> Any:
        if kwargs["input_ids"].shape[0] == 4:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")
        return real(*args, **kwargs)

    monkeypatch.setattr(model, "generate", generate)
    out = sweep.run_sweep(model, tok, SMALL, "cpu", None)
    status = [(p["kind"], p["prompt_tokens"], p["batch_size"], p["status"])
              for p in out["points"]]
    assert status == [("prefill", 16, 1, "ok"), ("prefill", 512, 1, "skipped"),
                      ("decode", 8, 1, "ok"), ("decode", 8, 4, "oom")]
    oom = out["points"][3]
    assert "out of memory" in oom["reason"]
    ok = out["points"][2]
    assert ok["decode_tokens_per_s"] > 0 and ok["bound_measured_bw_tokens_per_s"] > 0
    assert 0 < ok["fraction_of_bound_measured_bw"] < 1.5
    assert ok["bound_tokens_per_s"] is None  # no datasheet figures for a CPU
    assert ok["kv_cache_bytes"] == 2 * 1 * 1 * 16 * 4 * 1 * (8 + 4)
    assert out["decode_tokens_per_s"] == ok["decode_tokens_per_s"]
    assert out["sweep"] == [{"batch_size": 1, "decode_tokens_per_s": ok["decode_tokens_per_s"]}]
    assert out["idle_power_w"] is None and out["device_peak_bytes"] is None


def test_a_prefill_of_the_whole_context_fits_a_decode_past_it_does_not() -> None:
    # tiny_model has 256 positions: a forward pass over 256 prompt tokens uses all of them,
    # while a decode of 4 tokens after 256 would need 260.
    model, tok = tiny_model()
    settings = PerfSettings(prefill_lengths=(256, 257), decode_batch_sizes=(1,),
                            decode_prompt_tokens=256, new_tokens=4, repeats=1, warmup=0)
    out = sweep.run_sweep(model, tok, settings, "cpu", None)
    status = [(p["kind"], p["prompt_tokens"], p["status"], p.get("reason"))
              for p in out["points"]]
    assert status == [("prefill", 256, "ok", None),
                      ("prefill", 257, "skipped", "257 tokens exceed the model's 256 positions"),
                      ("decode", 256, "skipped", "260 tokens exceed the model's 256 positions")]


def test_other_errors_mark_the_variant_and_the_sweep_goes_on(
        monkeypatch: pytest.MonkeyPatch) -> None:
    model, tok = tiny_model()
    real = timing.variant_kwargs

    def broken(name: str, device: str) -> dict[str, Any]:
        return {"no_such_generate_argument": 1} if name == "static-cache" else real(name, device)

    monkeypatch.setattr(timing, "variant_kwargs", broken)
    settings = PerfSettings(prefill_lengths=(16,), decode_batch_sizes=(1,),
                            decode_prompt_tokens=8, new_tokens=4, repeats=1, warmup=0,
                            variants=("static-cache", "eager"))
    out = sweep.run_sweep(model, tok, settings, "cpu", None)
    by_variant = {(p["variant"], p["kind"]): p["status"] for p in out["points"]}
    # prefill is a forward pass, which takes no generate() arguments: only decode fails
    assert by_variant == {("static-cache", "prefill"): "ok",
                          ("static-cache", "decode"): "error",
                          ("eager", "prefill"): "ok", ("eager", "decode"): "ok"}
    assert out["variant"] == "eager"


def test_static_cache_variant_runs_on_cpu() -> None:
    model, tok = tiny_model()
    settings = PerfSettings(prefill_lengths=(16,), decode_batch_sizes=(2,),
                            decode_prompt_tokens=8, new_tokens=4, repeats=1, warmup=1,
                            variants=("static-cache",))
    out = sweep.run_sweep(model, tok, settings, "cpu", None)
    assert all(p["status"] == "ok" for p in out["points"])


def test_static_cache_is_sized_for_each_point(monkeypatch: pytest.MonkeyPatch) -> None:
    """transformers keeps a static cache at the longest length asked before; the decode
    points after a long prefill must not carry (and attend over) the prefill's length."""
    import transformers.cache_utils as cache_utils

    lengths: list[int] = []
    real_init = cache_utils.StaticCache.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        lengths.append(kwargs["max_cache_len"])
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(cache_utils.StaticCache, "__init__", init)
    model, tok = tiny_model()
    settings = PerfSettings(prefill_lengths=(200,), decode_batch_sizes=(1,),
                            decode_prompt_tokens=8, new_tokens=4, repeats=1, warmup=1,
                            variants=("static-cache",))
    out = sweep.run_sweep(model, tok, settings, "cpu", None)
    assert [p["status"] for p in out["points"]] == ["ok", "ok"]
    # prefill is a forward pass (no generate(), no static cache); decode: the warm-up and the
    # timed call, both at prompt + the point's output, not the 200-token prefill's length
    assert lengths == [12, 12]


def test_headline_is_the_variant_with_the_fastest_batch_1_decode() -> None:
    def pt(variant: str, kind: str, batch: int, rate: float, status: str = "ok") -> dict:
        key = "decode_tokens_per_s" if kind == "decode" else "prefill_tokens_per_s"
        return {"variant": variant, "kind": kind, "batch_size": batch, "status": status,
                "prompt_tokens": 512, key: rate, "joules_per_token": rate / 10}

    points = [pt("eager", "prefill", 1, 900.0), pt("eager", "decode", 1, 30.0),
              pt("eager", "decode", 4, 110.0), pt("static-cache+compile", "prefill", 1, 950.0),
              pt("static-cache+compile", "decode", 1, 42.0),
              pt("static-cache+compile", "decode", 4, 0.0, status="oom")]
    h = sweep.headline(points)
    assert h["variant"] == "static-cache+compile" and h["decode_tokens_per_s"] == 42.0
    assert h["decode_joules_per_token"] == pytest.approx(4.2)
    assert h["prefill_tokens_per_s"] == 950.0
    assert h["sweep"] == [{"batch_size": 1, "decode_tokens_per_s": 42.0}]
    assert sweep.headline(points[:1])["variant"] == "eager"  # prefill only
    assert sweep.headline([])["variant"] is None


def test_is_oom() -> None:
    assert timing.is_oom(torch.OutOfMemoryError("x"))
    assert timing.is_oom(RuntimeError("DefaultCPUAllocator: can't allocate memory: 1 TB"))
    assert not timing.is_oom(RuntimeError("shape mismatch"))


def test_random_weight_build_matches_the_config_count() -> None:
    from harness import models
    from harness.backends.hf import HFBackend

    resolved = models.resolve("smollm2-135m", weights="random")
    assert resolved.weights == "random" and resolved.path == ""
    backend = HFBackend(resolved, device="cpu")
    assert backend.tokenizer is None
    assert backend.parameter_count() == resolved.config.parameters.total == 134_515_008
    backend.close()


def test_joules_per_token_divides_by_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    """A mocked energy counter that reads 120 J over every window: prefill J/token is per
    prompt token of the timed runs, decode per output token, never per run."""
    from harness.results.parts import EnergyWindow

    class Meter:
        def __init__(self, devices: Any, unavailable: Any = None) -> None:
            self.result = self

        def __enter__(self) -> Meter:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        joules = 120.0

        def to_json(self) -> dict[str, Any]:
            return {"joules": self.joules, "seconds": 1.0}

        def to_record(self) -> EnergyWindow:
            return EnergyWindow(joules=self.joules, seconds=1.0)

    monkeypatch.setattr(sweep, "EnergyMeter", Meter)
    model, tok = tiny_model()
    settings = PerfSettings(prefill_lengths=(16,), decode_batch_sizes=(2,),
                            decode_prompt_tokens=8, new_tokens=5, repeats=3, warmup=0,
                            variants=("eager",))
    prefill, decode = sweep.run_sweep(model, tok, settings, "cpu", None)["points"]
    assert prefill["joules_per_token"] == pytest.approx(120.0 / (16 * 1 * 3))
    assert decode["joules_per_token"] == pytest.approx(120.0 / (5 * 2 * 3))

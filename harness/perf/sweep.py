"""The perf sweep of a bench: every scenario of the suite, for every variant, with its bound.

Each point records its timings (harness.perf.timing), the bound the hardware allows at that point
and the fraction achieved (harness.perf.bounds), the peak memory the allocator saw, the KV cache
it held (computed from the architecture), and the GPU energy spent (joules per generated
token). Device-level peak memory and idle power come from NVML around the whole sweep.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.config import configs
from harness.config.configs import HardwareConfig, PerfSettings
from harness.perf import bounds, timing
from harness.perf.energy import EnergyMeter
from harness.perf.monitor import NvmlSampler, idle_power_w
from harness.plan import params
from harness.results import perf_points
from harness.results.perf_points import PerfPoint

OnPoint = Callable[[dict[str, Any]], None]  # sees each perf point as it is finished


@dataclass(frozen=True)
class Target:
    """What the sweep needs from an engine: a runner per variant (an object with the
    `timed`, `device` and `generated` of perf.Runner) and what bounds the model's speed."""

    make_runner: Callable[[str], Any]
    traffic: bounds.Traffic
    kv_bytes_per_token: int
    max_positions: int | None
    gpus: int = 1  # the bounds scale with the GPUs one replica spans (tensor/pipeline)
    variants: tuple[str, ...] | None = None  # None: the suite's variants
    bandwidth_measured: float | None = None  # measured before the engine took the memory
    fp8: bool = False  # FP8 weights run on the FP8 tensor cores: that FLOP/s is the ceiling


def limits(device: str, hw: HardwareConfig | None, gpus: int = 1,
           measured: float | None = None, fp8: bool = False) -> dict[str, Any]:
    """The ceilings points are compared with: datasheet (if on file) and measured bandwidth,
    for `gpus` devices together."""
    measured_bw = measured or bounds.measure_bandwidth(
        device, megabytes=1024 if device != "cpu" else 256)
    return {
        "gpus": gpus,
        "bandwidth_measured_bytes_per_s": measured_bw * gpus,
        "bandwidth_method": "device-to-device copy of a large buffer, read + write bytes",
        "bandwidth_datasheet_bytes_per_s": hw.bandwidth_bytes_per_s * gpus if hw else None,
        "flops_datasheet": ((hw.fp8_flops if fp8 and hw.fp8_flops else hw.bf16_flops) * gpus
                            if hw else None),
        "hardware": hw.name if hw else None,
        "source": hw.source if hw else "no datasheet figures for this device: bandwidth "
                                        "bound measured here, no FLOP/s bound"
                                        + ("" if device == "cpu" else " (a YAML under "
                                           "configs/hardware/ whose device_names lists this "
                                           "GPU's name adds them)"),
    }


def _annotate(p: dict[str, Any], traffic: bounds.Traffic, lim: dict[str, Any],
              kv_per_token: int, device: str) -> None:
    if p.get("status") != "ok":
        return
    flops = lim["flops_datasheet"]
    if p["kind"] == "decode":
        measured, achieved = lim["bandwidth_measured_bytes_per_s"], p["decode_tokens_per_s"]
        p["bound_tokens_per_s"] = bounds.decode_bound(
            traffic, p["batch_size"], lim["bandwidth_datasheet_bytes_per_s"], flops)
        p["bound_measured_bw_tokens_per_s"] = bounds.decode_bound(
            traffic, p["batch_size"], measured, flops)
    else:
        achieved = p["prefill_tokens_per_s"]
        p["bound_tokens_per_s"] = bounds.prefill_bound(traffic, flops)
        p["bound_measured_bw_tokens_per_s"] = None
    for key in ("bound_tokens_per_s", "bound_measured_bw_tokens_per_s"):
        frac_key = key.replace("bound", "fraction_of_bound").replace("_tokens_per_s", "")
        p[frac_key] = achieved / p[key] if p[key] and achieved else None
    perf_points.check(p)
    p["kv_cache_bytes"] = kv_per_token * p["batch_size"] * (p["prompt_tokens"] + p["new_tokens"])
    if device.startswith("cuda"):
        import torch

        p["peak_allocated_bytes"] = torch.cuda.max_memory_allocated()
        p["peak_reserved_bytes"] = torch.cuda.max_memory_reserved()


def run_sweep(model: Any, tokenizer: Any, settings: PerfSettings, device: str,
              hw_name: str | None,
              on_point: OnPoint | None = None) -> dict[str, Any]:
    """The sweep of a loaded transformers model (see sweep_target)."""
    from harness.perf.graph_loop import VARIANT, GraphLoopRunner

    def make_runner(variant: str) -> Any:
        if variant == VARIANT:
            return GraphLoopRunner(model, tokenizer, device)
        return timing.Runner(model, tokenizer, device, variant)

    elem = next(model.parameters()).element_size()
    target = Target(
        make_runner=make_runner,
        traffic=bounds.model_traffic(model),
        kv_bytes_per_token=params.kv_bytes_per_token(model.config) // params.KV_BYTES * elem,
        max_positions=getattr(model.config, "max_position_embeddings", None))
    return sweep_target(target, settings, device, hw_name, on_point)


def sweep_target(target: Target, settings: PerfSettings, device: str, hw_name: str | None,
                 on_point: OnPoint | None = None) -> dict[str, Any]:
    """Run every perf point of `settings`; an OOM or a failing variant is recorded, not fatal.
    `on_point` sees each point as it is finished (an interrupted sweep keeps those)."""
    hw = configs.get_hardware(hw_name) if hw_name else None
    devices = list(range(target.gpus)) if device.startswith("cuda") else []
    traffic, kv_per_token, max_pos = target.traffic, target.kv_bytes_per_token, \
        target.max_positions
    out: dict[str, Any] = {
        "idle_power_w": idle_power_w(devices),
        "limits": limits(device, hw, target.gpus, target.bandwidth_measured, target.fp8),
        "traffic": vars(traffic), "points": []}

    def add(point: dict[str, Any]) -> None:
        out["points"].append(point)
        if on_point is not None:
            on_point(point)

    scenarios = [("prefill", n, 1) for n in settings.prefill_lengths] + \
        [("decode", settings.decode_prompt_tokens, b) for b in settings.decode_batch_sizes]
    with NvmlSampler(devices) as sampler:
        for variant in target.variants or settings.variants:
            runner = target.make_runner(variant)
            failed: str | None = None
            for kind, prompt, batch in scenarios:
                timing.free_memory(device)
                if failed:
                    add({"variant": variant, "kind": kind, "status": "error",
                         "prompt_tokens": prompt, "batch_size": batch, "reason": failed})
                    continue
                meter = EnergyMeter(devices)
                try:
                    p = timing.point(runner, kind, prompt, batch, settings, max_pos, meter)
                except Exception as exc:  # a variant that cannot run here (e.g. no compiler)
                    failed = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
                    p = {"kind": kind, "prompt_tokens": prompt, "batch_size": batch,
                         "status": "error", "reason": failed}
                p["variant"] = variant
                if p["status"] == "ok":
                    joules = meter.result.joules
                    p["energy"] = meter.result.to_json()
                    p["joules_per_token"] = joules / timing.window_tokens(p) \
                        if joules is not None else None
                _annotate(p, traffic, out["limits"], kv_per_token, device)
                add(p)
    timing.free_memory(device)
    out["device_peak_bytes"] = sampler.peak_bytes
    out["device_peak_reason"] = sampler.reason
    out.update(headline(out["points"]))
    out["method"] = timing.__doc__.split("\n\n")[1].replace("\n", " ") if timing.__doc__ else ""
    if device == "cpu":
        import torch

        out["threads"] = torch.get_num_threads()
    return out


def headline(points: list[dict[str, Any]]) -> dict[str, Any]:
    """The headline fields of run.json's perf from point dicts (see results' Headline)."""
    return perf_points.headline([PerfPoint.from_json(p) for p in points]).to_json()

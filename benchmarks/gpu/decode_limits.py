"""Where the time of a batch-1 decode step goes, to explain a shortfall from the bandwidth
bound (issue #3). On a GPU, from the repository root:

    python benchmarks/gpu/decode_limits.py --model qwq-32b --out limits.json

All at batch 1 after a 512-token prompt, random weights built on the device:
- bound: bytes read per step / the measured copy bandwidth (as harness.perf.bounds computes it);
- matmul floor: every linear layer of the model, with its own weights, back to back in one
  CUDA graph (no launch gaps, no attention, no host code): what the matrix-vector kernels
  alone need per token, and the bandwidth they reach; the same loop without the graph shows
  what launching ~450 kernels from Python costs;
- generate: the harness's fastest variant (static cache + torch.compile): wall time per
  step, and the GPU's kernel time per step from torch.profiler. Wall minus kernel time is
  time the GPU waited on the host (generate's Python between steps).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from harness import models, perf  # noqa: E402
from harness.backends.hf import HFBackend  # noqa: E402
from harness.perf import bounds


def matmul_floor(model: Any, device: str, replays: int = 20) -> dict[str, float]:
    """Seconds per token of all linear layers run back to back, with and without a graph."""
    import torch
    import torch.nn.functional as F

    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    dtype = linears[0].weight.dtype
    xs = {m.in_features: torch.randn(1, m.in_features, device=device, dtype=dtype)
          for m in linears}
    nbytes = sum(p.numel() * p.element_size() for m in linears for p in m.parameters())

    def step() -> None:
        for m in linears:
            F.linear(xs[m.in_features], m.weight, m.bias)

    sync = perf.sync_for(device)
    with torch.inference_mode():
        for _ in range(3):
            step()
        sync()
        t0 = time.perf_counter()
        for _ in range(replays):
            step()
        sync()
        loop_s = (time.perf_counter() - t0) / replays
        out = {"linear_layers": len(linears), "linear_bytes": nbytes, "python_loop_s": loop_s}
        if device.startswith("cuda"):
            side = torch.cuda.Stream()
            side.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(side):  # warm-up off the default stream before capture
                step()
            torch.cuda.current_stream().wait_stream(side)
            graph = torch.cuda.CUDAGraph()
            with torch.cuda.graph(graph):
                step()
            for _ in range(3):
                graph.replay()
            sync()
            t0 = time.perf_counter()
            for _ in range(replays):
                graph.replay()
            sync()
            out["graph_s"] = (time.perf_counter() - t0) / replays
            out["graph_bandwidth_bytes_per_s"] = nbytes / out["graph_s"]
    return out


def kernel_seconds(run: Any) -> tuple[float, dict[str, float], list[tuple[str, float]]]:
    """Wall seconds of `run()`, GPU seconds by kind, and the top kernels by time.

    Only events on the device that are kernels or copies count as GPU time: a CPU op and an
    annotation range (torch.compile's "## Call CompiledFxGraph ##") carry the device time of
    the kernels under them too, so summing every event counts each kernel twice. The compiled
    graph's range is reported on its own: its GPU span per call."""
    from torch.autograd import DeviceType
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        wall = run()
    kernels: list[tuple[str, float]] = []
    compiled = 0.0
    for e in prof.key_averages():
        seconds = e.self_device_time_total / 1e6
        if e.key.startswith("## Call CompiledFxGraph"):
            compiled += seconds
        elif e.device_type == DeviceType.CUDA and not e.is_user_annotation \
                and not e.key.startswith(("## ", "Activity Buffer", "Buffer Flush")):
            kernels.append((e.key[:90], seconds))
    gemv = sum(s for k, s in kernels if k.startswith("nvjet") or "gemv" in k or "gemm" in k)
    kinds = {"kernels": sum(s for _, s in kernels), "matmul_kernels": gemv,
             "compiled_graph_span": compiled}
    return wall, kinds, sorted(kernels, key=lambda kv: -kv[1])[:12]


def generate_split(backend: HFBackend, new: int, warmup: int) -> dict[str, Any]:
    """Per-step wall time and GPU kernel time of the static-cache+compile generate()."""
    runner = perf.Runner(backend.model, backend.tokenizer, backend.device,
                         "static-cache+compile")
    sync = perf.sync_for(backend.device)
    runner.begin_point(512, new)
    t0 = time.perf_counter()
    for _ in range(warmup):  # compilation and CUDA-graph capture happen here
        runner.timed(512, 1, new, sync)
    out: dict[str, Any] = {"warmup_s": time.perf_counter() - t0, "new_tokens": new}
    # TPOT within single calls: per-token stamps, as the harness's decode point takes them
    out["tpot_wall_s"] = sorted(runner.stamped(512, 1, new, sync).decode / (new - 1)
                                for _ in range(3))[1]
    try:
        # the prompt's prefill is in both runs; the difference is new - 1 decode steps
        w1, k1, _ = kernel_seconds(lambda: runner.timed(512, 1, 1, sync))
        wn, kn, top = kernel_seconds(lambda: runner.timed(512, 1, new, sync))
        steps = new - 1
        out["profiled"] = {"tpot_wall_s": (wn - w1) / steps,
                           **{f"{k}_s_per_step": (kn[k] - k1[k]) / steps for k in kn},
                           "top_kernels_s_per_step": [(k, s / steps) for k, s in top]}
    except Exception as exc:  # the profiler's CUDA tracing is optional to this report
        out["profiled"] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="qwq-32b")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--new-tokens", type=int, default=64)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    backend = HFBackend(models.resolve(args.model, weights="random"), device=args.device)
    traffic = bounds.model_traffic(backend.model)
    bw = bounds.measure_bandwidth(backend.device)
    report: dict[str, Any] = {
        "model": args.model, "device": backend.device, "dtype": backend.dtype,
        "decode_bytes": traffic.decode_bytes, "bandwidth_measured_bytes_per_s": bw,
        "bound_tpot_s": traffic.decode_bytes / bw}
    report["matmul_floor"] = matmul_floor(backend.model, backend.device)
    report["generate"] = generate_split(backend, args.new_tokens, args.warmup)
    text = json.dumps(report, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()

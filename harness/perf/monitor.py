"""Peak memory (process, torch allocator, whole device) and board power; energy windows are
in harness.perf.energy. The NVML module is passed in, so tests replace it with a mock.
"""

from __future__ import annotations

import resource
import sys
import threading
import time
from types import ModuleType
from typing import Any

from harness.perf.energy import load_nvml, nvml_handles


def peak_rss_bytes() -> int:
    """Peak resident set size of this process so far."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # Linux reports KiB


def memory_snapshot(device: str, engine: Any = None) -> dict[str, Any]:
    """Peak memory so far: process RSS always, torch allocator peaks on CUDA. An engine whose
    model lives in processes of its own (vLLM's) has a `memory_snapshot()` that says it."""
    own = getattr(engine, "memory_snapshot", None)
    if own is not None:
        return own()
    snap: dict[str, Any] = {"peak_rss_bytes": peak_rss_bytes(),
                            "peak_allocated_bytes": None, "peak_reserved_bytes": None}
    if device.startswith("cuda"):
        import torch

        snap["peak_allocated_bytes"] = torch.cuda.max_memory_allocated()
        snap["peak_reserved_bytes"] = torch.cuda.max_memory_reserved()
    return snap


class NvmlSampler:
    """Device-level peak memory and mean power, sampled by a background thread.

    torch only sees its own allocator; NVML sees everything on the device (CUDA context,
    cuBLAS workspaces, other processes), which is what decides whether a model fits.
    """

    def __init__(self, devices: list[int], nvml: ModuleType | None = None,
                 interval_s: float = 0.05) -> None:
        self.devices, self.interval = devices, interval_s
        self.nvml = nvml if nvml is not None else (load_nvml() if devices else None)
        self.peak_bytes: int | None = None
        self.power_w: list[float] = []
        self.reason: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> None:
        used = sum(self.nvml.nvmlDeviceGetMemoryInfo(h).used for h in self._handles)
        self.peak_bytes = max(self.peak_bytes or 0, used)
        self.power_w.append(sum(self.nvml.nvmlDeviceGetPowerUsage(h) for h in self._handles)
                            / 1000.0)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self._sample()
            except Exception as exc:  # NVML raises its own error types
                self.reason = f"NVML sampling failed: {exc}"
                return

    def __enter__(self) -> NvmlSampler:
        if not self.devices or self.nvml is None:
            self.reason = "no GPU in use" if not self.devices else "NVML unavailable"
            return self
        try:
            self.nvml.nvmlInit()
            self._handles = nvml_handles(self.nvml, self.devices)
            self._sample()
        except Exception as exc:
            self.reason = f"NVML unreadable: {exc}"
            return self
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def mean_power_w(self) -> float | None:
        """Mean of the sampled board power readings, if any."""
        return sum(self.power_w) / len(self.power_w) if self.power_w else None


def idle_power_w(devices: list[int], nvml: ModuleType | None = None,
                 seconds: float = 1.0) -> float | None:
    """Mean board power of the GPUs over `seconds` with nothing queued (None without NVML)."""
    if not devices:
        return None
    with NvmlSampler(devices, nvml=nvml, interval_s=0.1) as sampler:
        time.sleep(seconds)
    return sampler.mean_power_w()

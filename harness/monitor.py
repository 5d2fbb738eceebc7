"""Peak memory and energy over a window of work.

Energy is a begin/end difference of NVML's cumulative energy counter (millijoules since the
driver loaded) on every GPU the run uses: unlike the averaged power reading it cannot miss
short bursts. Without an NVIDIA GPU, or without NVML, energy is None with the reason.
The NVML module is passed in, so tests replace it with a mock.
"""

from __future__ import annotations

import resource
import sys
import time
from dataclasses import dataclass
from types import ModuleType
from typing import Any


@dataclass
class EnergyWindow:
    """Joules spent by the GPUs between start() and stop(), or a reason why unknown."""

    joules: float | None = None
    seconds: float = 0.0
    reason: str | None = None
    per_device_j: list[float] | None = None

    def to_json(self) -> dict[str, Any]:
        """The run.json form: {"joules", "seconds", "mean_power_w", "per_device_j", "reason"}."""
        power = self.joules / self.seconds if self.joules is not None and self.seconds else None
        return {"joules": self.joules, "seconds": self.seconds, "mean_power_w": power,
                "per_device_j": self.per_device_j, "reason": self.reason,
                "method": "NVML nvmlDeviceGetTotalEnergyConsumption, end minus start"
                if self.joules is not None else None}


def _load_nvml() -> ModuleType | None:
    try:
        import pynvml  # provided by nvidia-ml-py
    except ImportError:
        return None
    return pynvml


class EnergyMeter:
    """Measure GPU energy over a window: `with EnergyMeter(devices) as m: ...; m.result`."""

    def __init__(self, devices: list[int], nvml: ModuleType | None = None) -> None:
        self.devices = devices
        self.nvml = nvml if nvml is not None else (_load_nvml() if devices else None)
        self.result = EnergyWindow()
        self._start: list[int] = []
        self._t0 = 0.0

    def __enter__(self) -> EnergyMeter:
        self._t0 = time.perf_counter()
        if not self.devices:
            self.result.reason = "no GPU in use: CPU energy is not measured"
            return self
        if self.nvml is None:
            self.result.reason = "NVML unavailable: install nvidia-ml-py to measure GPU energy"
            return self
        try:
            self.nvml.nvmlInit()
            self._handles = [self.nvml.nvmlDeviceGetHandleByIndex(i) for i in self.devices]
            self._start = [self.nvml.nvmlDeviceGetTotalEnergyConsumption(h) for h in self._handles]
        except Exception as exc:  # NVML raises its own error types per call
            self.result.reason = f"NVML energy counter unreadable: {exc}"
            self._start = []
        return self

    def __exit__(self, *exc: object) -> None:
        self.result.seconds = time.perf_counter() - self._t0
        if not self._start:
            return
        try:
            end = [self.nvml.nvmlDeviceGetTotalEnergyConsumption(h) for h in self._handles]
        except Exception as err:
            self.result.reason = f"NVML energy counter unreadable at the end: {err}"
            return
        deltas = [(e - s) / 1000.0 for s, e in zip(self._start, end, strict=True)]
        if any(d < 0 for d in deltas):
            self.result.reason = "NVML energy counter went backwards (driver reload?)"
            return
        self.result.joules = sum(deltas)
        self.result.per_device_j = deltas


def peak_rss_bytes() -> int:
    """Peak resident set size of this process so far."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # Linux reports KiB


def memory_snapshot(device: str) -> dict[str, Any]:
    """Peak memory so far: process RSS always, torch allocator peaks on CUDA."""
    snap: dict[str, Any] = {"peak_rss_bytes": peak_rss_bytes(),
                            "peak_allocated_bytes": None, "peak_reserved_bytes": None}
    if device.startswith("cuda"):
        import torch

        snap["peak_allocated_bytes"] = torch.cuda.max_memory_allocated()
        snap["peak_reserved_bytes"] = torch.cuda.max_memory_reserved()
    return snap

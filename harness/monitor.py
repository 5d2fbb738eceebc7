"""Peak memory and energy over a window of work.

Energy is a begin/end difference of NVML's cumulative energy counter (millijoules since the
driver loaded) on every GPU the run uses: unlike the averaged power reading it cannot miss
short bursts. Without an NVIDIA GPU, or without NVML, energy is None with the reason.
The NVML module is passed in, so tests replace it with a mock.
"""

from __future__ import annotations

import resource
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any


@dataclass
class EnergyWindow:
    """Joules spent by the GPUs between start() and stop(), or a reason why unknown."""

    joules: float | None = None
    seconds: float = 0.0
    reason: str | None = None
    per_device_j: list[float] | None = None
    method: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The run.json form: joules, seconds, mean_power_w, per_device_j, reason, method."""
        power = self.joules / self.seconds if self.joules is not None and self.seconds else None
        return {"joules": self.joules, "seconds": self.seconds, "mean_power_w": power,
                "per_device_j": self.per_device_j, "reason": self.reason,
                "method": self.method if self.joules is not None else None}


def _load_nvml() -> ModuleType | None:
    try:
        import pynvml  # provided by nvidia-ml-py
    except ImportError:
        return None
    return pynvml


class EnergyMeter:
    """Measure GPU energy over a window: `with EnergyMeter(devices) as m: ...; m.result`."""

    def __init__(self, devices: list[int], nvml: ModuleType | None = None,
                 rapl_root: Path | None = None, unavailable: str | None = None) -> None:
        self.devices = devices
        self.unavailable = unavailable  # set: time the window only, energy None with this reason
        self.rapl_root = rapl_root
        self._rapl_start: float | None = None
        self.nvml = nvml if nvml is not None else (_load_nvml() if devices else None)
        self.result = EnergyWindow()
        self._start: list[int] = []
        self._t0 = 0.0

    def __enter__(self) -> EnergyMeter:
        self._t0 = time.perf_counter()
        if self.unavailable:
            self.result.reason = self.unavailable
            return self
        if not self.devices:
            self._rapl_start = rapl_energy_j(self.rapl_root or RAPL)
            if self._rapl_start is None:
                self.result.reason = ("no GPU in use, and no readable RAPL counter for CPU "
                                      "energy on this machine")
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
        if self._rapl_start is not None:
            end_j = rapl_energy_j(self.rapl_root or RAPL)
            if end_j is None or end_j < self._rapl_start:
                self.result.reason = "RAPL counter unreadable at the end, or wrapped around"
            else:
                self.result.joules = end_j - self._rapl_start
                self.result.method = "CPU package energy (RAPL energy_uj), end minus start"
            return
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
        self.result.method = "GPU energy: NVML total-energy counter, end minus start"


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


class NvmlSampler:
    """Device-level peak memory and mean power, sampled by a background thread.

    torch only sees its own allocator; NVML sees everything on the device (CUDA context,
    cuBLAS workspaces, other processes), which is what decides whether a model fits.
    """

    def __init__(self, devices: list[int], nvml: ModuleType | None = None,
                 interval_s: float = 0.05) -> None:
        self.devices, self.interval = devices, interval_s
        self.nvml = nvml if nvml is not None else (_load_nvml() if devices else None)
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
            self._handles = [self.nvml.nvmlDeviceGetHandleByIndex(i) for i in self.devices]
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


RAPL = Path("/sys/class/powercap")


def rapl_energy_j(root: Path = RAPL) -> float | None:
    """CPU package energy counter (Intel/AMD RAPL) in joules, summed over packages, or None
    where the counter is absent or unreadable (containers, VMs, non-root)."""
    total = 0.0
    packages = sorted(p for p in root.glob("intel-rapl:*") if p.name.count(":") == 1)
    if not packages:
        return None
    try:
        for pkg in packages:
            total += int((pkg / "energy_uj").read_text()) / 1e6
    except (OSError, ValueError):
        return None
    return total

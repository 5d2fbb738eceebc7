"""Energy over a window of work: a begin/end difference of a cumulative energy counter.

On GPUs the counter is NVML's total energy (millijoules since the driver loaded): unlike the
averaged power reading, a difference of it cannot miss short bursts. It is read through
zeus's ZeusMonitor (ml.energy) where zeus is installed, which also integrates sampled power
on pre-Volta GPUs that have no counter, and through nvidia-ml-py directly otherwise. Both
count every GPU the model uses and map CUDA indices through CUDA_VISIBLE_DEVICES. Without a
GPU: the CPU package counter (RAPL) where readable, labelled as CPU energy, else None with
the reason. The NVML module is passed in or patched, so tests run without a GPU.
"""

from __future__ import annotations

import functools
import itertools
import os
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from harness.results.parts import EnergyWindow

RAPL = Path("/sys/class/powercap")
_windows = itertools.count()


@dataclass
class EnergyReading:
    """Joules spent between the start and the end of a window, or the reason it is unknown."""

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

    def to_record(self) -> EnergyWindow:
        """The window as it goes into the run record."""
        return EnergyWindow.from_json(self.to_json())


def load_nvml() -> ModuleType | None:
    """The pynvml module of nvidia-ml-py, or None where it is not installed."""
    try:
        import pynvml
    except ImportError:
        return None
    return pynvml


def nvml_handles(nvml: Any, devices: list[int]) -> list[Any]:
    """NVML handles of CUDA devices `devices`: NVML numbers all GPUs of the machine, CUDA only
    the visible ones, so CUDA_VISIBLE_DEVICES=2,3 makes CUDA device 0 NVML device 2."""
    visible = [v.strip() for v in os.environ.get("CUDA_VISIBLE_DEVICES", "").split(",")
               if v.strip()]
    handles = []
    for i in devices:
        if not visible:
            handles.append(nvml.nvmlDeviceGetHandleByIndex(i))
        elif visible[i].isdigit():
            handles.append(nvml.nvmlDeviceGetHandleByIndex(int(visible[i])))
        else:  # GPU-<uuid> or MIG-<uuid>
            handles.append(nvml.nvmlDeviceGetHandleByUUID(visible[i]))
    return handles


@functools.cache
def zeus_version() -> str | None:
    """The installed zeus version, or None where zeus is not installed."""
    from importlib import metadata

    try:
        return metadata.version("zeus")
    except metadata.PackageNotFoundError:
        return None


@functools.lru_cache(maxsize=4)
def _zeus_monitor(devices: tuple[int, ...]) -> Any:
    """One ZeusMonitor per set of GPUs for the process (it initialises NVML once)."""
    from zeus.monitor import ZeusMonitor

    return ZeusMonitor(gpu_indices=list(devices), cpu_indices=[])


class EnergyMeter:
    """Energy over a window: `with EnergyMeter(devices) as m: ...; m.result`.

    `nvml` forces the nvidia-ml-py path with that module; otherwise zeus is used where it is
    installed. `unavailable` times the window only, with that reason (a remote server).
    The caller synchronizes the device around the window (the timed regions already do).
    """

    def __init__(self, devices: list[int], nvml: ModuleType | None = None,
                 rapl_root: Path | None = None, unavailable: str | None = None) -> None:
        self.devices, self.unavailable, self.rapl_root = devices, unavailable, rapl_root
        self.nvml = nvml
        self.use_zeus = nvml is None and bool(devices) and zeus_version() is not None
        if devices and nvml is None and not self.use_zeus:
            self.nvml = load_nvml()
        self.result = EnergyReading()
        self._start: list[float] = []
        self._rapl_start: float | None = None
        self._key = ""
        self._t0 = 0.0

    def __enter__(self) -> EnergyMeter:
        self._t0 = time.perf_counter()
        if self.unavailable:
            self.result.reason = self.unavailable
        elif not self.devices:
            self._rapl_start = rapl_energy_j(self.rapl_root or RAPL)
            if self._rapl_start is None:
                self.result.reason = ("no GPU in use, and no readable RAPL counter for CPU "
                                      "energy on this machine")
        elif self.use_zeus:
            self._begin_zeus()
        elif self.nvml is None:
            self.result.reason = "NVML unavailable: install nvidia-ml-py to measure GPU energy"
        else:
            try:
                self.nvml.nvmlInit()
                self._handles = nvml_handles(self.nvml, self.devices)
                self._start = [self.nvml.nvmlDeviceGetTotalEnergyConsumption(h) / 1000.0
                               for h in self._handles]
            except Exception as exc:  # NVML raises its own error types per call
                self.result.reason = f"NVML energy counter unreadable: {exc}"
        return self

    def _begin_zeus(self) -> None:
        try:
            monitor = _zeus_monitor(tuple(self.devices))
            if len(monitor.gpus) == 0:
                self.result.reason = "zeus found no GPU (neither NVML nor AMD SMI answered)"
                return
            self._key = f"harness-{next(_windows)}"
            monitor.begin_window(self._key, sync_execution=False)
        except Exception as exc:  # zeus wraps NVML errors in its own types
            self.result.reason = f"zeus could not read the GPU energy counter: {exc}"
            self._key = ""

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
        if self._key:
            try:
                m = _zeus_monitor(tuple(self.devices)).end_window(self._key,
                                                                  sync_execution=False)
            except Exception as err:
                self.result.reason = f"zeus could not read the GPU energy counter: {err}"
                return
            deltas = [float(m.gpu_energy[i]) for i in self.devices]
            method = f"GPU energy: NVML total-energy counter, end minus start (zeus " \
                     f"{zeus_version()} ZeusMonitor)"
        elif self._start:
            try:
                end = [self.nvml.nvmlDeviceGetTotalEnergyConsumption(h) / 1000.0
                       for h in self._handles]
            except Exception as err:
                self.result.reason = f"NVML energy counter unreadable at the end: {err}"
                return
            deltas = [e - s for s, e in zip(self._start, end, strict=True)]
            method = "GPU energy: NVML total-energy counter, end minus start (nvidia-ml-py)"
        else:
            return
        if any(d < 0 for d in deltas):
            self.result.reason = "NVML energy counter went backwards (driver reload?)"
            return
        self.result.joules, self.result.per_device_j = sum(deltas), deltas
        self.result.method = method


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

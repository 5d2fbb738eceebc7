"""transformers backend: the model is loaded once and shared by lm-eval and the perf runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harness import environment
from harness.backends import decoding, fit, hf_load
from harness.config.configs import PerfSettings
from harness.errors import HarnessError
from harness.models import ModelError, ResolvedModel

# --backend-arg generation=auto|continuous|static, dtype, attn_implementation, device_map
ARGS: dict[str, type] = {"generation": str, "dtype": str, "attn_implementation": str,
                         "device_map": str}

if TYPE_CHECKING:
    from harness.perf.sweep import OnPoint

DTYPE_BYTES = fit.DTYPE_BYTES


def pick_device(requested: str, model: ResolvedModel) -> str:
    """Resolve --device auto|cpu|cuda; refuse CPU for models marked as needing a GPU."""
    cuda = environment.has_cuda()
    if requested == "cuda" and not cuda:
        raise HarnessError("--device cuda was asked for, but torch sees no CUDA GPU. Check "
                           "nvidia-smi and that the CUDA build of torch is installed (README).")
    device = requested if requested != "auto" else ("cuda" if cuda else "cpu")
    cfg = model.config
    if device == "cpu" and requested == "auto" and cfg is not None and cfg.needs_gpu:
        total = cfg.parameters.total if cfg.parameters else None
        gb = total * DTYPE_BYTES.get(cfg.dtype, 2) / 1e9 if total else 0.0
        size = f" ({total / 1e9:.1f}B parameters, {gb:.1f} GB of {cfg.dtype} weights)" \
            if total else ""
        raise HarnessError(
            f"Model {cfg.name}{size} needs a GPU and this machine has none that torch can see. "
            "Run it on a machine with an NVIDIA GPU and the CUDA build of torch (README, "
            "'Running a real model on a GPU'), or pick a model that runs on CPU: "
            "smollm2-135m, tiny-random, r1-distill-qwen-1.5b. To force a CPU run anyway, "
            "pass --device cpu."
        )
    return device


def check_args(args: dict[str, Any]) -> dict[str, Any]:
    """Before anything loads: values from_pretrained would refuse (harness.backends.hf_load)."""
    hf_load.check(args)
    return args


class HFBackend:
    """Loads a model with transformers and serves lm-eval's HFLM and the perf timings."""

    name = "hf"

    def __init__(self, model: ResolvedModel, device: str = "auto", batch_size: int = 8,
                 dtype: str | None = None, threads: int | None = None,
                 generation: str = "auto", attn_implementation: str | None = None,
                 device_map: str | None = None, **args: Any) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if args:
            raise HarnessError(f"Unknown argument(s) for the hf backend: {', '.join(args)}. "
                               f"It takes {', '.join(sorted(ARGS))} besides --device, "
                               "--batch-size and --threads; engine arguments such as "
                               "tensor_parallel_size belong to --backend vllm.")
        load = {"attn_implementation": attn_implementation, "device_map": device_map,
                "dtype": dtype}
        hf_load.check(load)
        if generation not in ("auto", "continuous", "static"):
            raise HarnessError(f"--backend-arg generation={generation}: use continuous "
                               "(transformers' continuous batching, the default where the "
                               "installed transformers has it) or static (lm-eval's HFLM, "
                               "padded fixed batches).")
        self.generation = generation
        self._lm: Any = None
        self.tokenizer_origin = "the model's own"
        self.model_ref = model
        self.device = pick_device(device, model)
        self.batch_size = batch_size
        self.threads: int | None = None
        if self.device == "cpu":
            # set, not left to torch: its default counts logical CPUs, and on a shared
            # machine oversubscribed threads slowed one perf suite down sevenfold
            self.threads = threads or environment.physical_cores()
            torch.set_num_threads(self.threads)
        self.dtype = dtype if dtype not in (None, "auto") else \
            _default_dtype(model.dtype, self.device)
        kwargs: dict[str, Any] = {"revision": model.revision} if model.revision else {}
        # Remote code runs only where the model's YAML opts in (trust_remote_code: true).
        kwargs["trust_remote_code"] = model.trust_remote_code
        check_fit(model, self.device, self.dtype, device_map)
        if model.architecture_only:
            self._build_random(model, attn_implementation)
            return
        gpus = _gpus(model, self.device, device_map)
        self.gpu_indices = list(range(max(gpus, 1)))
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(model.path, **kwargs)
            # device_map puts the weights straight on the device(s): a 65 GB model never
            # passes through host memory first.
            self.model = AutoModelForCausalLM.from_pretrained(
                model.path, **hf_load.load_kwargs(self.device, getattr(torch, self.dtype),
                                                  load, gpus), **kwargs)
        except (ImportError, ValueError) as exc:  # e.g. a kernel whose package is missing
            raise HarnessError(f"transformers could not load {model.path} with "
                               f"{ {k: v for k, v in load.items() if v} }: {exc}") from exc
        except OSError as exc:
            raise ModelError(
                f"Could not load {model.path}: {exc}. If the machine is offline, download the "
                "model where there is network and copy the Hugging Face cache here, or pass a "
                "local directory with --model."
            ) from exc
        except (RuntimeError, MemoryError) as exc:
            if not fit.load_failed_oom(exc):
                raise
            raise HarnessError(fit.oom_message(model.name, self.device, exc)) from exc
        self.model.eval()
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token

    def _build_random(self, model: ResolvedModel, attn: str | None = None) -> None:
        """The architecture with random weights, built directly on the device: no download
        and no host copy, so a 65 GB model goes straight to GPU memory."""
        import torch
        from transformers import AutoModelForCausalLM

        from harness.plan.sizing import load_architecture

        _, hf_config = load_architecture(model.name if model.config is None else
                                         model.config.name)
        torch.manual_seed(0)
        with torch.device(self.device):
            self.model = AutoModelForCausalLM.from_config(
                hf_config, dtype=getattr(torch, self.dtype),
                **({"attn_implementation": attn} if attn else {}))
        self.model.eval()
        self.tokenizer = None  # loaded by lm() when a rehearsal needs one
        self.tokenizer_origin = None

    def _rehearsal_tokenizer(self) -> None:
        """A tokenizer for random weights (random_arch.rehearsal_tokenizer), with where it came
        from for run.json."""
        from harness.backends.random_arch import rehearsal_tokenizer

        self.tokenizer, self.tokenizer_origin = rehearsal_tokenizer(
            self.model_ref, self.model.config.vocab_size)
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token

    def lm(self) -> Any:
        """The lm-eval LM around the already-loaded model (no second copy in memory):
        continuous batching where transformers offers it (generation=auto), else HFLM's
        padded fixed batches (generation=static)."""
        from harness.backends import continuous

        if self.generation == "continuous" and not continuous.available(self.model):
            raise HarnessError("generation=continuous needs a transformers with continuous "
                               "batching (init_continuous_batching); upgrade it, or use "
                               "generation=static.")
        if self.tokenizer is None:
            self._rehearsal_tokenizer()
        if self.generation != "static" and continuous.available(self.model):
            base: Any = continuous.ContinuousLM
        else:
            from lm_eval.models.huggingface import HFLM

            base = HFLM
        cls = type(base.__name__, (decoding.KeepsThinkTags, base), {})
        self._lm = cls(pretrained=self.model, tokenizer=self.tokenizer,
                       batch_size=self.batch_size, device=self.device)
        chat = self.model_ref.config.chat if self.model_ref.config else None
        tags = {"<think>", "</think>"} | ({chat.think_start, chat.think_end} if chat else set())
        self._lm.keep = decoding.kept_ids(self.tokenizer, tags)
        return self._lm

    def measure_perf(self, settings: PerfSettings,
                     on_point: OnPoint | None = None) -> dict[str, Any]:
        """The perf sweep through model.generate (see harness.perf.sweep and harness.perf.timing);
        `on_point` sees each point as it is finished."""
        from harness.config.configs import hardware_name
        from harness.perf import sweep

        hw = None
        if self.device.startswith("cuda"):
            import torch

            hw = hardware_name(torch.cuda.get_device_name(0))
        return sweep.run_sweep(self.model, self.tokenizer, settings, self.device, hw, on_point)

    def generation_path(self) -> str:
        """Which engine generates the accuracy samples."""
        from harness.backends import continuous

        if self.generation != "static" and continuous.available(self.model):
            return continuous.PATH
        return "lm-eval HFLM: fixed batches of batch_size, padded"

    def weight_bytes(self) -> int:
        """Bytes of the parameters as loaded (buffers such as rotary tables are not weights)."""
        return sum(p.numel() * p.element_size() for p in self.model.parameters())

    def traffic(self) -> Any:
        """What a decode step reads and computes (harness.perf.bounds.Traffic): all weights
        but the input embedding's lookup, and k of n routed experts of a mixture of experts."""
        from harness.perf.bounds import model_traffic

        return model_traffic(self.model)

    def parameter_count(self) -> int:
        """Number of parameters as loaded (tied embeddings counted once)."""
        return sum(p.numel() for p in self.model.parameters())

    def describe(self) -> dict[str, Any]:
        """Backend facts recorded in run.json."""
        return {"name": self.name, "device": self.device, "dtype": self.dtype,
                "batch_size": self.batch_size, "threads": self.threads,
                "generation_path": self.generation_path(),
                "tokenizer": self.tokenizer_origin,
                **(self._lm.describe() if hasattr(self._lm, "describe") else {}),
                "attn_implementation": getattr(self.model.config, "_attn_implementation", None),
                "gpus": len(set(getattr(self.model, "hf_device_map", {}).values()))
                or (1 if self.device.startswith("cuda") else 0)}

    def close(self) -> None:
        """Drop the model and return cached GPU memory."""
        import gc

        import torch

        del self.model
        gc.collect()
        if self.device.startswith("cuda"):
            torch.cuda.empty_cache()


def check_fit(model: ResolvedModel, device: str = "auto", dtype: str | None = None,
              device_map: str | None = None) -> None:
    """Raise before loading where the weights cannot fit where they go (fit.py). HFBackend
    asks it, and `bench` too before a run directory exists: a model too big for this machine
    then leaves nothing behind."""
    device = pick_device(device, model)
    dtype = dtype if dtype not in (None, "auto") else _default_dtype(model.dtype, device)
    if model.architecture_only:
        fit.check_load(model, device, dtype, None, [0])
    else:
        fit.check_load(model, device, dtype, device_map,
                       list(range(max(_gpus(model, device, device_map), 1))))


def _gpus(model: ResolvedModel, device: str, device_map: str | None) -> int:
    """GPUs the weights are spread over (hf_load.gpus_to_use); 0 on CPU."""
    import torch

    visible = torch.cuda.device_count() if device.startswith("cuda") else 0
    return hf_load.gpus_to_use(model.config.name if model.config else None, device, visible,
                               torch.cuda.get_device_name(0) if visible else None, device_map)


def _default_dtype(configured: str, device: str) -> str:
    """float32 on CPU (bf16 matmuls are slow on most CPUs); the YAML's dtype on a GPU,
    with bf16 where it says auto or FP8 (transformers has no FP8 path here)."""
    if device == "cpu":
        return "float32"
    return "bfloat16" if configured in ("auto", "float8_e4m3fn") else configured

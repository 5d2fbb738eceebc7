"""Backends: one small class per inference engine, behind the `Backend` protocol.

Backends are registered as lazy "module:Class" strings, so importing harness never imports
an engine (vLLM, or torch for that matter) until a run asks for it.
Stage 4. May import: harness.config, harness.results, harness.environment, harness.plan,
harness.models, harness.perf, harness.accuracy, harness.errors.
"""

from __future__ import annotations

import importlib
import re
from typing import Any, Protocol

from harness.config.checks import did_you_mean
from harness.config.configs import ModelConfig
from harness.errors import HarnessError
from harness.models import ResolvedModel

REGISTRY: dict[str, str] = {
    "hf": "harness.backends.hf:HFBackend",
    "vllm": "harness.backends.vllm:VLLMBackend",
    "openai": "harness.backends.openai:OpenAIBackend",
}
SECRET_KEY = re.compile(r"key|token|secret|password|credential|auth", re.IGNORECASE)
REMOTE = ("openai",)  # backends whose weights and GPUs live behind a server


class Backend(Protocol):
    """What accuracy and perf need from an inference engine."""

    name: str
    device: str
    tokenizer: Any  # a transformers tokenizer, used to count generated tokens


    def lm(self) -> Any:
        """An lm_eval.api.model.LM that runs this model, for accuracy through lm-eval."""

    def measure_perf(self, settings: Any) -> dict[str, Any]:
        """Prefill/decode timings as in harness.perf.timing, measured through this engine."""

    def describe(self) -> dict[str, Any]:
        """What run.json records about the backend: name, device, dtype, arguments."""

    def weight_bytes(self) -> int | None:
        """Bytes of the loaded weights, if the engine can tell."""

    def parameter_count(self) -> int | None:
        """Parameters of the loaded model, if the engine can tell."""

    def close(self) -> None:
        """Free the model and its memory."""


def backend_args(name: str, cfg: ModelConfig | None,
                 given: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    """The backend's keyword arguments: the model YAML's `backend.args` when `name` is the
    YAML's default backend, overridden by --backend-arg KEY=VALUE (values read as YAML
    scalars, so 8 is an int, 0.9 a float and true a bool), each checked against the
    backend's `ARGS` table (name and type) before anything is loaded."""
    import yaml

    check_name(name)
    args: dict[str, Any] = dict(cfg.backend.args) if cfg and cfg.backend.default == name else {}
    for key, raw in given:
        if SECRET_KEY.search(key) and not key.endswith("_env"):
            raise HarnessError(
                f"--backend-arg {key}=...: secrets are never passed on the command line (it "
                "is recorded in run.json and shell history). Put the key in an environment "
                "variable and name it with --backend-arg api_key_env=NAME (default "
                "OPENAI_API_KEY).")
        try:
            args[key] = yaml.safe_load(raw) if raw else raw
        except yaml.YAMLError:
            args[key] = raw
    table: dict[str, type] = getattr(_module(name), "ARGS", {})
    unknown = sorted(set(args) - set(table))
    if unknown:
        raise HarnessError(
            f"Unknown argument {unknown[0]!r} for the {name} backend."
            f"{did_you_mean(unknown[0], table)} Known: {', '.join(sorted(table))}.")
    args = {key: _typed(name, key, value, table[key]) for key, value in args.items()}
    check = getattr(_module(name), "check_args", None)  # the backend's own cross-checks
    if check is not None:
        check(args)
    return args


def _typed(backend: str, key: str, value: Any, kind: type) -> Any:
    """`value` as `kind`, with the range every such argument must respect."""
    where = f"--backend-arg {key}={value!r} ({backend})"
    if key == "max_model_len" and str(value).lower() in ("auto", "-1"):
        return -1  # vLLM's auto-fit, `vllm serve --max-model-len auto` (vllm_context.py)
    if kind is bool:
        if isinstance(value, bool):
            return value
        raise HarnessError(f"{where}: must be true or false.")
    if kind is str:
        return str(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            (kind is int and not float(value).is_integer()):
        raise HarnessError(f"{where}: must be {'a whole number' if kind is int else 'a number'}.")
    value = kind(value)
    low = 0 if key in ("seed", "max_retries") else None
    if (low is not None and value < low) or (low is None and value <= 0):
        raise HarnessError(f"{where}: must be {'0 or more' if low == 0 else 'positive'}.")
    if key == "gpu_memory_utilization" and value > 1:
        raise HarnessError(f"{where}: a fraction of the GPU's memory, at most 1 (e.g. 0.9).")
    return value


def check_name(name: str) -> None:
    """A backend the registry knows, or a HarnessError listing those it does."""
    if name not in REGISTRY:
        raise HarnessError(
            f"Unknown backend {name!r}.{did_you_mean(name, REGISTRY)} Known backends: "
            f"{', '.join(sorted(REGISTRY))}. Pass one of these with --backend (or BACKEND= "
            "to make).")


def check_installed(name: str) -> None:
    """A HarnessError naming the install command where the backend's engine is missing
    (the backend module's own `check_installed`), before a run directory is made."""
    check = getattr(_module(name), "check_installed", None)
    if check is not None:
        check()


def _module(name: str) -> Any:
    # the backend's own module, never its engine: those import their engine lazily
    return importlib.import_module(REGISTRY[name].partition(":")[0])


def load_backend(name: str, model: ResolvedModel, **kwargs: Any) -> Backend:
    """Instantiate backend `name` for `model`; unknown names list the known ones."""
    check_name(name)
    cls = getattr(_module(name), REGISTRY[name].partition(":")[2])
    return cls(model, **kwargs)

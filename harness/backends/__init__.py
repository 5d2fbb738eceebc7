"""Backends: one small class per inference engine, behind the `Backend` protocol.

Backends are registered as lazy "module:Class" strings, so importing harness never imports
an engine (vLLM, or torch for that matter) until a run asks for it.
Stage 4. May import: harness.config, harness.results, harness.environment, harness.plan,
harness.models, harness.perf, harness.accuracy, harness.errors.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol

from harness.config.configs import ModelConfig
from harness.errors import HarnessError
from harness.models import ResolvedModel

REGISTRY: dict[str, str] = {
    "hf": "harness.backends.hf:HFBackend",
    "vllm": "harness.backends.vllm:VLLMBackend",
    "openai": "harness.backends.openai:OpenAIBackend",
}
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
    scalars, so 8 is an int, 0.9 a float and true a bool). Each backend rejects keys it does
    not know, with the list of those it does."""
    import yaml

    args: dict[str, Any] = dict(cfg.backend.args) if cfg and cfg.backend.default == name else {}
    for key, raw in given:
        try:
            args[key] = yaml.safe_load(raw) if raw else raw
        except yaml.YAMLError:
            args[key] = raw
    return args


def load_backend(name: str, model: ResolvedModel, **kwargs: Any) -> Backend:
    """Instantiate backend `name` for `model`; unknown names list the known ones."""
    if name not in REGISTRY:
        raise HarnessError(
            f"Unknown backend {name!r}. Known backends: {', '.join(sorted(REGISTRY))}. "
            "Pass one of these with --backend (or BACKEND= to make)."
        )
    module_name, _, cls_name = REGISTRY[name].partition(":")
    cls = getattr(importlib.import_module(module_name), cls_name)
    return cls(model, **kwargs)

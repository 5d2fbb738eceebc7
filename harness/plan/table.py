"""`harness plan`'s table: every figure of a Plan with its unit and basis."""

from __future__ import annotations

from harness.config import configs
from harness.plan.sizing import MEMORY_USE, Plan


def render(plan: Plan, extra: list[tuple[str, str]] | None = None) -> str:
    """The plan as an aligned text table, every figure with its unit and basis; `extra`
    rows (a suite's time, suite_time.rows) before the hardware figures' source."""
    hw = configs.get_hardware(plan.gpu)
    n = plan.gpus_to_hold_weights
    on = f"{n}x {hw.label}"
    measured = f"{plan.decode_bound_measured_tokens_per_s:.1f} tok/s (measured bandwidth)" \
        if plan.decode_bound_measured_tokens_per_s else "no measured bandwidth on file"
    pow2 = 1 << (plan.gpus_for_context - 1).bit_length()
    tp_on = f"{plan.workload_gpus}x {hw.label}"
    share = plan.workload_experts_share
    routed = f"; {share:.0%} of the routed experts read per step, balanced routing" \
        if share is not None else ""
    moe = f" (expected, balanced routing over {plan.experts} experts per token)" \
        if plan.experts else ""
    rows = [
        ("architecture", plan.architecture),
        ("parameters, total", f"{plan.params_total / 1e9:.2f}B ({plan.params_total:,})"),
        ("parameters, active per token", f"{plan.params_active / 1e9:.2f}B "
         f"({plan.params_active / plan.params_total:.1%} of total"
         + (f"; {plan.experts} routed experts" if plan.experts else "") + ")"),
        (f"weights in {plan.dtype}", f"{plan.weight_bytes / 1e9:.1f} GB"),
        ("KV cache per token (bf16)", f"{plan.kv_bytes_per_token / 1024:.1f} KiB"),
        ("GPUs to hold the weights", f"{n} x {hw.label} ({plan.gpu_memory_bytes / 1e9:.1f} GB "
                                     f"each, {plan.memory_basis}; a lower bound, at 100% of "
                                     "memory)"),
        (f"KV room on {on} at {MEMORY_USE:.0%}", f"{plan.max_context_tokens:,} tokens (an upper "
         "bound: an engine's activation workspace and CUDA graphs come out of it too)"),
        *_beyond(plan),
        (f"GPUs for weights + {plan.context:,} tokens of KV",
         f"{plan.gpus_for_context} at {MEMORY_USE:.0%} memory use"
         + (f" (tensor parallelism usually wants {pow2})" if pow2 != plan.gpus_for_context
            else "")),
        ("decode bound, batch 1", f"{plan.decode_bound_tokens_per_s:.1f} tok/s (datasheet), "
                                  f"{measured}; {plan.decode_bytes_per_token / 1e9:.2f} GB read "
                                  "per token"),
        ("prefill bound", f"{plan.prefill_bound_tokens_per_s:,.0f} tok/s"),
        (f"sequences of {plan.context:,} tokens at once", f"{plan.workload_concurrency} on "
         f"{tp_on} (" + (f"all the workload has; the KV room holds {plan.kv_concurrency}"
                         if plan.kv_concurrency != plan.workload_concurrency else
                         "KV budget beside the weights, worst case: every sequence at full "
                         "length") + ")"
         if plan.workload_concurrency else f"none fit beside the weights on {tp_on}"),
        ("workload decode bound", f"{plan.workload_bound_tokens_per_s:,.0f} output tok/s on "
         f"{tp_on} at that concurrency (weights + live KV read per step, KV averaging half "
         f"the length{routed})" if plan.workload_bound_tokens_per_s else "-"),
        ("decode turns compute-bound at", f"batch ~{plan.compute_bound_batch:,.0f}{moe}"),
        *(extra or []),
        ("hardware figures", plan.source + (f"; {hw.measured.source}"
                                            if hw.measured else "")),
    ]
    width = max(len(k) for k, _ in rows)
    lines = [f"plan: {plan.model} on {plan.gpu} (estimated from the architecture, no weights; "
             f"bounds on {on}, datasheet figures unless marked)"]
    lines += [f"  {k.ljust(width)}  {v}" for k, v in rows]
    return "\n".join(lines)


def _beyond(plan: Plan) -> list[tuple[str, str]]:
    """A row when the context sized is longer than the model's positions: memory would hold
    it, the model as configured would not (its engine refuses, or lm-eval cuts the prompt)."""
    if not plan.max_positions or plan.context <= plan.max_positions:
        return []
    return [("context past the model's positions",
             f"{plan.context:,} tokens sized, and the architecture has {plan.max_positions:,} "
             "positions (max_position_embeddings): a longer sequence needs rope scaling "
             "(YaRN, as the model card says) or a shorter --context / max_new_tokens")]

"""Accuracy generations on vLLM handed to the sample cache as each one finishes.

lm-eval's vllm model sends a task's requests to vLLM in one LLM.generate call (batch_size
"auto") and reports them to its cache hook only when that call returns, so a run killed in
hour 29 of 30 would have kept nothing to resume from. The harness's subclass of it
(vllm_engine.start_lm_eval_vllm) steps the engine itself, as LLM.generate does, and reports
each request as it finishes, with the text lm-eval will return for it (lm-eval's own
stop-string cut), to the sample cache's hook (`add_finished`, harness.accuracy.resume);
lm-eval's report of the same request at the end of the call is then skipped there. A request
whose prompt cannot be matched to its text (lm-eval truncated it), a hook without
`add_finished`, or an lm-eval without the cut function: reported at the end, as before.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

_calls = itertools.count()


def remember(memo: dict[tuple[int, ...], str], strings: str | Sequence[str],
             encoded: Any) -> None:
    """Note which prompt text each token sequence came from (lm-eval encodes every prompt
    of a call before it generates)."""
    if isinstance(strings, str):
        strings, encoded = [strings], [encoded]
    for text, ids in zip(strings, encoded, strict=False):
        if isinstance(text, str) and isinstance(ids, list):
            memo[tuple(ids)] = text


def engine_input(engine: Any, prompt: Any) -> Any:
    """A token prompt as LLMEngine.add_request takes it: rendered by the engine's renderer
    where this vLLM has one (0.32 logs raw prompts as deprecated, to be removed), else as
    it is (earlier vLLMs take raw prompts only). Rendering token ids tokenizes nothing; it
    is the step add_request would otherwise take itself."""
    render = getattr(getattr(engine, "renderer", None), "render_cmpl", None)
    if render is None:
        return prompt
    (rendered,) = render([prompt])
    return rendered


def _cut() -> Callable[..., str] | None:
    """lm-eval's cut of a vLLM generation at its stop strings, where this lm-eval has it
    (0.4.13 does); without it a generation is filed when lm-eval reports it."""
    try:
        from lm_eval.models.utils import postprocess_generated_text
    except ImportError:
        return None
    return postprocess_generated_text


def generate_reporting(lm: Any, requests: list[list[int]], params: list[Any],
                       memo: dict[tuple[int, ...], str]) -> list[Any]:
    """vLLM's outputs for `requests` (token ids) under `params`, in order, as
    LLM.generate returns them; each finished request is reported to lm's cache hook at once
    where the hook takes early reports."""
    from vllm.inputs import TokensPrompt
    from vllm.sampling_params import RequestOutputKind

    report = getattr(lm.cache_hook, "add_finished", None)
    think_end = getattr(lm, "think_end_token", None)
    cut = _cut() if report is not None and not think_end else None
    engine = lm.model.llm_engine
    call = next(_calls)
    ids = [f"harness-accuracy-{call}-{i}" for i in range(len(requests))]
    lora = getattr(lm, "lora_request", None)
    for request_id, tokens, param in zip(ids, requests, params, strict=True):
        param = param.clone()
        param.output_kind = RequestOutputKind.FINAL_ONLY  # as LLM.generate asks for it
        prompt = engine_input(engine, TokensPrompt(prompt_token_ids=tokens))
        engine.add_request(request_id, prompt, param, lora_request=lora)
    index = {request_id: i for i, request_id in enumerate(ids)}
    done: dict[str, Any] = {}
    try:
        while engine.has_unfinished_requests():
            for out in engine.step():
                if not out.finished or out.request_id not in index:
                    continue
                done[out.request_id] = out
                i = index[out.request_id]
                context = memo.get(tuple(requests[i]))
                if cut is not None and context is not None:
                    report(context, cut(out.outputs[0].text, params[i].stop, None))
    except BaseException:
        engine.abort_request([r for r in ids if r not in done])
        raise
    return [done[request_id] for request_id in ids]

"""lm-eval's chat-completions model, corrected for reasoning models and repeated sampling.

Imported only when the openai backend runs accuracy (it imports lm_eval). Three changes to
lm-eval's LocalChatCompletion, each because the stock behaviour would score a reasoning
model wrongly:

- Servers with a reasoning parser (vLLM `--reasoning-parser`, SGLang) return the thinking in
  `reasoning_content` (or `reasoning`) and only the answer in `content`. lm-eval keeps
  `content` alone, which loses whether thinking was cut off by the token limit. Here the
  two are joined back as `thinking</think>answer`, the form the harness grades (an answer
  after an unclosed think block is scored as truncated, as on the hf backend).
- lm-eval sends the same `seed` with every request, so a server that honours per-request
  seeds (vLLM does) returns n identical samples where pass@1 over n samples needs n
  independent ones. With sampling on, no seed is sent.
- The API key is read from the environment variable the user names (OPENAI_API_KEY by
  default) at request time and never stored on the object that run.json describes.

It also adds up the server's `usage` counts, which lm-eval drops, so output tokens can be
reported for a model whose tokenizer is not on this machine. And a request the server refuses
as longer than its context (HTTP 400, OpenAI's `context_length_exceeded`, as vLLM and
llama.cpp answer) is not retried until the run fails, which lm-eval does: that prompt would be
refused again on every rerun, so no run of the suite could ever finish. Its generation is
empty (it scores 0, as a prompt cut by lm-eval's local models mostly does), counted
(`usage["prompts_refused"]`, per task in run.json, and labelled in the tables) and left out of
the sample cache (a rerun against a server with a longer context generates it). The server's
reason comes from asking once more (lm-eval keeps only the status): a refusal costs the server
nothing. Any other refusal stops the run with the server's own words. A server that shortens
the budget to what its context leaves instead (llama.cpp's does, silently: `finish_reason`
"length" below the `max_tokens` asked) has those generations counted (`usage["budget_cut"]`),
graded as truncated and left out of the sample cache (`stopped_short`).
"""

from __future__ import annotations

import copy
import logging
import os
from typing import Any

from lm_eval.models.openai_completions import LocalChatCompletion

from harness.errors import HarnessError

REASONING_FIELDS = ("reasoning_content", "reasoning")
TOO_LONG = ("context_length_exceeded", "maximum context length", "context length",
            "exceed context window", "exceeds the available context")


def join_reasoning(message: dict[str, Any], think_end: str | None) -> str | None:
    """One text from a chat message: reasoning, the think-end marker, then the answer.

    Without a reasoning field the content is returned as it is. Reasoning with no content
    (the limit hit while thinking) stays unclosed, so the grader sees it as truncated."""
    content = message.get("content")
    reasoning = next((message[k] for k in REASONING_FIELDS if message.get(k)), None)
    if not reasoning:
        return content
    if not content:
        return reasoning
    return f"{reasoning}{think_end or chr(10)}{content}"


class ReasoningChatCompletions(LocalChatCompletion):
    """LocalChatCompletion that keeps server-side reasoning and samples independently."""

    chat_only = True  # requests are message lists: the chat template is the server's

    def __init__(self, key_env: str = "OPENAI_API_KEY", think_end: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.key_env = key_env
        self.think_end = think_end
        self.usage = {"responses": 0, "completion_tokens": 0, "prompt_tokens": 0,
                      "prompts_refused": 0, "budget_cut": 0}
        self.asked: int | None = None  # max new tokens of the task being generated
        # generations the server stopped at what its context left: graded as truncated, and
        # never kept in the sample cache (a rerun against a longer context generates them)
        self.stopped_short: set[str] = set()

    @property
    def api_key(self) -> str:
        return os.environ.get(self.key_env, "")

    @property
    def header(self) -> dict[str, str]:
        key = self.api_key
        return {"Authorization": f"Bearer {key}"} if key else {}

    def _create_payload(self, messages: list[dict[str, Any]], generate: bool = False,
                        gen_kwargs: dict[str, Any] | None = None, seed: int = 1234,
                        eos: Any = None, **kwargs: Any) -> dict[str, Any]:
        sampling = bool((gen_kwargs or {}).get("do_sample")) or \
            float((gen_kwargs or {}).get("temperature", 0) or 0) > 0
        payload = super()._create_payload(messages, generate=generate, gen_kwargs=gen_kwargs,
                                          seed=seed, eos=eos, **kwargs)
        payload["stop"] = [s for s in payload.get("stop", []) if s]
        if not payload["stop"]:
            del payload["stop"]
        if sampling:
            payload.pop("seed", None)
        return payload

    def parse_generations(self, outputs: dict | list[dict], **kwargs: Any) -> list[str | None]:
        res: list[str | None] = []
        for out in outputs if isinstance(outputs, list) else [outputs]:
            choices = out.get("choices") or []
            usage = out.get("usage") or {}
            if isinstance(usage.get("completion_tokens"), int):
                self.usage["responses"] += len(choices)
                self.usage["completion_tokens"] += usage["completion_tokens"]
                self.usage["prompt_tokens"] += usage.get("prompt_tokens") or 0
            # stopped at a length below the one asked: the server's context, not ours
            short = len(choices) == 1 and choices[0].get("finish_reason") == "length" and \
                isinstance(usage.get("completion_tokens"), int) and bool(self.asked) and \
                usage["completion_tokens"] < (self.asked or 0)
            texts: list[str | None] = [None] * len(choices)
            for choice in choices:
                texts[choice.get("index", 0)] = join_reasoning(choice.get("message") or {},
                                                               self.think_end)
            if short:
                self.usage["budget_cut"] += 1
                if texts[0] is not None:
                    self.stopped_short.add(texts[0])
            res.extend(texts or [""])
        return res

    async def amodel_call(self, session: Any, sem: Any, messages: Any, *,
                          generate: bool = True, cache_keys: list | None = None,
                          ctxlens: list[int] | None = None,
                          gen_kwargs: dict | None = None, **kwargs: Any) -> Any:
        """lm-eval's request, with the server's refusals handled (see the module docstring)."""
        import aiohttp

        self.asked = int((gen_kwargs or {}).get("max_gen_toks") or 0) or None  # one per task
        try:
            return await super().amodel_call(session, sem, messages, generate=generate,
                                             cache_keys=cache_keys, ctxlens=ctxlens,
                                             gen_kwargs=copy.deepcopy(gen_kwargs), **kwargs)
        except aiohttp.ClientResponseError as exc:
            status = exc.status
            if not generate or not 400 <= status < 500 or status in (408, 429):
                raise  # the server's trouble or a rate limit: lm-eval's retries are right
            payload = self._create_payload(self.create_message(messages), generate=True,
                                           gen_kwargs=copy.deepcopy(gen_kwargs),
                                           seed=self._seed, **kwargs)
            async with session.post(self.base_url, json=payload,
                                    headers=self.header) as again:
                reason = " ".join((await again.text()).split())[:600] or "(no reason given)"
        if not any(marker in reason.lower() for marker in TOO_LONG):
            raise HarnessError(
                f"The server refused a request with HTTP {status}: {reason}. Its reason names "
                "what to change: the served model's name (--backend-arg served_model), a "
                "generation setting it does not take (--gen_kwargs), or its own limits.")
        n = len(messages) if isinstance(messages, list) else 1
        self.usage["prompts_refused"] += n
        self.usage["responses"] += n
        logging.getLogger(__name__).warning(
            "The server refused a prompt as longer than its context (%s); its generation is "
            "empty and scores 0, and is not kept in the sample cache, so a rerun asks again. "
            "Serve the model with a longer context (vLLM: --max-model-len), or lower the "
            "task's max_new_tokens.", reason)
        return [""] * n

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
reported for a model whose tokenizer is not on this machine.
"""

from __future__ import annotations

import os
from typing import Any

from lm_eval.models.openai_completions import LocalChatCompletion

REASONING_FIELDS = ("reasoning_content", "reasoning")


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
        self.usage = {"responses": 0, "completion_tokens": 0, "prompt_tokens": 0}

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
            texts: list[str | None] = [None] * len(choices)
            for choice in choices:
                texts[choice.get("index", 0)] = join_reasoning(choice.get("message") or {},
                                                               self.think_end)
            res.extend(texts or [""])
        return res

"""Generated text keeps the model's think tags, even where its tokenizer calls them special.

lm-eval decodes generations with `skip_special_tokens=True`. Where a model's think tags are
special tokens (Mistral's Magistral writes [THINK] ... [/THINK] as control tokens), that
drops `</think>` from every generation: each would then read as thinking that never closed,
truncated and scored 0, or, for a model whose template does not open thinking, be graded on
its reasoning. So the LM's decoding here drops the special tokens except the think tags (the
model YAML's, and `<think>`, `</think>` always), and QwQ-32B and the R1 distills, whose tags
are ordinary added tokens, decode as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def special_ids(tokenizer: Any) -> set[int]:
    """Every id the tokenizer drops under skip_special_tokens: its named special tokens and
    the added tokens marked special."""
    ids = set(getattr(tokenizer, "all_special_ids", []) or [])
    for token_id, token in (getattr(tokenizer, "added_tokens_decoder", {}) or {}).items():
        if getattr(token, "special", False):
            ids.add(int(token_id))
    return ids


def kept_ids(tokenizer: Any, tags: Iterable[str | None]) -> frozenset[int]:
    """The ids of those of `tags` that are single special tokens of `tokenizer`."""
    special = special_ids(tokenizer)
    out = set()
    for tag in tags:
        if not tag:
            continue
        ids = tokenizer.encode(tag, add_special_tokens=False)
        if len(ids) == 1 and ids[0] in special:
            out.add(ids[0])
    return frozenset(out)


def decode(tokenizer: Any, tokens: int | Iterable[int], keep: frozenset[int]) -> str:
    """`tokens` as text without special tokens, except those in `keep`."""
    ids = [tokens] if isinstance(tokens, int) else [int(t) for t in tokens]
    drop = special_ids(tokenizer) - keep
    return tokenizer.decode([t for t in ids if t not in drop], skip_special_tokens=False)


class KeepsThinkTags:
    """Mixed into lm-eval's HFLM (and ContinuousLM): `keep` holds the ids to keep."""

    keep: frozenset[int] = frozenset()
    tokenizer: Any

    def tok_decode(self, tokens: Any, skip_special_tokens: bool = True) -> str:
        """lm-eval's decoding, keeping the think tags where it skips special tokens."""
        if skip_special_tokens and self.keep:
            return decode(self.tokenizer, tokens, self.keep)
        return super().tok_decode(tokens, skip_special_tokens)  # type: ignore[misc]

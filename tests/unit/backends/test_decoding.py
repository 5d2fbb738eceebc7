"""Think tags survive decoding even where the tokenizer calls them special tokens."""

from __future__ import annotations

from typing import Any

import pytest

from harness.backends import decoding


@pytest.fixture(scope="module")
def backend() -> Any:
    from harness import models
    from harness.backends.hf import HFBackend

    b = HFBackend(models.resolve("tiny-random"), device="cpu")
    yield b
    b.close()


def test_special_think_tags_are_kept_and_other_special_tokens_dropped(backend: Any) -> None:
    tok = backend.tokenizer
    lm = backend.lm()
    assert lm.keep == frozenset()  # ordinary text: nothing to keep, lm-eval's decoding
    tok.add_special_tokens({"additional_special_tokens": ["<think>", "</think>"]})
    start, end = (tok.convert_tokens_to_ids(t) for t in ("<think>", "</think>"))
    assert {start, end} <= decoding.special_ids(tok)
    ids = [start, *tok.encode("2+2", add_special_tokens=False), end,
           *tok.encode(" 4", add_special_tokens=False), tok.eos_token_id]
    assert "</think>" not in tok.decode(ids, skip_special_tokens=True)  # what lm-eval did
    lm = backend.lm()
    assert lm.keep == frozenset({start, end})
    text = lm.tok_decode(ids)
    assert text.startswith("<think>") and "</think>" in text and tok.eos_token not in text
    assert lm.tok_decode(ids, skip_special_tokens=False).endswith(tok.eos_token)


def test_tags_that_are_not_single_special_tokens_are_left_alone(backend: Any) -> None:
    assert decoding.kept_ids(backend.tokenizer, ("[THINK]", None, "")) == frozenset()

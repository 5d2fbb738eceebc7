"""Every finished sample on disk, so an interrupted bench resumes without redoing work.

A sample is keyed by the model (id, revision, dtype, backend), the prompt, the generation
settings, and its index among identical requests (the n samples of one problem are n
identical requests). Finished samples are appended to a JSONL file as the backend reports
them (lm-eval's per-result cache hook), each line flushed and fsynced under an exclusive
lock (two benches of one model share the file), so a kill loses at most the batch in
flight. Rerunning the same bench reads them back and generates only the rest. Progress
(harness.accuracy.progress) shows done/total, the ETA and tokens per second.

The wrapper replaces `generate_until` on the lm-eval LM instance rather than subclassing,
so it works for any backend's LM.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections import Counter, defaultdict, deque
from pathlib import Path
from typing import Any

from harness.accuracy.metrics import texts_of, token_counter
from harness.accuracy.progress import progress_for


def _key(identity: dict[str, Any], context: str, gen_kwargs: dict[str, Any]) -> str:
    blob = json.dumps([identity, context, gen_kwargs], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


class SampleCache:
    """Finished generations in an append-only JSONL file: {"key", "text"} per line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done: dict[str, list[str]] = defaultdict(list)
        self.skipped = 0  # unreadable lines (a record cut by a kill)
        if path.exists():
            with path.open("r+b") as fh:
                # another bench of the same model may be appending: its records are written
                # under this lock, so a tail without its newline is a kill's, never a write
                # still in progress
                fcntl.flock(fh, fcntl.LOCK_EX)
                data = fh.read()
                whole = data[:data.rfind(b"\n") + 1]
                if whole != data:
                    # a kill cut the last record: drop the torn tail, or the next record
                    # would be appended onto it and both would be lost
                    fh.truncate(len(whole))
                    fh.flush()
                    os.fsync(fh.fileno())
                    self.skipped += 1
            for line in whole.decode(errors="replace").splitlines():
                try:
                    row = json.loads(line)
                    self.done[row["key"]].append(row["text"])
                except (json.JSONDecodeError, KeyError, TypeError):
                    self.skipped += 1
        path.parent.mkdir(parents=True, exist_ok=True)

    def get(self, key: str, index: int) -> str | None:
        """The index-th finished sample for key, if there is one."""
        texts = self.done.get(key, [])
        return texts[index] if index < len(texts) else None

    def add(self, key: str, text: str) -> None:
        """Record one finished sample durably."""
        with self.path.open("a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)  # one whole record at a time; released on close
            fh.write(json.dumps({"key": key, "text": text}) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        self.done[key].append(text)


class NoCache(SampleCache):
    """A cache that keeps nothing: generation with progress but without reuse."""

    def __init__(self) -> None:
        self.done = defaultdict(list)
        self.skipped = 0

    def add(self, key: str, text: str) -> None:
        """Keep nothing."""


class _Hook:
    """lm-eval's cache hook: called with every finished generation. A backend may hand it
    its own form of the generation settings (lm-eval's vllm model passes its sampling
    arguments plus until/max_gen_toks, not the request's gen_kwargs), so a generation is
    filed under the key of the pending request with the same prompt (`pending`, in request
    order), which is the key the next run looks up; the hook's own arguments only where no
    request is pending for that prompt."""

    def __init__(self, identity: dict[str, Any], cache: SampleCache, progress: Any,
                 count_tokens: Any, pending: dict[str, deque[str]] | None = None,
                 not_kept: Any = ()) -> None:
        self.identity, self.cache, self.progress, self.count = identity, cache, progress, \
            count_tokens
        self.pending = pending or {}
        self.early: Counter[str] = Counter()  # prompts reported by add_finished
        self.not_kept = not_kept  # generations a server stopped short: a rerun asks again

    def add_finished(self, context: str, text: str) -> None:
        """A generation reported by the backend as soon as it finished (the vllm backend),
        before lm-eval reports it again at the end of its call: filed now, so that a kill
        before that end loses nothing finished."""
        queue = self.pending.get(context)
        if not queue:
            return
        self.cache.add(queue.popleft(), text)
        self.early[context] += 1
        self.progress.advance(self.count(text))

    def add_partial(self, attr: str, req: Any, res: Any) -> None:
        if attr != "generate_until":
            return
        context, gen_kwargs = req
        if isinstance(context, str) and self.early[context]:
            self.early[context] -= 1  # filed already, by add_finished
            return
        queue = self.pending.get(context) if isinstance(context, str) else None
        key = queue.popleft() if queue else _key(self.identity, context, gen_kwargs)
        if res not in self.not_kept:
            self.cache.add(key, res)
        self.progress.advance(self.count(res))


def reused_part(samples: list[dict[str, Any]], identity: dict[str, Any], reused: Counter[str],
                count: Any) -> dict[str, Any]:
    """How much of one task's logged samples came from the cache rather than this run: the
    samples, their output tokens (None without a tokenizer) and how many of them were correct
    (None where the grader gives no per-generation verdict). The first `reused[key]`
    generations of a request were the cached ones (the wrapper serves them in order);
    `reused` is consumed as samples are matched."""
    n, tokens, correct = 0, 0 if count else None, 0.0
    known = True
    for sample in samples:
        args = sample.get("arguments") or []
        if not args:
            continue
        key = _key(identity, *args[0])
        texts = texts_of(sample)
        r = min(len(texts), reused[key])
        if not r:
            continue
        reused[key] -= r
        n += r
        if tokens is not None:
            tokens += sum(count(t) for t in texts[:r])
        graded = sample.get("graded")
        if graded is None:
            known = False
        else:
            correct += sum(bool(g.get("correct")) for g in graded[:r])
    return {"samples_reused": n, "output_tokens_reused": tokens,
            "correct_reused": correct if known else None}


def enable(lm: Any, identity: dict[str, Any], cache: SampleCache, tokenizer: Any) -> None:
    """Make `lm` (an lm-eval LM) serve finished samples from `cache` and record new ones."""
    inner = lm.generate_until

    replay = getattr(lm, "replays", False)  # logged generations served again (regrade.py)
    count = (None if replay else token_counter(tokenizer)) or (lambda text: 0)

    def generate_until(requests: list[Any], disable_tqdm: bool = False) -> list[str]:
        seen: Counter[str] = Counter()
        out: list[str | None] = []
        todo: list[int] = []
        for i, req in enumerate(requests):
            key = _key(identity, *req.args)
            out.append(cache.get(key, seen[key]))
            seen[key] += 1
            if out[-1] is None:
                todo.append(i)
        reused: Counter[str] = getattr(lm, "reused_keys", None) or Counter()
        for i, req in enumerate(requests):
            if out[i] is not None:
                reused[_key(identity, *req.args)] += 1
        lm.reused_keys = reused
        pending: dict[str, deque[str]] = defaultdict(deque)
        for i in todo:
            context = requests[i].args[0]
            if isinstance(context, str):
                pending[context].append(_key(identity, *requests[i].args))
        progress = progress_for("regrading" if replay else "generating")
        progress.start(total=len(requests), done=len(requests) - len(todo))
        short = getattr(lm, "stopped_short", None)  # filled as the generations arrive
        lm.set_cache_hook(_Hook(identity, cache, progress, count, pending,
                                short if short is not None else ()))
        try:
            if todo:
                fresh = inner([requests[i] for i in todo], disable_tqdm=True)
                for i, text in zip(todo, fresh, strict=True):
                    out[i] = text
        finally:
            progress.stop()
        return [text if text is not None else "" for text in out]

    lm.generate_until = generate_until

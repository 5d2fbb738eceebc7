"""An lm-eval model that generates nothing: it answers each request with the text a run
logged for that problem (harness regrade), refusing a problem the run did not log or whose
doc is not the one it logged."""

from __future__ import annotations

import json
from collections import deque
from typing import Any

from lm_eval.api.model import LM

from harness.accuracy.metrics import texts_of
from harness.errors import HarnessError


class ReplayLM(LM):
    """An lm-eval model that answers each generation request with the text a run logged for
    that task's problem, in the order it logged them (one per repeat)."""

    replays = True  # progress says "regrading", with no token rate (resume.enable)

    def __init__(self, samples: dict[str, list[dict[str, Any]]], source: str) -> None:
        super().__init__()
        self.source = source
        self.logged = {(task, row.get("doc_id")): deque(texts_of(row))
                       for task, rows in samples.items() for row in rows}
        self.hashes = {(task, row.get("doc_id")): row.get("doc_hash")
                       for task, rows in samples.items() for row in rows}
        # the generations the run graded as truncated: at the token limit, whatever grades them
        self.stopped_short = {text for rows in samples.values() for row in rows
                              for text, g in zip(texts_of(row), row.get("graded") or [],
                                                 strict=False)
                              if isinstance(g, dict) and g.get("truncated")}

    @property
    def tokenizer_name(self) -> str:
        return "replay"

    def apply_chat_template(self, chat_history: list[dict[str, str]],
                            add_generation_prompt: bool = True) -> str:
        """The prompt is not sent anywhere: any rendering will do."""
        return "\n".join(str(turn.get("content", "")) for turn in chat_history)

    def generate_until(self, requests: list[Any], disable_tqdm: bool = False) -> list[str]:
        """The logged text of each request's problem, next in line."""
        out = []
        for req in requests:
            queue = self.logged.get((req.task_name, req.doc_id))
            if not queue:
                raise HarnessError(
                    f"Run {self.source} logged no generation for problem {req.doc_id} of task "
                    f"{req.task_name} (or fewer than this regrade asks for): the task, its "
                    "dataset or the suite's limits changed since it ran. Regrade with the "
                    "task files it ran with, or run the bench again.")
            logged = self.hashes.get((req.task_name, req.doc_id))
            if logged and logged != doc_hash(req.doc):
                raise HarnessError(
                    f"Problem {req.doc_id} of task {req.task_name} is not the problem run "
                    f"{self.source} logged there (its doc does not match the logged "
                    "doc_hash: the samples file was edited, or the task's dataset changed "
                    "since it ran), so its generations would be graded against other "
                    "problems' answers. Regrade the run's own samples files, or with the "
                    "dataset it ran on.")
            text = queue.popleft()
            self.cache_hook.add_partial("generate_until", req.args, text)
            out.append(text)
        return out

    def loglikelihood(self, requests: list[Any], disable_tqdm: bool = False) -> list[Any]:
        raise HarnessError("Only generated answers can be regraded; this task scores "
                           "log-likelihoods, which need the model.")

    loglikelihood_rolling = loglikelihood

    def left(self) -> int:
        """Logged generations no request asked for (the suite now asks for fewer)."""
        return sum(len(queue) for queue in self.logged.values())


def doc_hash(doc: Any) -> str:
    """A problem's hash as lm-eval logs it with each sample (`doc_hash`)."""
    from lm_eval.utils import handle_non_serializable, hash_string

    return hash_string(json.dumps(doc, indent=2, default=handle_non_serializable,
                                  ensure_ascii=False))

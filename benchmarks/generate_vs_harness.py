"""Cross-check the harness's decode measurement against a bare `model.generate` in one process.

Both time the same model, the same prompt tokens and the same number of new tokens, and
take turns (harness, bare, harness, bare, ...) so that a change in the machine's load hits
both alike. Harness: harness.perf.timing's decode point (per-token stamps from a streamer,
decode = last stamp - first stamp). Bare: generate() with a logits processor as its clock,
an independent stamp at every step after the device is synchronized (the way
optimum-benchmark's per-token latency tracker does it), decode = last - first step. The
script prints every round and the median ratio, and exits 1 when that is outside 10%.

    .venv/bin/python benchmarks/generate_vs_harness.py [--model smollm2-135m] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Any

import torch

from harness import environment, models
from harness.backends.hf import HFBackend
from harness.config.configs import PerfSettings
from harness.perf import timing


class StepClock:
    """A logits processor that stamps every decoding step (device synchronized first)."""

    def __init__(self, device: str) -> None:
        self.sync = timing.sync_for(device)
        self.times: list[float] = []

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        self.sync()
        self.times.append(time.perf_counter())
        return scores


def bare_rate(runner: timing.Runner, prompt: int, new: int) -> float:
    """Decode tokens/s of one plain generate() timed from inside by StepClock."""
    from transformers import LogitsProcessorList

    gen = torch.Generator().manual_seed(prompt * 1000 + 1)  # the harness's prompt tokens
    picks = torch.randint(0, len(runner.vocab), (1, prompt), generator=gen)
    ids = torch.tensor(runner.vocab)[picks].to(runner.device)
    clock = StepClock(runner.device)
    with torch.inference_mode():
        runner.model.generate(input_ids=ids, attention_mask=torch.ones_like(ids),
                              max_new_tokens=new, min_new_tokens=new, do_sample=False,
                              pad_token_id=runner.pad,
                              logits_processor=LogitsProcessorList([clock]))
    return (len(clock.times) - 1) / (clock.times[-1] - clock.times[0])


def main() -> int:
    """Alternate both measurements and print them side by side."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--prompt-tokens", type=int, default=16)
    ap.add_argument("--new-tokens", type=int, default=128)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--device", default="auto")
    args = ap.parse_args()

    backend = HFBackend(models.resolve(args.model), device=args.device)
    runner = timing.Runner(backend.model, backend.tokenizer, backend.device, "eager")
    prompt, new = args.prompt_tokens, args.new_tokens
    settings = PerfSettings(new_tokens=new, repeats=1, warmup=0)
    runner.timed(prompt, 1, new, timing.sync_for(backend.device))  # warm-up for both
    bare_rate(runner, prompt, new)
    hw = environment.hardware(backend.device)["label"]
    print(f"model {args.model}, {hw}, {backend.dtype}, threads {backend.threads or '-'}, "
          f"prompt {prompt} tokens, {new} new tokens, {args.rounds} interleaved rounds")
    ratios = []
    for i in range(args.rounds):
        harness = timing.point(runner, "decode", prompt, 1, settings, None)
        bare = bare_rate(runner, prompt, new)
        ratios.append(harness["decode_tokens_per_s"] / bare)
        print(f"round {i + 1}: harness {harness['decode_tokens_per_s']:8.2f} tok/s "
              f"(TTFT {harness['ttft_s'] * 1e3:6.1f} ms, TPOT {harness['tpot_s'] * 1e3:6.2f} ms)"
              f"   bare {bare:8.2f} tok/s   ratio {ratios[-1]:.3f}")
    ratio = statistics.median(ratios)
    within = abs(ratio - 1) <= 0.10
    print(f"median ratio harness/bare: {ratio:.3f} ({'within' if within else 'OUTSIDE'} 10%)")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())

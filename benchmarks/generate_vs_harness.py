"""Cross-check the harness's decode measurement against plain `model.generate` timing.

Both time the same model (smollm2-135m), the same prompt tokens and the same number of new
tokens, in one process. Plain: wall time of generate() with EOS suppressed, tokens / second
(the short prompt makes prefill negligible). Harness: harness.perf.timing's decode point, which
subtracts the time to first token. They should agree within 10%; the script exits 1 if not.

    .venv/bin/python benchmarks/generate_vs_harness.py [--model smollm2-135m] [--new-tokens 128]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from harness import models
from harness.config.configs import PerfSettings
from harness.perf import timing


def main() -> int:
    """Time both ways and print them side by side."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--prompt-tokens", type=int, default=16)
    ap.add_argument("--new-tokens", type=int, default=128)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    resolved = models.resolve(args.model)
    tok = AutoTokenizer.from_pretrained(resolved.path)
    model = AutoModelForCausalLM.from_pretrained(resolved.path, dtype=torch.float32).eval()
    runner = timing.Runner(model, tok, "cpu", "eager")

    # The same prompt tokens the harness will use (its generator is seeded by shape).
    gen = torch.Generator().manual_seed(args.prompt_tokens * 1000 + 1)
    picks = torch.randint(0, len(runner.vocab), (1, args.prompt_tokens), generator=gen)
    ids = torch.tensor(runner.vocab)[picks]
    n = args.new_tokens
    plain = []
    for i in range(args.repeats + 1):
        t0 = time.perf_counter()
        with torch.inference_mode():
            out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids),
                                 max_new_tokens=n, min_new_tokens=n, do_sample=False,
                                 pad_token_id=runner.pad)
        if i:  # the first call is the warm-up
            plain.append(time.perf_counter() - t0)
        assert out.shape[1] == args.prompt_tokens + n
    plain_rate = n / statistics.median(plain)

    settings = PerfSettings(new_tokens=n, repeats=args.repeats, warmup=1)
    point = timing.point(runner, "decode", args.prompt_tokens, 1, settings, None)
    harness_rate = point["decode_tokens_per_s"]
    ratio = harness_rate / plain_rate
    print(f"model {args.model}, CPU, {torch.get_num_threads()} threads, prompt "
          f"{args.prompt_tokens} tokens, {n} new tokens, median of {args.repeats}")
    print(f"plain model.generate : {plain_rate:8.2f} tokens/s (wall time, prefill included)")
    print(f"harness decode       : {harness_rate:8.2f} tokens/s (E2E - TTFT, per token)")
    within = abs(ratio - 1) <= 0.10
    print(f"ratio harness/plain  : {ratio:8.3f} ({'within' if within else 'OUTSIDE'} 10%)")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())

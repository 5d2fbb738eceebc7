"""The graph-loop decode variant gives generate()'s greedy tokens and per-token stamps."""

from __future__ import annotations

import pytest

from harness import models
from harness.backends.hf import HFBackend
from harness.perf.graph_loop import GraphLoopRunner, cache_keyword

torch = pytest.importorskip("torch")


def greedy_reference(backend: HFBackend, ids: object, new: int) -> object:
    with torch.inference_mode():
        out = backend.model.generate(input_ids=ids, attention_mask=torch.ones_like(ids),
                                     max_new_tokens=new, min_new_tokens=new, do_sample=False,
                                     cache_implementation="static", disable_compile=True,
                                     pad_token_id=0)
    return out[:, ids.shape[1]:]


def test_the_cache_goes_by_the_name_forward_takes() -> None:
    class Old:
        def forward(self, input_ids: object, past_key_values: object = None) -> None: ...

    class New:
        def forward(self, input_ids: object, cache: object = None) -> None: ...

    assert cache_keyword(Old()) == "past_key_values"
    assert cache_keyword(New()) == "cache"


# transformers 5.24 renamed forward's past_key_values to cache (the old name goes in 5.40)
@pytest.mark.filterwarnings("error:.*past_key_values.*deprecated:FutureWarning")
@pytest.mark.parametrize("device", ["cpu", pytest.param("cuda", marks=pytest.mark.gpu)])
def test_the_graph_loop_decodes_what_generate_decodes(device: str) -> None:
    backend = HFBackend(models.resolve("smollm2-135m"), device=device)
    runner = GraphLoopRunner(backend.model, backend.tokenizer, backend.device)
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    runner.begin_point(24, 12)
    for batch in (1, 2):
        for _ in range(2):  # the second call reuses the cache (and on a GPU, the graph)
            stamps = runner.stamped(24, batch, 12, sync)
            expected = greedy_reference(backend, runner._prompt(24, batch), 12)
            assert torch.equal(runner.last_tokens, expected)
            assert len(stamps.tokens) == 12
            assert stamps.start <= stamps.tokens[0] <= stamps.tokens[-1] <= stamps.end + 1e-3

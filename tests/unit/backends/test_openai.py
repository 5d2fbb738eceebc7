"""The openai backend's pieces without llama.cpp: lm-eval chat model corrections, streaming
timing on a small SSE server written here (vLLM's stream format: reasoning deltas and a
final usage chunk), the perf arithmetic, and the errors a user can meet."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import models
from harness.backends.openai import OpenAIBackend, normalize_base_url, public_url
from harness.errors import HarnessError
from harness.perf import serving
from harness.perf.serving import Request


def test_join_reasoning_keeps_thinking_and_truncation() -> None:
    from harness.backends.chat_lm import join_reasoning

    assert join_reasoning({"content": "42"}, "</think>") == "42"
    both = {"reasoning_content": "2*21", "content": "42"}
    assert join_reasoning(both, "</think>") == "2*21</think>42"
    assert join_reasoning({"reasoning": "2*21", "content": "42"}, "</think>") == "2*21</think>42"
    # the limit hit while thinking: no think-end, so the grader scores it as truncated
    assert join_reasoning({"reasoning_content": "2*2", "content": None}, "</think>") == "2*2"


def test_chat_payload_samples_independently_and_reads_the_named_key(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.backends.chat_lm import ReasoningChatCompletions

    lm = ReasoningChatCompletions(key_env="MY_SERVER_KEY", think_end="</think>", model="m",
                                  base_url="http://127.0.0.1:9/v1/chat/completions",
                                  tokenizer_backend=None, tokenized_requests=False)
    msgs = [{"role": "user", "content": "hi"}]
    sampled = lm._create_payload(msgs, generate=True, gen_kwargs={
        "do_sample": True, "temperature": 0.6, "top_p": 0.95, "until": [], "max_gen_toks": 8})
    assert "seed" not in sampled and sampled["temperature"] == 0.6 and sampled["top_p"] == 0.95
    assert sampled["max_tokens"] == 8 and "stop" not in sampled
    greedy = lm._create_payload(msgs, generate=True, gen_kwargs={"do_sample": False,
                                                                 "until": ["\n\n"]})
    assert greedy["seed"] == 1234 and greedy["stop"] == ["\n\n"]
    monkeypatch.delenv("MY_SERVER_KEY", raising=False)
    assert lm.header == {}
    monkeypatch.setenv("MY_SERVER_KEY", "k-123")
    assert lm.header == {"Authorization": "Bearer k-123"}
    assert "k-123" not in json.dumps(vars(lm), default=str)
    out = {"choices": [{"index": 0, "message": {"reasoning_content": "r", "content": "a"}}],
           "usage": {"prompt_tokens": 9, "completion_tokens": 4}}
    assert lm.parse_generations(out) == ["r</think>a"]
    assert lm.usage == {"responses": 1, "completion_tokens": 4, "prompt_tokens": 9,
                        "prompts_refused": 0, "budget_cut": 0}
    # a server that stops below the length asked (its context), as llama.cpp's does
    lm.asked = 1000
    short = {"choices": [{"index": 0, "message": {"content": "a"}, "finish_reason": "length"}],
             "usage": {"prompt_tokens": 43, "completion_tokens": 213}}
    lm.parse_generations(short)
    lm.parse_generations({**short, "usage": {"prompt_tokens": 43, "completion_tokens": 1000}})
    assert lm.usage["budget_cut"] == 1  # the second reached the limit asked: not cut short


def test_without_a_tokenizer_output_tokens_come_from_server_usage() -> None:
    from harness.accuracy.evaluate import generation_stats

    samples = [{"resps": [["a"]]}, {"resps": [["b"]]}]
    full = generation_stats(samples, None, 64, server={"responses": 2, "completion_tokens": 30,
                                                       "prompt_tokens": 10})
    assert full["output_tokens_total"] == 30 and full["counted_by"].startswith("the server")
    part = generation_stats(samples, None, 64, server={"responses": 1, "completion_tokens": 9,
                                                       "prompt_tokens": 5})
    assert part["output_tokens_total"] is None and "1 of 2" in part["reason"]


def test_summarize_follows_the_vllm_definitions() -> None:
    reqs = [Request(True, e2e_s=1.0, ttft_s=0.1, itl_s=[0.1] * 9, output_tokens=10),
            Request(True, e2e_s=2.0, ttft_s=0.2, itl_s=[0.2] * 9, output_tokens=10),
            Request(False, e2e_s=0.5, error="HTTP 500: boom")]
    out = serving.summarize(reqs, wall_s=2.5, concurrency=2)
    assert out["requests"] == 3 and out["failed"] == 1 and out["errors"] == ["HTTP 500: boom"]
    assert out["tpot_s"] == pytest.approx((0.9 / 9 + 1.8 / 9) / 2)
    assert out["ttft_s"] == pytest.approx(0.15) and out["ttft_p99_s"] == pytest.approx(0.199)
    assert out["output_tokens_per_s"] == pytest.approx(20 / 2.5)
    assert out["request_throughput_per_s"] == pytest.approx(2 / 2.5)
    assert out["itl_s"] == pytest.approx(0.15) and out["e2e_p90_s"] == pytest.approx(1.9)
    assert Request(True, 1.0, ttft_s=0.5, output_tokens=1).tpot_s is None


def _sse_server(chunks: list[dict], delay: float = 0.01):
    """A tiny OpenAI-style streaming endpoint on a loopback port (aiohttp.web)."""
    from aiohttp import web

    async def handler(request: web.Request) -> web.StreamResponse:
        body = await request.json()
        assert body["stream"] is True and body["ignore_eos"] is True
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        for chunk in chunks:
            await asyncio.sleep(delay)
            await resp.write(f"data: {json.dumps(chunk)}\n\n".encode())
        await resp.write(b"data: [DONE]\n\n")
        return resp

    app = web.Application()
    app.router.add_post("/v1/chat/completions", handler)
    return app


def test_stream_counts_usage_and_reasoning_deltas() -> None:
    from aiohttp import web

    def delta(**d: str) -> dict:
        return {"choices": [{"index": 0, "delta": d}]}

    chunks = [delta(role="assistant"), delta(reasoning_content="think"),
              delta(reasoning_content=" more"), delta(content="42"),
              {"choices": [], "usage": {"prompt_tokens": 7, "completion_tokens": 5}}]

    async def go() -> tuple[list[Request], float]:
        runner = web.AppRunner(_sse_server(chunks))
        await runner.setup()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        try:
            payloads = [{"stream": True, "ignore_eos": True}] * 3
            return await serving.run_point(f"http://127.0.0.1:{port}/v1/chat/completions", {},
                                           payloads, 2, 30)
        finally:
            await runner.cleanup()

    reqs, wall = asyncio.run(go())
    assert all(r.ok for r in reqs) and wall > 0
    r = reqs[0]
    assert r.output_tokens == 5 and r.prompt_tokens == 7 and r.counted_by == "usage"
    assert len(r.itl_s) == 2 and 0 < r.ttft_s < r.e2e_s  # three text chunks, two gaps
    out = serving.summarize(reqs, wall, 2)
    assert out["tokens_counted_by"] == "usage" and out["server_prompt_tokens"] == 7


def test_base_url_forms_and_credentials() -> None:
    assert normalize_base_url("http://h:8000") == "http://h:8000/v1"
    assert normalize_base_url("http://h:8000/v1/") == "http://h:8000/v1"
    assert public_url("https://h:1/v1?key=abc#x") == "https://h:1/v1"
    with pytest.raises(HarnessError, match="environment variable"):
        normalize_base_url("http://me:pw@h:8000/v1")
    with pytest.raises(HarnessError, match="environment variable"):
        normalize_base_url("http://h:8000/v1?api_key=abc")
    with pytest.raises(HarnessError, match="not an http"):
        normalize_base_url("h:8000")


def test_unreachable_or_missing_server_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    model = models.resolve("deepseek-r1", local=False)  # no weights needed for a served model
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends
    with pytest.raises(HarnessError, match="Cannot reach an OpenAI-compatible server"):
        OpenAIBackend(model, base_url=f"http://127.0.0.1:{port}/v1")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(HarnessError, match="--base-url"):
        OpenAIBackend(model)
    with pytest.raises(HarnessError, match="Unknown argument.*tensor_parallel_size"):
        OpenAIBackend(model, base_url="http://127.0.0.1:1", tensor_parallel_size=8)


def test_declared_server_hardware_is_parsed_and_labelled() -> None:
    backend = OpenAIBackend.__new__(OpenAIBackend)
    backend.base_url, backend.server_hardware = "http://gpu-host:8000/v1", "8x NVIDIA H200"
    hw = backend.hardware()
    assert (hw["accelerator"], hw["accelerator_count"]) == ("NVIDIA H200", 8)
    assert hw["declared_by_user"] and hw["label"] == "server gpu-host (8x NVIDIA H200, declared)"


@pytest.fixture
def refusing_server() -> Iterator[str]:
    """A server that speaks vLLM's API as far as refusals go, on a loopback port in a thread
    of its own: /v1/models lists a model with its max_model_len (4,096), and every chat
    request is refused for a reason other than length."""
    import threading

    from aiohttp import web

    async def listed(_: web.Request) -> web.Response:
        return web.json_response({"data": [{"id": "smollm2-135m", "max_model_len": 4096}]})

    async def refuse(_: web.Request) -> web.Response:
        return web.json_response({"error": {"message": "top_k is not supported here",
                                            "code": 400}}, status=400)

    app = web.Application()
    app.router.add_get("/v1/models", listed)
    app.router.add_post("/v1/chat/completions", refuse)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.run_until_complete(runner.cleanup())
        loop.close()


def test_a_context_the_server_cannot_hold_stops_before_generating(refusing_server: str,
                                                                  results_dir: Path) -> None:
    from harness.bench import BenchOptions, run_bench

    with pytest.raises(HarnessError, match="context of 4,096 tokens.*--max-model-len 13192"):
        run_bench(BenchOptions(model="smollm2-135m", suite="default", backend="openai",
                               limit=1, perf=False, resume=False,
                               gen_kwargs=(("max_gen_toks", "5000"),),
                               backend_args=(("base_url", refusing_server),)))


def test_any_other_refusal_stops_with_the_servers_reason(refusing_server: str,
                                                         results_dir: Path) -> None:
    from harness.bench import BenchOptions, run_bench

    with pytest.raises(HarnessError, match="HTTP 400: .*top_k is not supported here"):
        run_bench(BenchOptions(model="smollm2-135m", suite="default", backend="openai",
                               limit=1, perf=False, resume=False,
                               backend_args=(("base_url", refusing_server),
                                             ("max_retries", "1"))))

"""OpenAI-compatible server backend: vLLM, SGLang, llama.cpp, TGI or any /v1 endpoint.

Accuracy goes through lm-eval's chat-completions model (harness.backends.chat_lm) with
`concurrency` requests in flight; perf through streaming requests (harness.perf.serving). The
server owns the weights, the chat template and the GPUs: nothing is loaded here but the
model's tokenizer, from disk or (online) its files alone, to count tokens and build prompts
of a given length; without it, token counts come from the server's usage field. Energy and
device memory are not measurable from the client.

The API key is read from the environment variable named by `api_key_env` when a request is
sent; neither it nor credentials in the URL reach run.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING, Any

from harness.config.configs import PerfSettings
from harness.errors import HarnessError
from harness.models import ResolvedModel

if TYPE_CHECKING:
    from harness.perf.sweep import OnPoint

ARGS: dict[str, type] = {"base_url": str, "served_model": str, "api_key_env": str,
                         "concurrency": int, "timeout_s": float, "max_retries": int,
                         "server_hardware": str}
REMOTE_REASON = ("remote server: its GPUs are not on this machine, so energy and device "
                 "memory cannot be read here (measure them on the server, e.g. with its "
                 "/metrics or nvidia-smi)")


def public_url(url: str) -> str:
    """`url` without user:password, query or fragment (safe to record)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def normalize_base_url(url: str) -> str:
    """http://host:port, http://host:port/v1 or .../v1/ -> http://host:port/v1."""
    url = url.rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise HarnessError(f"--base-url {url!r} is not an http(s) URL; pass the server's "
                           "address, e.g. http://127.0.0.1:8000/v1.")
    parts = urllib.parse.urlsplit(url)
    if parts.username is not None or parts.query:
        # the command line is recorded in run.json: a key in the URL would be written there
        raise HarnessError("--base-url carries a user name, password or query string; URLs "
                           "end up in run.json and logs. Pass the key in an environment "
                           "variable instead (OPENAI_API_KEY, or the one named by "
                           "--backend-arg api_key_env=NAME).")
    return url if url.endswith("/v1") else f"{url}/v1"


def check_args(args: dict[str, Any]) -> dict[str, Any]:
    """The arguments with the server's address found and normalized (HarnessError where it
    is missing, not http(s), or carries credentials); run before anything is loaded."""
    base = args.get("base_url") or os.environ.get("OPENAI_BASE_URL")
    if not base:
        raise HarnessError(
            "The openai backend needs the server's address: pass --base-url "
            "http://HOST:PORT/v1 (or set OPENAI_BASE_URL). Start a server first, e.g. "
            "`vllm serve deepseek-ai/DeepSeek-R1 --tensor-parallel-size 8` (README).")
    return {**args, "base_url": normalize_base_url(str(base))}


class OpenAIBackend:
    """A model served behind an OpenAI-compatible HTTP API."""

    name = "openai"
    device = "remote"
    remote = True
    energy_unavailable = REMOTE_REASON

    def __init__(self, model: ResolvedModel, device: str = "auto", batch_size: int = 8,
                 dtype: str | None = None, **args: Any) -> None:
        unknown = sorted(set(args) - set(ARGS))
        if unknown:
            raise HarnessError(f"Unknown argument(s) for the openai backend: "
                               f"{', '.join(unknown)}. Known: {', '.join(sorted(ARGS))}.")
        self.model_ref = model
        self.base_url = check_args(args)["base_url"]
        self.key_env = str(args.get("api_key_env") or "OPENAI_API_KEY")
        self.concurrency = int(args.get("concurrency") or batch_size)
        self.timeout_s = float(args.get("timeout_s") or 3600)
        self.max_retries = int(args.get("max_retries") or 3)
        self.server_hardware = args.get("server_hardware")
        self.contexts: dict[str, int] = {}
        served = self._served_models()
        self.served_model = str(args.get("served_model") or self._pick(served))
        if served and self.served_model not in served:
            raise HarnessError(f"The server at {public_url(self.base_url)} serves "
                               f"{', '.join(served)}, not {self.served_model!r}; fix "
                               "--backend-arg served_model=NAME.")
        self.tokenizer = _local_tokenizer(model)

    def _headers(self) -> dict[str, str]:
        key = os.environ.get(self.key_env, "")
        return {"Authorization": f"Bearer {key}"} if key else {}

    def _served_models(self) -> list[str]:
        """The ids the server lists; their context lengths where it says them (vLLM's and
        SGLang's `max_model_len`) go to self.contexts."""
        req = urllib.request.Request(f"{self.base_url}/models", headers=self._headers())
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                listed = json.load(resp).get("data", [])
                self.contexts = {m["id"]: m["max_model_len"] for m in listed
                                 if isinstance(m.get("max_model_len"), int)}
                return [m["id"] for m in listed]
        except urllib.error.HTTPError as exc:
            hint = f" (check ${self.key_env})" if exc.code in (401, 403) else ""
            raise HarnessError(f"The server at {public_url(self.base_url)} answered "
                               f"GET /models with HTTP {exc.code}{hint}.") from exc
        except (OSError, ValueError) as exc:
            raise HarnessError(
                f"Cannot reach an OpenAI-compatible server at {public_url(self.base_url)} "
                f"({exc}). Start it (vllm serve, python -m sglang.launch_server, "
                "python -m llama_cpp.server, ...) or fix --base-url.") from exc

    def _pick(self, served: list[str]) -> str:
        cfg = self.model_ref.config
        wanted = [x for x in (self.model_ref.name, cfg.source.hub_id if cfg else None,
                              self.model_ref.path) if x]
        for name in wanted:
            if name in served:
                return name
        if len(served) == 1:
            return served[0]
        raise HarnessError(
            f"The server serves {', '.join(served) or 'no models'}; say which one is "
            f"{self.model_ref.name} with --backend-arg served_model=NAME.")

    def lm(self) -> Any:
        """lm-eval's chat-completions model pointed at the server (harness.backends.chat_lm)."""
        from harness.backends.chat_lm import ReasoningChatCompletions

        cfg = self.model_ref.config
        lm = ReasoningChatCompletions(
            key_env=self.key_env, think_end=cfg.chat.think_end if cfg else None,
            model=self.served_model, base_url=f"{self.base_url}/chat/completions",
            num_concurrent=self.concurrency, max_retries=self.max_retries,
            timeout=int(self.timeout_s), tokenizer_backend=None, tokenized_requests=False)
        lm.server_context = self.contexts.get(self.served_model)  # evaluate._check_context
        return lm

    def _prompt(self, tokens: int, seed: int) -> str:
        """About `tokens` tokens of seeded random text, different for every seed."""
        rng = random.Random(seed)
        tok = self.tokenizer
        if tok is None:
            return " ".join(f"w{rng.randrange(10**6)}" for _ in range(max(tokens // 3, 1)))
        special = set(tok.all_special_ids)
        ids = [i for i in (rng.randrange(len(tok)) for _ in range(tokens * 2))
               if i not in special][:tokens]
        return tok.decode(ids)

    def _payload(self, tokens: int, new: int, seed: int) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "model": self.served_model, "max_tokens": new, "temperature": 0.0, "stream": True,
            "stream_options": {"include_usage": True},
            "messages": [{"role": "user", "content": self._prompt(tokens, seed)}],
            # fixed output length where the server allows it (harness.perf.serving); not
            # min_tokens: llama-cpp-python's min_tokens displaces the EOS logit bias
            "ignore_eos": True,
        }
        eos = getattr(self.tokenizer, "eos_token_id", None)
        if isinstance(eos, int):
            payload["logit_bias"] = {str(eos): -100}
        return payload

    def _templated_tokens(self, messages: list[dict[str, str]]) -> int | None:
        """Prompt tokens after the chat template, counted here (for servers that send no
        usage); None without a local tokenizer and template."""
        tok = self.tokenizer
        if tok is None or not getattr(tok, "chat_template", None):
            return None
        try:
            ids = tok.apply_chat_template(messages, add_generation_prompt=True, tokenize=True)
        except Exception:  # a template that needs arguments we do not have
            return None
        return len(ids if isinstance(ids, list) else ids["input_ids"])  # transformers 4 or 5

    def measure_perf(self, settings: PerfSettings,
                     on_point: OnPoint | None = None) -> dict[str, Any]:
        """Prefill (TTFT) at each prompt length, one request at a time, then decode at each
        of the suite's batch sizes taken as concurrency levels (harness.perf.serving); `on_point`
        sees each point as it is finished."""
        from harness.perf import serving
        from harness.perf.sweep import headline

        url = f"{self.base_url}/chat/completions"
        scenarios = [("prefill", n, 1, 1) for n in settings.prefill_lengths] + \
            [("decode", settings.decode_prompt_tokens, c, settings.new_tokens)
             for c in settings.decode_batch_sizes]
        points, seed = [], 0
        for kind, prompt, conc, new in scenarios:
            base = {"variant": "server", "kind": kind, "prompt_tokens": prompt,
                    "batch_size": conc, "new_tokens": new}
            warm = [self._payload(prompt, min(new, 4), seed + i)
                    for i in range(settings.warmup * conc)]
            todo = [self._payload(prompt, new, seed + len(warm) + i)
                    for i in range(settings.repeats * conc)]
            seed += len(warm) + len(todo)
            if warm:
                asyncio.run(serving.run_point(url, self._headers(), warm, conc, self.timeout_s))
            reqs, wall = asyncio.run(serving.run_point(url, self._headers(), todo, conc,
                                                       self.timeout_s))
            p = {**base, **serving.summarize(reqs, wall, conc)}
            p["templated_prompt_tokens"] = self._templated_tokens(todo[0]["messages"])
            p["status"] = "ok" if p["failed"] < p["requests"] else "error"
            if p["status"] == "error":
                p["reason"] = "; ".join(p.get("errors", []))[:300]
            elif kind == "prefill" and p["ttft_s"]:
                seen = p["server_prompt_tokens"] or p["templated_prompt_tokens"] or prompt
                p["prefill_tokens_per_s"] = seen / p["ttft_s"]
            else:
                p["decode_tokens_per_s"] = p["output_tokens_per_s"]
                p["fixed_length_honoured"] = all(r.output_tokens == new for r in reqs if r.ok)
            points.append(p)
            if on_point is not None:
                on_point(p)
        return {"points": points, "method": serving.__doc__.split("\n\n")[1].replace("\n", " "),
                "limits": None, "device_peak_bytes": None, "device_peak_reason": REMOTE_REASON,
                "energy_reason": REMOTE_REASON, **headline(points)}

    def describe(self) -> dict[str, Any]:
        """What run.json records: the endpoint without credentials, never the key."""
        return {"name": self.name, "device": self.device, "base_url": public_url(self.base_url),
                "served_model": self.served_model, "concurrency": self.concurrency,
                "api_key_env": self.key_env, "dtype": None,
                "tokenizer": getattr(self.tokenizer, "name_or_path", None)}

    def hardware(self) -> dict[str, Any]:
        """The server's hardware as the user declared it (not measured from here)."""
        declared = self.server_hardware
        count = None
        if declared and (m := re.match(r"\s*(\d+)\s*x\s*(.+)", declared)):
            count, declared = int(m.group(1)), m.group(2).strip()
        return {"device": "remote", "server": public_url(self.base_url),
                "accelerator": declared, "accelerator_count": count, "driver": None,
                "declared_by_user": bool(declared),
                "label": f"server {urllib.parse.urlsplit(self.base_url).hostname}"
                         + (f" ({self.server_hardware}, declared)" if declared else "")}

    def weight_bytes(self) -> None:
        """Unknown from the client."""
        return None

    def parameter_count(self) -> None:
        """Unknown from the client."""
        return None

    def close(self) -> None:
        """Nothing is held locally."""


def _local_tokenizer(model: ResolvedModel) -> Any:
    """The model's tokenizer: from disk, or (when the hub is reachable) its few files alone,
    never the weights; None if neither works (token counts then come from the server)."""
    if not model.path:
        return None
    try:
        from transformers import AutoTokenizer

        from harness.models import offline

        return AutoTokenizer.from_pretrained(model.path, revision=model.revision,
                                             local_files_only=offline(),
                                             trust_remote_code=model.trust_remote_code)
    except Exception:  # not cached, or no tokenizer files: token counts come from the server
        return None

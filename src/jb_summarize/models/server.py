"""OpenAI-compatible inference servers (vLLM, llama.cpp's llama-server, Ollama, TGI, SGLang) as a chat generator.

    load_translator("openai:Qwen/Qwen2.5-7B-Instruct", base_url="http://gpu-host:8000/v1")

``batch_size`` is the number of requests in flight: the server's own continuous batching does the work.
Decoding is greedy (temperature 0, a fixed seed). A request that fails on 429, 5xx or a dropped connection
is retried with exponential backoff; one the server rejects (400, 413, 422) becomes a ``FailedOutput`` that
the tasks flag; a server that stops answering raises ``ServerUnavailableError``, so that a batch run keeps
what is finished and ``--resume`` does the rest. ``request_timeout`` is the deadline of one try of a
request (a server that trickles a byte at a time is cut off at it), ``total_timeout`` that of all its tries
with their backoff, and an answer over ``MAX_ANSWER_BYTES`` is a failed output. The API key is read from
the environment (or passed) and never printed, logged or recorded.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import random
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from .base import GREEDY, Decoding, FailedOutput, TextGenerator
from .hub import ModelNotAvailableError

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "LLAMA_SERVER_ENV",
    "PREFIX",
    "OpenAIChatGenerator",
    "ServerUnavailableError",
    "find_llama_server",
    "free_port",
    "serve_llama_cpp",
    "serve_llama_server",
    "server_metric",
]

PREFIX = "openai:"
API_KEY_ENV = ("JB_SUMMARIZE_API_KEY", "OPENAI_API_KEY")
BASE_URL_ENV = ("JB_SUMMARIZE_BASE_URL", "OPENAI_BASE_URL")
RETRIES_ENV = "JB_SUMMARIZE_SERVER_RETRIES"
_RETRY_STATUS = {408, 429, 500, 502, 503, 504}
MAX_ANSWER_BYTES = 16 * 1024 * 1024  # a chat answer larger than this is a failed output, never read on


class _Deadline(Exception):
    """A request that ran past its overall deadline."""


def _retries_from_env() -> int:
    """``JB_SUMMARIZE_SERVER_RETRIES``: a whole number from 0 to 20 (default 4), or a one-line error."""
    raw = os.environ.get(RETRIES_ENV, "4").strip()
    if not raw.isdigit() or int(raw) > 20:
        raise ModelNotAvailableError(f"{RETRIES_ENV} must be a whole number from 0 to 20, got {raw!r}")
    return int(raw)


logger = logging.getLogger("jb_summarize")


class ServerUnavailableError(ModelNotAvailableError):
    """The server stopped answering (refused, timed out, or failing) after every retry."""


def _first_env(names: Sequence[str]) -> str | None:
    return next((os.environ[n] for n in names if os.environ.get(n)), None)


def _short(text: str, limit: int = 160) -> str:
    return " ".join(text.split())[:limit]


class OpenAIChatGenerator(TextGenerator):
    """A model behind an OpenAI-compatible ``/chat/completions`` endpoint; inputs are message lists."""

    backend = "openai-server"
    kind = "chat"
    default_batch_size = 8
    # what the chat-completions API cannot express; the translator's checks and retries stand in for
    # forbid_chinese (an output with Chinese in it is retried with a stricter prompt, then flagged)
    unsupported = ("num_beams", "no_repeat_ngram_size", "repetition_penalty", "forbid_chinese", "min_new_tokens")

    def __init__(
        self,
        model: str = "",
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        batch_size: int | None = None,
        max_input_tokens: int | None = None,
        request_timeout: float = 120.0,
        total_timeout: float = 300.0,
        connect_timeout: float = 5.0,
        max_retries: int | None = None,
        seed: int = 0,
        device: str | None = None,  # taken so that every generator takes the same options; the server decides
    ):
        import httpx

        base_url = base_url or _first_env(BASE_URL_ENV)
        if not base_url:
            raise ModelNotAvailableError(
                f"model {PREFIX}{model}: no server given; pass --base-url URL (base_url=) or set "
                f"{BASE_URL_ENV[0]}, e.g. http://127.0.0.1:8000/v1"
            )
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ModelNotAvailableError(f"base URL {base_url!r} is not an http(s) URL such as http://host:8000/v1")
        self.host = f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname
        # a query string (?api-version=...) goes with every request, never into the path
        self.base_url = urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))
        params = parse_qsl(parts.query, keep_blank_values=True)
        self.shown_url = f"{parts.scheme}://{self.host}{parts.path.rstrip('/')}"  # for messages: no credentials
        self.max_input_tokens = max_input_tokens or 4096
        self.default_batch_size = batch_size or self.default_batch_size
        self.max_retries = max_retries if max_retries is not None else _retries_from_env()
        self.request_timeout = request_timeout
        self.total_timeout = max(total_timeout, request_timeout)
        self.connect_timeout = connect_timeout
        self.seed = seed
        key = api_key or _first_env(API_KEY_ENV)
        self._client = httpx.Client(
            headers={"Authorization": f"Bearer {key}"} if key else {},
            params=params,
            timeout=httpx.Timeout(request_timeout, connect=connect_timeout),
            limits=httpx.Limits(max_connections=max(self.default_batch_size, 1) * 2),
        )
        self._httpx = httpx
        self.model = self._served_model(model)
        self.source = f"{PREFIX}{self.model}"

    # --- the server --------------------------------------------------------------------------------

    def _served_model(self, wanted: str) -> str:
        """The model id to send: ``wanted`` if the server lists it, the only one it serves if none is named."""
        url = f"{self.base_url}/models"
        where = f"server {self.shown_url}"
        try:
            response = self._client.get(url)
        except self._httpx.TransportError as exc:
            raise ModelNotAvailableError(
                f"{where} cannot be reached ({type(exc).__name__}: {_short(str(exc))})"
            ) from exc
        if response.status_code in (401, 403):
            raise ModelNotAvailableError(
                f"{where} refused the request (HTTP {response.status_code}): set the API key in "
                f"{API_KEY_ENV[0]} or {API_KEY_ENV[1]}"
            )
        if response.status_code != 200:
            raise ModelNotAvailableError(
                f"{where} answered HTTP {response.status_code} for /models: is the URL the API root "
                f"(e.g. http://host:8000/v1)?"
            )
        try:
            served = [str(m["id"]) for m in response.json()["data"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise ModelNotAvailableError(f"{where} is not an OpenAI-compatible endpoint (no model list)") from exc
        if not wanted and len(served) == 1:
            return served[0]
        if wanted not in served:
            listed = ", ".join(served[:10]) or "none"
            what = f"does not serve model {wanted!r}" if wanted else "serves several models; name one"
            raise ModelNotAvailableError(f"{where} {what} (it serves: {listed}); use --model {PREFIX}NAME")
        return wanted

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        """Seconds before the next try: the server's Retry-After (0 to 30 s; a negative, NaN or unreadable one
        is ignored), else exponential backoff with jitter."""
        with contextlib.suppress(ValueError, TypeError):
            wanted = float(retry_after) if retry_after is not None else math.nan
            if math.isfinite(wanted) and wanted >= 0:
                return min(wanted, 30.0)
        return min(0.5 * 2**attempt, 8.0) * (0.75 + random.random() / 2)

    def _post(self, url: str, payload: dict[str, Any], seconds: float) -> tuple[int, bytes, str | None]:
        """(status, body, Retry-After) of one try, within ``seconds`` in all (``_Deadline`` past it); a body
        over ``MAX_ANSWER_BYTES`` is cut there."""
        deadline = time.monotonic() + seconds
        body = bytearray()
        timeout = self._httpx.Timeout(seconds, connect=min(self.connect_timeout, seconds))
        with self._client.stream("POST", url, json=payload, timeout=timeout) as response:
            for chunk in response.iter_bytes():
                body += chunk
                if time.monotonic() > deadline:
                    raise _Deadline(f"no full answer within {seconds:g} s")
                if len(body) > MAX_ANSWER_BYTES:
                    break
            return response.status_code, bytes(body), response.headers.get("retry-after")

    def _complete(self, messages: list[dict[str, str]], max_tokens: int, temperature: float, seed: int) -> str:
        payload = {
            "model": self.model,
            "messages": messages,
            "temperature": temperature,
            "seed": seed,
            "max_tokens": max_tokens,
        }
        last, start = "", time.monotonic()
        give_up = start + self.total_timeout
        for attempt in range(self.max_retries + 1):
            retry_after = None
            seconds = min(self.request_timeout, give_up - time.monotonic())
            try:
                status, body, retry_after = self._post(f"{self.base_url}/chat/completions", payload, seconds)
            except self._httpx.TransportError as exc:
                last = f"{type(exc).__name__}: {_short(str(exc), 80)}"
            except _Deadline as exc:
                last = str(exc)
            else:
                if status == 200:
                    if len(body) > MAX_ANSWER_BYTES:
                        return FailedOutput("", reason=f"the server's answer is over {MAX_ANSWER_BYTES} bytes")
                    try:
                        return str(json.loads(body)["choices"][0]["message"]["content"] or "")
                    except (ValueError, KeyError, IndexError, TypeError):
                        return FailedOutput("", reason="the server's answer has no message")
                if status in (401, 403):
                    raise ServerUnavailableError(
                        f"server {self.shown_url} refused the request (HTTP {status}): check the API key"
                    )
                if status not in _RETRY_STATUS:  # this request is wrong (too long, ...): flag it
                    text = body[:4096].decode("utf-8", errors="replace")
                    return FailedOutput("", reason=f"HTTP {status}: {_short(text, 120)}")
                last = f"HTTP {status}"
            if attempt == self.max_retries:
                break
            delay = self._backoff(attempt, retry_after)
            if time.monotonic() + delay >= give_up - 0.1:  # no time left for another try
                break
            logger.warning("server %s: %s; retrying in %.1f s", self.host, last, delay)
            time.sleep(delay)
        raise ServerUnavailableError(
            f"server {self.shown_url} stopped answering ({last}, {attempt + 1} tries in "
            f"{time.monotonic() - start:.0f} s); finished work is kept: run again with --resume once it is back"
        )

    # --- the TextGenerator contract ------------------------------------------------------------------

    def count_tokens(self, text: str) -> int:
        """An upper bound without the server's tokenizer: one token per character (BPE tokenizers of
        Chinese and English models take fewer)."""
        return len(text)

    def generate(
        self,
        inputs: Sequence[Any],
        *,
        max_new_tokens: Sequence[int],
        decoding: Decoding = GREEDY,
        batch_size: int | None = None,
        progress: bool = False,
    ) -> list[str]:
        """One completion per message list, ``batch_size`` requests in flight, in input order."""
        workers = max(1, batch_size or self.default_batch_size)
        if not inputs:
            return []
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="jb-server") as pool:
            temperature = decoding.temperature or 0
            seed = self.seed + decoding.seed
            futures = [
                # a sampled input gets its own seed, so that repeated inputs give different samples
                pool.submit(self._complete, list(m), n, temperature, seed + (i if temperature else 0))
                for i, (m, n) in enumerate(zip(inputs, max_new_tokens, strict=True))
            ]
            if progress:
                from tqdm.auto import tqdm

                futures_iter = tqdm(futures, desc=self.source, unit="req", leave=False)
            else:
                futures_iter = futures
            try:
                return [future.result() for future in futures_iter]
            except BaseException:
                for future in futures:
                    future.cancel()
                raise

    def notes(self, decoding: Decoding) -> list[str]:
        how = f"temperature {decoding.temperature}" if decoding.temperature else "greedy: temperature 0"
        return [*super().notes(decoding), f"{how} through the server, seed {self.seed + decoding.seed}"]

    def runtime(self) -> dict[str, Any]:
        """The server's host (never the key), the model id it reports, and the requests in flight."""
        return {"server": self.host, "server_model": self.model, "api": "chat/completions",
                "requests_in_flight": self.default_batch_size}  # fmt: skip

    def close(self) -> None:
        self._client.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


LLAMA_SERVER_ENV = "JB_SUMMARIZE_LLAMA_SERVER"


def find_llama_server() -> Path | None:
    """llama.cpp's own ``llama-server`` binary: ``$JB_SUMMARIZE_LLAMA_SERVER``, else the one beside this
    Python (``make test`` builds it into the venv), else the first on PATH; None if there is none."""
    named = os.environ.get(LLAMA_SERVER_ENV)
    if named:
        return Path(named)
    beside = Path(sys.executable).parent / "llama-server"
    if beside.is_file():
        return beside
    found = shutil.which("llama-server")
    return Path(found) if found else None


def server_metric(url: str, name: str) -> float:
    """A llama-server metric (``llamacpp:NAME`` of its ``/metrics``) from its ``/v1`` URL."""
    import httpx

    text = httpx.get(f"{url.removesuffix('/v1')}/metrics", timeout=5).text
    for line in text.splitlines():
        if line.startswith(f"llamacpp:{name} "):
            return float(line.split()[1])
    raise KeyError(f"llama-server reports no metric {name}")


@contextlib.contextmanager
def _serving(command: list[str], url: str, name: str, ready_timeout: float) -> Iterator[str]:
    """Start ``command``, yield ``url`` once its ``/models`` answers, and always stop it."""
    import httpx

    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with code {process.returncode}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/models", timeout=2).status_code in (200, 401):
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not answer within {ready_timeout:.0f} s")
            time.sleep(0.2)
        yield url
    finally:
        process.kill()
        process.wait(timeout=30)


@contextlib.contextmanager
def serve_llama_cpp(
    model: str | Path,
    *,
    alias: str = "served",
    port: int | None = None,
    api_key: str | None = None,
    n_threads: int = 2,
    n_ctx: int = 2048,
    ready_timeout: float = 120.0,
) -> Iterator[str]:
    """llama-cpp-python's OpenAI-compatible server (its ``server`` extra) on 127.0.0.1 serving a GGUF file as
    ``alias``: yields the ``/v1`` URL once it answers, and always stops it. It answers one request at a
    time. For tests and benchmarks."""
    port = port or free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", alias]
    command += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx), "--n_threads", str(n_threads)]
    command += ["--api_key", api_key] if api_key else []
    with _serving(command, f"http://127.0.0.1:{port}/v1", "llama_cpp.server", ready_timeout) as url:
        yield url


@contextlib.contextmanager
def serve_llama_server(
    model: str | Path,
    *,
    slots: int = 4,
    alias: str = "served",
    port: int | None = None,
    api_key: str | None = None,
    n_threads: int = 2,
    n_ctx: int = 2048,
    binary: str | Path | None = None,
    ready_timeout: float = 120.0,
) -> Iterator[str]:
    """llama.cpp's own ``llama-server`` on 127.0.0.1 serving a GGUF file as ``alias`` with ``slots`` requests
    decoded together (continuous batching), ``n_ctx`` tokens each: yields the ``/v1`` URL once it answers,
    and always stops it. Its Prometheus ``/metrics`` are on (``server_metric``). ``binary``: default
    ``find_llama_server()``. For tests and benchmarks."""
    binary = Path(binary) if binary else find_llama_server()
    if binary is None or not binary.is_file():
        raise ModelNotAvailableError(
            f"no llama-server binary (`make llama-server` builds one into the venv, or set {LLAMA_SERVER_ENV})"
        )
    port = port or free_port()
    command = [str(binary), "--model", str(model), "--alias", alias, "--host", "127.0.0.1", "--port", str(port)]
    command += ["--ctx-size", str(n_ctx * slots), "--parallel", str(slots), "--threads", str(n_threads)]
    command += ["--threads-batch", str(n_threads), "--cont-batching", "--no-webui", "--metrics"]
    # as the in-process backend decodes: flash attention and an 8-bit KV cache
    command += ["--flash-attn", "on", "--cache-type-k", "q8_0", "--cache-type-v", "q8_0"]
    command += ["--api-key", api_key] if api_key else []
    with _serving(command, f"http://127.0.0.1:{port}/v1", "llama-server", ready_timeout) as url:
        yield url

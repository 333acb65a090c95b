"""Speed benchmark: every backend on the same inputs in one run, each measurement in its own process.

    .venv/bin/python eval/bench.py                    # seq2seq, llm and the seed article
    .venv/bin/python eval/bench.py --only seq2seq,llm --with-reference

- seq2seq: a Marian model at opus-mt-zh-en's exact size (d_model 512, 6+6 layers, 8 heads, FFN 2048,
  vocab 65,001) with random weights (speed does not depend on weight values), built once by this script,
  generating exactly 40 tokens for each of 256 seed sentences (the 62 repeated): transformers fp32 against
  CTranslate2 int8 with several thread settings, greedy at batch 32 and 4 beams at batch 8.
- llm: the GGUF models on llama.cpp with a ~51-token translation prompt (prompt and generated tokens per
  second, one sequence, llama-cpp-python's own loop); the library's continuous-batched llama.cpp path
  translating 64 seed sentences one at a time and 32 at a time (sentences and generated tokens per second);
  with --with-reference also the transformers GGUF path (fp32 and bf16: about 9 GB of RAM).
- quality: the whole seed article with `--quality best` (four candidates per sentence), default model;
- seed: the whole seed article through `jb-summarize run` with the default model (sentence and paragraph
  units) and with the 0.5B model, with the time, peak RSS and document BLEU of the lead section against
  the package's references (src/jb_summarize/data/references).
- layout: llama.cpp's two weight layouts (JB_SUMMARIZE_REPACK_WEIGHTS=on: repacked for the CPU's kernels,
  off: plain, the choice on CPUs with AMX) on the library path at batch 32 and on the whole seed article.

Every record names the CPU it was measured on.

Writes eval/results/bench.json (one record per measurement) and prints a table; models.md's speed table is
regenerated from it by eval/update_models_md.py.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "eval" / "results" / "bench.json"
SEED_EN = ROOT / "src" / "jb_summarize" / "data" / "references" / "seed.en"
CACHE = Path(os.environ.get("JB_SUMMARIZE_BENCH_CACHE", Path.home() / ".cache" / "jb_summarize" / "bench"))
MARIAN_DIR = CACHE / "marian-opus-mt-size"
TOKENS = 40
N_SENTENCES = 256
LLM_NEW_TOKENS = 64
LLM_SENTENCES = 64
LLM_BATCH_SIZES = [1, 32]
SERVER_SENTENCES = 32  # seed sentences per throughput row of the server part

SEQ2SEQ_CONFIGS = [
    {"backend": "transformers", "batch_size": 32, "num_beams": 1},
    {"backend": "ctranslate2", "batch_size": 32, "num_beams": 1, "inter_threads": 1, "intra_threads": 2},
    {"backend": "ctranslate2", "batch_size": 32, "num_beams": 1, "inter_threads": 2, "intra_threads": 1},
    {"backend": "ctranslate2", "batch_size": 16, "num_beams": 1, "inter_threads": 2, "intra_threads": 1},
    {"backend": "transformers", "batch_size": 8, "num_beams": 4},
    {"backend": "ctranslate2", "batch_size": 8, "num_beams": 4, "inter_threads": 2, "intra_threads": 1},
]
LLM_MODELS = ["qwen2.5-coder-1.5b-instruct-q4_k_m", "qwen2.5-coder-0.5b-instruct-q4_k_m"]


def _peak_rss_mb() -> float:
    from jb_summarize.results import peak_rss_mb

    return round(peak_rss_mb(), 1)


def _sentences() -> list[str]:
    """The seed's sentences, repeated to N_SENTENCES (enough batches for several workers)."""
    from jb_summarize import load_seed_article

    seed = [s for section in load_seed_article().sections for s in section.sentences]
    return (seed * (N_SENTENCES // len(seed) + 1))[:N_SENTENCES]


def build_marian() -> Path:
    from jb_summarize.article import seed_text
    from jb_summarize.models.random_init import build_marian as build

    if not (MARIAN_DIR / "model.safetensors").is_file():
        english = SEED_EN.read_text(encoding="utf-8")
        build(
            MARIAN_DIR,
            [seed_text(), english],
            vocab_size=65_001,
            d_model=512,
            layers=6,
            heads=8,
            ffn_dim=2048,
            max_positions=512,
        )
    return MARIAN_DIR


def measure_seq2seq(config: dict[str, Any]) -> dict[str, Any]:
    from jb_summarize.models.base import Decoding
    from jb_summarize.models.ct2 import CT2Seq2SeqGenerator
    from jb_summarize.models.hf import Seq2SeqGenerator

    start = time.perf_counter()
    if config["backend"] == "transformers":
        generator = Seq2SeqGenerator.from_pretrained(MARIAN_DIR)
    else:
        generator = CT2Seq2SeqGenerator(
            MARIAN_DIR, inter_threads=config["inter_threads"], intra_threads=config["intra_threads"]
        )
    load = time.perf_counter() - start
    sentences = _sentences()
    forced = Decoding(min_new_tokens=TOKENS)
    generator.generate(sentences[:4], max_new_tokens=[TOKENS] * 4, decoding=forced, batch_size=4)  # warm-up
    start = time.perf_counter()
    generator.generate(
        sentences,
        max_new_tokens=[TOKENS] * len(sentences),
        decoding=forced.replace(num_beams=config["num_beams"]),
        batch_size=config["batch_size"],
    )
    seconds = time.perf_counter() - start
    return {
        "kind": "seq2seq",
        "model": "marian-opus-mt-zh-en-size (random weights)",
        **config,
        "compute_type": "float32" if config["backend"] == "transformers" else "int8",
        "sentences": len(sentences),
        "generated_tokens": len(sentences) * TOKENS,
        "load_seconds": round(load, 2),
        "seconds": round(seconds, 2),
        "tokens_per_s": round(len(sentences) * TOKENS / seconds, 1),
        "sentences_per_s": round(len(sentences) / seconds, 2),
        "peak_rss_mb": _peak_rss_mb(),
    }


def _prompt() -> list[dict[str, str]]:
    from jb_summarize.glossary import load_glossary
    from jb_summarize.tasks.prompts import translation_messages

    return translation_messages("去年，江北城镇新增就业2.5万人。", load_glossary())


def _chatml(messages: list[dict[str, str]]) -> str:
    """Qwen2.5's chat template (ChatML), with the assistant turn opened."""
    turns = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
    return turns + "<|im_start|>assistant\n"


def measure_llama(model: str) -> dict[str, Any]:
    """The runtime alone, one sequence: llama-cpp-python's own generate loop on a fresh context."""
    from llama_cpp import Llama

    from jb_summarize.models.registry import get_spec
    from jb_summarize.models.store import model_path

    start = time.perf_counter()
    llm = Llama(model_path=str(model_path(get_spec(model))), n_ctx=2048, n_threads=2, seed=0, verbose=False)
    load = time.perf_counter() - start
    tokens = llm.tokenize(_chatml(_prompt()).encode("utf-8"), add_bos=False, special=True)

    def decode(new_tokens: int) -> tuple[float, float]:
        """(seconds to the first new token, seconds for the rest); end-of-sequence is not a stop here."""
        llm.reset()  # no prefix reuse between measurements
        begin = time.perf_counter()
        first = begin
        for i, _token in enumerate(llm.generate(tokens, top_k=1, temp=0.0, reset=True)):
            if i == 0:
                first = time.perf_counter()
            if i + 1 >= new_tokens:
                break
        return first - begin, time.perf_counter() - first

    decode(8)  # warm-up
    prompt_seconds, rest_seconds = decode(LLM_NEW_TOKENS)
    return {
        "kind": "llm",
        "backend": "llama.cpp",
        "model": model,
        "batch_size": 1,
        "threads": 2,
        "prompt_tokens": len(tokens),
        "prompt_tokens_per_s": round(len(tokens) / prompt_seconds, 1),
        "generated_tokens": LLM_NEW_TOKENS,
        "tokens_per_s": round((LLM_NEW_TOKENS - 1) / rest_seconds, 1),
        "load_seconds": round(load, 2),
        "peak_rss_mb": _peak_rss_mb(),
    }


def measure_llama_batched(model: str, batch_size: int) -> dict[str, Any]:
    """The library's llama.cpp translator path: seed sentences, ``batch_size`` sequences in flight."""
    from jb_summarize import load_seed_article
    from jb_summarize.glossary import load_glossary
    from jb_summarize.models.loading import load_generator
    from jb_summarize.tasks.translate import Translator

    start = time.perf_counter()
    generator, spec = load_generator(model, task="translate", n_threads=2, offline=True)
    load = time.perf_counter() - start
    sentences = [s for section in load_seed_article().sections for s in section.sentences][:LLM_SENTENCES]
    translator = Translator(generator, spec=spec, glossary=load_glossary(), retry=False)
    begin = time.perf_counter()
    outputs = translator.translate(sentences, batch_size=batch_size)
    seconds = time.perf_counter() - begin
    generated = sum(generator.count_tokens(o) for o in outputs)
    return {
        "kind": "llm",
        "backend": "llama.cpp (library)",
        "model": model,
        "batch_size": batch_size,
        "threads": 2,
        "sentences": len(sentences),
        "seconds": round(seconds, 2),
        "sentences_per_s": round(len(sentences) / seconds, 2),
        "generated_tokens": generated,
        "tokens_per_s": round(generated / seconds, 1),
        "load_seconds": round(load, 2),
        "peak_rss_mb": _peak_rss_mb(),
    }


def measure_transformers_gguf(model: str, dtype: str) -> dict[str, Any]:
    import torch

    from jb_summarize.models.loading import load_generator

    torch.set_num_threads(2)
    start = time.perf_counter()
    generator, _ = load_generator(model, task="translate", backend="transformers", dtype=dtype, offline=True)
    load = time.perf_counter() - start
    new_tokens = 16

    def complete(max_tokens: int) -> float:
        encoded = generator._encode([_prompt()])
        begin = time.perf_counter()
        with torch.inference_mode():
            generator.model.generate(**encoded, max_new_tokens=max_tokens, min_new_tokens=max_tokens, do_sample=False)
        return time.perf_counter() - begin

    prompt_tokens = int(generator._encode([_prompt()])["input_ids"].shape[1])
    prompt_seconds = complete(1)
    total_seconds = complete(new_tokens)
    return {
        "kind": "llm",
        "backend": f"transformers-{dtype}",
        "model": model,
        "batch_size": 1,
        "threads": 2,
        "prompt_tokens": prompt_tokens,
        "prompt_tokens_per_s": round(prompt_tokens / prompt_seconds, 1),
        "generated_tokens": new_tokens,
        "tokens_per_s": round((new_tokens - 1) / (total_seconds - prompt_seconds), 2),
        "load_seconds": round(load, 2),
        "peak_rss_mb": _peak_rss_mb(),
    }


def measure_seed(unit: str, model: str, extra: Sequence[str] = ()) -> dict[str, Any]:
    from jb_summarize.metrics import bleu

    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "jb_summarize",
                "run",
                "--output-dir",
                out,
                "--quiet",
                "--unit",
                unit,
                "--model",
                model,
                *extra,
            ],
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.strip()[-500:])
        meta = json.loads((Path(out) / "jiangbei-2022.meta.json").read_text())
        records = [json.loads(line) for line in (Path(out) / "jiangbei-2022.jsonl").read_text().splitlines()]
    lead = next(r for r in records if r["index"] == 5)
    reference = " ".join(SEED_EN.read_text(encoding="utf-8").splitlines()[6:])
    lead_bleu = bleu([lead["body_en"].replace("\n", " ")], [[reference]], n_bootstrap=1)["score"]
    return {
        "task": "seed-article",
        "model": meta["translator"],
        "unit": unit,
        "seconds": meta["seconds"],
        "article_summary_seconds": meta.get("article_summary_seconds"),
        "wall_seconds": round(wall, 2),
        "peak_rss_mb": meta["peak_rss_mb"],
        "lead_section_bleu": lead_bleu,
        "flagged_fields": sum(len(r.get("flagged", [])) for r in records),
        "load_seconds": meta.get("load_seconds"),
        "profile": meta.get("decode_profile"),
    }


SERVERS = {"llama_cpp.server": "openai-server (llama_cpp.server)", "llama-server": "openai-server (llama-server)"}


def measure_server(spec: dict[str, Any]) -> dict[str, Any]:
    """An OpenAI-compatible server on 127.0.0.1 serving ``model`` with 2 threads (``server``: llama-cpp-python's,
    which answers one request at a time, or llama.cpp's llama-server with ``slots`` batched together): the whole
    seed through ``run --model openai:served`` with ``in_flight`` requests at a time, or seed sentences."""
    from jb_summarize import load_seed_article
    from jb_summarize.glossary import load_glossary
    from jb_summarize.models import get_spec, model_path
    from jb_summarize.models.loading import load_generator
    from jb_summarize.models.server import serve_llama_cpp, serve_llama_server
    from jb_summarize.tasks.translate import Translator

    model, server = spec["model"], spec.get("server", "llama_cpp.server")
    backend = SERVERS[server]
    path = model_path(get_spec(model))
    serving = serve_llama_server(path, slots=spec["slots"]) if server == "llama-server" else serve_llama_cpp(path)
    in_flight = spec.get("in_flight")
    with serving as url:
        if spec["what"] == "seed":
            batch = ["--batch-size", str(in_flight)] if in_flight else []
            record = measure_seed("sentence", "openai:served", ["--base-url", url, *batch])
            return {**record, "model": model, "backend": backend, "part": spec["part"], "batch_size": in_flight}
        generator, _ = load_generator("openai:served", task="translate", base_url=url)
        sentences = [s for section in load_seed_article().sections for s in section.sentences][:SERVER_SENTENCES]
        translator = Translator(generator, glossary=load_glossary(), retry=False)
        begin = time.perf_counter()
        translator.translate(sentences, batch_size=in_flight)
        seconds = time.perf_counter() - begin
    return {
        "part": spec["part"],
        "task": "server-throughput",
        "backend": backend,
        "model": model,
        "batch_size": in_flight,
        "sentences": len(sentences),
        "seconds": round(seconds, 2),
        "sentences_per_s": round(len(sentences) / seconds, 2),
    }


def _child(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one measurement in a fresh process, so that load time and peak RSS are its own."""
    env = dict(os.environ)
    if spec.get("weight_layout"):
        env["JB_SUMMARIZE_REPACK_WEIGHTS"] = "on" if spec["weight_layout"] == "repacked" else "off"
    proc = subprocess.run(
        [sys.executable, __file__, "--measure", json.dumps(spec)], capture_output=True, text=True, env=env
    )
    if proc.returncode != 0:
        return {**spec, "error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _measure(spec: dict[str, Any]) -> dict[str, Any]:
    from jb_summarize.models.cpu import choose_weight_layout, cpu_info

    extra = {"cpu": cpu_info().model, "cpu_kind": cpu_info().kind, "cpu_generation": cpu_info().generation}
    if spec["kind"] in ("llama-batched", "seed"):
        extra["weight_layout"] = choose_weight_layout(cpu_info().flags).name
    if spec.get("part"):
        extra["part"] = spec["part"]
    return {**_measure_kind(spec), **extra}


def _measure_kind(spec: dict[str, Any]) -> dict[str, Any]:
    kind = spec["kind"]
    if kind == "seq2seq":
        return measure_seq2seq(spec["config"])
    if kind == "llama":
        return measure_llama(spec["model"])
    if kind == "llama-batched":
        return measure_llama_batched(spec["model"], spec["batch_size"])
    if kind == "transformers-gguf":
        return measure_transformers_gguf(spec["model"], spec["dtype"])
    if kind == "seed":
        quality = spec.get("quality", "fast")
        return {**measure_seed(spec["unit"], spec["model"], ["--quality", quality]), "quality": quality}
    if kind == "server":
        return measure_server(spec)
    raise ValueError(kind)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--only",
        default="seq2seq,llm,seed",
        help="comma-separated parts: seq2seq, llm, seed, quality (the seed with --quality best), layout, server, "
        "llama-server (llama.cpp's batching server: `make llama-server`), "
        "profile (one seed run, default model, with where its time goes)",
    )
    parser.add_argument("--with-reference", action="store_true", help="also the transformers GGUF path (~9 GB)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure(json.loads(args.measure))))
        return 0

    parts = set(args.only.split(","))
    specs: list[dict[str, Any]] = []
    if "seq2seq" in parts:
        build_marian()
        specs += [{"kind": "seq2seq", "config": c} for c in SEQ2SEQ_CONFIGS]
    if "llm" in parts:
        specs += [{"kind": "llama", "model": m} for m in LLM_MODELS]
        specs += [{"kind": "llama-batched", "model": LLM_MODELS[0], "batch_size": b} for b in LLM_BATCH_SIZES]
        if args.with_reference:
            specs += [
                {"kind": "transformers-gguf", "model": LLM_MODELS[0], "dtype": d} for d in ("bfloat16", "float32")
            ]
    if "seed" in parts:
        specs += [{"kind": "seed", "unit": u, "model": LLM_MODELS[0]} for u in ("sentence", "paragraph")]
        specs.append({"kind": "seed", "unit": "sentence", "model": LLM_MODELS[1]})
    if "profile" in parts:  # one seed run at the defaults: its decode profile per phase
        specs.append({"kind": "seed", "unit": "sentence", "model": LLM_MODELS[0], "part": "profile"})
    if "quality" in parts:  # the quality preset on the whole seed
        specs.append({"kind": "seed", "unit": "sentence", "model": LLM_MODELS[0], "quality": "best", "part": "quality"})
    if "server" in parts:  # what the HTTP hop costs, on the same model and threads
        common = {"part": "server", "model": LLM_MODELS[1]}
        specs.append({"kind": "seed", "unit": "sentence", **common})
        specs.append({"kind": "server", "what": "seed", **common})
        specs += [{"kind": "server", "what": "throughput", "in_flight": n, **common} for n in (1, 8, 32)]
    if "llama-server" in parts:  # llama.cpp's own server, 8 slots batched together, against in-process
        common = {"part": "llama-server", "model": LLM_MODELS[1]}
        served = {"kind": "server", "server": "llama-server", "slots": 8, **common}
        specs.append({"kind": "seed", "unit": "sentence", **common})
        specs.append({"what": "seed", "in_flight": 8, **served})
        specs += [{"what": "throughput", "in_flight": n, **served} for n in (1, 4, 8)]
    if "layout" in parts:
        for layout in ("repacked", "plain"):
            common = {"part": "layout", "model": LLM_MODELS[0], "weight_layout": layout}
            specs += [{"kind": "llama-batched", "batch_size": b, **common} for b in LLM_BATCH_SIZES]
            specs.append({"kind": "seed", "unit": "sentence", **common})

    records = []
    for spec in specs:
        record = _child(spec)
        print(json.dumps(record), flush=True)
        if record.get("profile"):  # where the time went, as models.md shows it
            from update_models_md import profile_markdown

            print("\n".join(profile_markdown([record])), flush=True)
        records.append(record)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    measured = {_key(r) for r in records}
    cpus = {_cpu(r) for r in records}
    # rows of parts not measured now, of other CPUs (kind and generation), and reference rows not measured again
    # are kept
    kept = [
        p
        for p in previous
        if _part(p) not in parts or _cpu(p) not in cpus or (_key(p) not in measured and _is_reference(p))
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(add_ratios(kept + records), indent=1) + "\n")
    print(f"wrote {RESULTS}")
    return 0


def add_ratios(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Speed over the transformers baseline with the same decoding (greedy vs greedy, beams vs beams)."""
    for r in records:
        if r.get("kind") == "seq2seq" and "tokens_per_s" in r:
            base = next(
                b
                for b in records
                if b.get("kind") == "seq2seq"
                and b.get("backend") == "transformers"
                and b.get("num_beams") == r["num_beams"]
            )
            r["ratio_to_transformers"] = round(r["tokens_per_s"] / base["tokens_per_s"], 2)
        elif r.get("kind") == "llm" and "prompt_tokens_per_s" in r:  # the runtime alone, like the baseline
            base = next(
                (b for b in records if b.get("backend") == "transformers-float32" and b["model"] == r["model"]), None
            )
            r["ratio_to_transformers"] = round(r["tokens_per_s"] / base["tokens_per_s"], 2) if base else None
    return records


def _key(record: dict[str, Any]) -> tuple[Any, ...]:
    fields = ("task", "kind", "backend", "model", "batch_size", "num_beams", "inter_threads", "unit")
    fields += ("weight_layout", "part", "what", "quality", "cpu_kind", "cpu_generation")
    return tuple(record.get(k) for k in fields)


def _cpu(record: dict[str, Any]) -> tuple[Any, Any]:
    return record.get("cpu_kind"), record.get("cpu_generation")


def _is_reference(record: dict[str, Any]) -> bool:
    """Rows only --with-reference measures: kept when a later run leaves them out."""
    return str(record.get("backend", "")).startswith("transformers-")


def _part(record: dict[str, Any]) -> str:
    if record.get("part"):
        return record["part"]
    if record.get("task") == "seed-article":
        return "seed"
    return "seq2seq" if record.get("kind") == "seq2seq" else "llm"


if __name__ == "__main__":
    raise SystemExit(main())

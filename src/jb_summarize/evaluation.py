"""Run a summariser or translator over a benchmark and score it, recording where every number came from.

Benchmarks are ``datasets.Dataset``s with the columns ``id``, ``source`` and ``reference``:

- ``seed``: the seed article's sections, body -> editors' headline (summaries);
- ``lcsts``: LCSTS PART_III pairs with human label >= 3 (725), text -> summary;
- ``wmt21``: WMT21 newstest2021 zh-en (1,948 lines), source -> reference A;
- ``wmt21-titles``: its 97 story headlines (the lines that end in the site's name, which is cut off), for
  headline translation;
- ``seed-en``: the project's own English references for the seed (shipped in ``data/references``);
- any JSONL/CSV/TSV file (``text_field``/``ref_field`` name the columns), or a hub dataset name.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from .article import load_seed_article
from .extras import require
from .metrics import corpus_statistics, default_metrics, paired_bootstrap, score
from .results import library_versions, peak_rss_mb

__all__ = ["BENCHMARKS", "compare_outputs", "compare_results", "data_dir", "evaluate", "load_benchmark"]

BENCHMARKS = {"seed": "zh", "lcsts": "zh", "wmt21": "en", "wmt21-titles": "en", "seed-en": "en"}
SAMPLE_SEED = 12345
# A WMT21 story's headline line ends in the site's name: 北京… -新华网 / Beijing… - Xinhua Net.
_SITE_ZH = re.compile(r"\s*[-－—]+\s*(?:新华网|中新网|人民网|央视网|中国新闻网|环球网|光明网|央广网|国际在线)\s*$")
_SITE_EN = re.compile(r"\s*[-–—]+\s*[A-Za-z][A-Za-z .]*$")


def data_dir() -> Path:
    """``$JB_SUMMARIZE_DATA``, else ``../shared/data`` beside the current folder."""
    return Path(os.environ.get("JB_SUMMARIZE_DATA") or Path.cwd().parent / "shared" / "data")


def references_dir() -> Path:
    """``$JB_SUMMARIZE_REFERENCES``, else the references shipped with the package (``data/references``)."""
    if os.environ.get("JB_SUMMARIZE_REFERENCES"):
        return Path(os.environ["JB_SUMMARIZE_REFERENCES"])
    return Path(str(resources.files("jb_summarize") / "data" / "references"))


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        raise FileNotFoundError(_missing(path))
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def _from_columns(
    ids: Sequence[str], sources: Sequence[str], references: Sequence[str], previous: Sequence[str] | None = None
):
    """A benchmark whose items come from running text: each item also carries the source before it in that
    text (``previous``, for document context; by default the item before it)."""
    datasets = require("datasets", "hf", "benchmarks")

    previous = list(previous) if previous is not None else ["", *sources[:-1]]
    return datasets.Dataset.from_dict(
        {"id": list(ids), "source": list(sources), "reference": list(references), "previous": previous}
    )


def _named(name: str):
    if name == "seed":
        sections = [s for s in load_seed_article().sections if s.headline]
        return _from_columns([s.id for s in sections], [s.body for s in sections], [s.headline for s in sections])
    if name == "seed-en":
        folder = references_dir()
        sources, targets = _lines(folder / "seed.zh"), _lines(folder / "seed.en")
        if len(sources) != len(targets):
            raise ValueError(f"{folder}: seed.zh has {len(sources)} lines, seed.en {len(targets)}")
        return _from_columns([f"seed-en:{i}" for i in range(len(sources))], sources, targets)
    if name in ("wmt21", "wmt21-titles"):
        folder = data_dir() / "wmt21-zh-en"
        sources = _lines(folder / "newstest2021.zh-en.src.zh")
        references = _lines(folder / "newstest2021.zh-en.ref.A.en")
        if name == "wmt21":
            return _from_columns([f"wmt21:{i}" for i in range(len(sources))], sources, references)
        # the stories' headlines: the lines that end in the site's name (-新华网), which is cut off
        titles = [i for i, line in enumerate(sources) if _SITE_ZH.search(line)]
        return _from_columns(
            [f"wmt21:{i}" for i in titles],
            [_SITE_ZH.sub("", sources[i]).strip() for i in titles],
            [_SITE_EN.sub("", references[i]).strip() for i in titles],
            previous=[sources[i - 1] if i else "" for i in titles],
        )
    if name == "lcsts":
        return _load_file(data_dir() / "lcsts-part3" / "lcsts_part_iii_label_ge3.jsonl", "text", "summary", "id")
    raise KeyError(name)


def _missing(path: Path) -> str:
    """Why a benchmark file is missing, and what to set."""
    return (
        f"{path}: benchmark file not found; set JB_SUMMARIZE_DATA to the folder that holds the benchmark data "
        f"(now {data_dir()}, the default being ../shared/data beside the current folder)"
    )


def _load_file(path: Path, text_field: str, ref_field: str, id_field: str | None):
    datasets = require("datasets", "hf", "benchmarks")

    if not path.is_file():
        raise FileNotFoundError(_missing(path))

    suffix = path.suffix.lower()
    kind = {".jsonl": "json", ".json": "json", ".csv": "csv", ".tsv": "csv"}.get(suffix)
    if kind is None:
        raise ValueError(f"{path}: expected .jsonl, .json, .csv or .tsv")
    options = {"delimiter": "\t"} if suffix == ".tsv" else {}
    ds = datasets.load_dataset(kind, data_files=str(path), split="train", **options)
    return _normalise(ds, text_field, ref_field, id_field, str(path))


def _normalise(ds, text_field: str, ref_field: str, id_field: str | None, name: str):
    for field in (text_field, ref_field):
        if field not in ds.column_names:
            raise ValueError(f"{name}: no column {field!r} (columns: {', '.join(ds.column_names)})")
    ids = [str(x) for x in ds[id_field]] if id_field and id_field in ds.column_names else list(map(str, range(len(ds))))
    return _from_columns(ids, [str(x) for x in ds[text_field]], [str(x) for x in ds[ref_field]])


def load_benchmark(
    name_or_path: str,
    *,
    text_field: str = "text",
    ref_field: str = "summary",
    id_field: str | None = "id",
    split: str = "test",
    limit: int | None = None,
    seed: int = SAMPLE_SEED,
):
    """A benchmark as a Dataset(id, source, reference; and previous, the source before each item, where the
    items are consecutive text); ``limit`` takes a fixed-seed sample in original order."""
    datasets = require("datasets", "hf", "benchmarks")

    datasets.disable_progress_bars()
    path = Path(name_or_path)
    if name_or_path in BENCHMARKS:
        ds = _named(name_or_path)
    elif path.exists():
        ds = _load_file(path, text_field, ref_field, id_field)
    elif path.suffix.lower() in (".jsonl", ".json", ".csv", ".tsv") or name_or_path.startswith((".", "/", "~")):
        raise FileNotFoundError(f"{name_or_path}: no such file")
    else:
        try:
            hub = datasets.load_dataset(name_or_path, split=split)
        except (ConnectionError, OSError, ValueError) as exc:
            raise FileNotFoundError(
                f"{name_or_path}: not a benchmark name ({', '.join(BENCHMARKS)}), a file, or a dataset the hub "
                f"could give ({type(exc).__name__}: {exc})"
            ) from exc
        ds = _normalise(hub, text_field, ref_field, id_field, name_or_path)
    if limit is not None and limit < len(ds):
        picked = sorted(ds.shuffle(seed=seed).select(range(limit))["id"], key=ds["id"].index)
        keep = set(picked)
        ds = ds.filter(lambda row: row["id"] in keep)
    return ds


def evaluate(
    task: Any,
    dataset,
    *,
    benchmark: str,
    lang: str,
    tokenize: str = "char",
    batch_size: int | None = None,
    n_bootstrap: int = 1000,
    limit: int | None = None,
    show_progress_bar: bool = False,
) -> dict[str, Any]:
    """Run ``task`` (a Summarizer or Translator) on every source and score it against the references."""
    start = time.perf_counter()
    sources, references = dataset["source"], dataset["reference"]
    options = {}
    if getattr(task, "context", "none") != "none" and "previous" in dataset.column_names:
        options["preceding"] = dataset["previous"]  # the true text before each item, also in a sample
    result = task.run(sources, batch_size=batch_size, show_progress_bar=show_progress_bar, **options)
    seconds = time.perf_counter() - start
    scores = score(result.outputs, [references], lang=lang, tokenize=tokenize, n_bootstrap=n_bootstrap)
    per_item = scores.pop("per_item")
    return {
        "benchmark": benchmark,
        "task": result.info.task,
        "model": result.info.model,
        "model_info": result.info.to_dict(),
        "lang": lang,
        "n": len(sources),
        "limit": limit,
        "sample_seed": SAMPLE_SEED if limit else None,
        "metrics": scores,
        "metric_settings": {"tokenize": tokenize if lang == "zh" else "13a", "bootstrap": n_bootstrap},
        "versions": library_versions(),
        "seconds": round(seconds, 2),
        "items_per_second": round(len(sources) / seconds, 3) if seconds else None,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "items": [
            {"id": i, "output": o, "reference": r, **s}
            for i, o, r, s in zip(dataset["id"], result.outputs, references, per_item, strict=True)
        ],
    }


def _references(result: dict[str, Any]) -> dict[str, str]:
    """Reference by item id: stored in the result (every result written now stores them), else read again
    from its benchmark (older results)."""
    items = result.get("items") or []
    if items and all("reference" in item for item in items):
        return {str(item["id"]): item["reference"] for item in items}
    try:
        dataset = load_benchmark(result["benchmark"], limit=result.get("limit"))
    except FileNotFoundError as exc:
        raise FileNotFoundError(
            f"{exc}; this result stores no references: give them with --ref FILE, or set JB_SUMMARIZE_DATA "
            f"to the folder that holds the {result['benchmark']} data (now {data_dir()})"
        ) from exc
    return {str(i): r for i, r in zip(dataset["id"], dataset["reference"], strict=True)}


def compare_outputs(
    baseline: Sequence[str],
    system: Sequence[str],
    references: Sequence[Sequence[str]],
    *,
    lang: str,
    tokenize: str = "char",
    metrics: Sequence[str] | None = None,
    n_bootstrap: int = 1000,
) -> list[dict[str, Any]]:
    """A paired bootstrap test per metric of two systems' line-aligned outputs (``references``: streams,
    as sacrebleu takes them); each test's p and interval come from the same resamples."""
    tests = []
    for name in metrics or default_metrics(lang):
        base = corpus_statistics(name, baseline, references, lang=lang, tokenize=tokenize)
        tests.append(
            paired_bootstrap(
                base, corpus_statistics(name, system, references, lang=lang, tokenize=tokenize), n=n_bootstrap
            )
        )
    return tests


def compare_results(
    baseline: dict[str, Any],
    system: dict[str, Any],
    *,
    metrics: Sequence[str] | None = None,
    n_bootstrap: int = 1000,
    references: Sequence[Sequence[str]] | None = None,
) -> dict[str, Any]:
    """Paired bootstrap test of two ``evaluate`` results on the same benchmark items, metric by metric, from
    their stored outputs; ``references`` (streams in the results' item order) stand in for stored ones."""
    for key in ("benchmark", "lang"):
        if baseline.get(key) != system.get(key):
            raise ValueError(f"the results differ in {key}: {baseline.get(key)!r} vs {system.get(key)!r}")
    base_items = {str(item["id"]): item["output"] for item in baseline.get("items") or []}
    sys_items = {str(item["id"]): item["output"] for item in system.get("items") or []}
    if not base_items or set(base_items) != set(sys_items):
        raise ValueError(
            f"the results must cover the same items ({len(base_items)} vs {len(sys_items)} items, "
            f"{len(set(base_items) ^ set(sys_items))} ids in one only)"
        )
    ids = list(base_items)
    if references is None:
        by_id = _references(system)
        references = [[by_id[i] for i in ids]]
    lang = system["lang"]
    tokenize = (system.get("metric_settings") or {}).get("tokenize", "char")
    tests = compare_outputs(
        [base_items[i] for i in ids],
        [sys_items[i] for i in ids],
        references,
        lang=lang,
        tokenize=tokenize,
        metrics=metrics,
        n_bootstrap=n_bootstrap,
    )
    return {
        "benchmark": system["benchmark"],
        "n": len(ids),
        "baseline": {
            "model": baseline.get("model"),
            "decoding": (baseline.get("model_info") or {}).get("decoding"),
            "seconds": baseline.get("seconds"),
        },
        "system": {
            "model": system.get("model"),
            "decoding": (system.get("model_info") or {}).get("decoding"),
            "seconds": system.get("seconds"),
        },
        "tests": tests,
        "method": "paired bootstrap (Koehn 2004), same resampled items for both systems; p with +1 smoothing",
    }

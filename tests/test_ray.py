"""The Ray Data example of docs/batch.md, on the 2 cores it is given: actors that reserve their CPUs."""

from __future__ import annotations

import os

import pytest

ray = pytest.importorskip("ray")

from jb_summarize.records import BatchCallable  # noqa: E402

TEXTS = ["去年江北新增就业2.5万人。今年继续推进。", "江北全力推进数字化改革。", "宁波文创港入选示范基地。"]


@pytest.fixture(scope="module")
def two_cores():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def _run(ds, model: str, *, num_cpus: int, **options):
    return ds.map_batches(
        BatchCallable,
        fn_constructor_kwargs={"task": options.pop("task", "summarize"), "model": model, **options},
        compute=ray.data.ActorPoolStrategy(size=1),  # one model replica per actor (the current API)
        num_cpus=num_cpus,  # what each actor reserves: more replicas than cores wait instead of deadlocking
        batch_size=2,
    ).take_all()


def test_ray_data_on_two_cores(two_cores):
    ds = ray.data.from_items([{"id": i, "text": t} for i, t in enumerate(TEXTS)])
    rows = sorted(_run(ds, "lead", num_cpus=1), key=lambda r: r["id"])
    assert [r["summary"] for r in rows] == [
        "去年江北新增就业2.5万人。今年继续推进",
        "江北全力推进数字化改革",
        "宁波文创港入选示范基地",
    ]


def test_a_llama_cpp_actor_reserves_its_two_threads(two_cores, tiny_gguf):
    ds = ray.data.from_items([{"id": i, "text": t} for i, t in enumerate(TEXTS)])
    rows = _run(ds, str(tiny_gguf), num_cpus=2, task="translate", n_threads=2, max_input_tokens=256)
    assert len(rows) == len(TEXTS) and all(isinstance(r["translation"], str) for r in rows)
    assert os.cpu_count() and ray.cluster_resources()["CPU"] == 2

"""Length-sorted batching that restores the caller's order (as EasyNMT and CTranslate2 do)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import TypeVar

__all__ = ["chunked", "length_sorted_batches", "run_in_batches"]

T = TypeVar("T")
R = TypeVar("R")


def length_sorted_batches(lengths: Sequence[int], batch_size: int) -> Iterator[list[int]]:
    """Indices grouped into batches of similar length, longest first (a memory problem shows early)."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    for start in range(0, len(order), batch_size):
        yield order[start : start + batch_size]


def run_in_batches(
    items: Sequence[T],
    fn: Callable[[list[T], list[int]], list[R]],
    *,
    lengths: Sequence[int],
    batch_size: int,
    progress: bool = False,
    desc: str = "",
) -> list[R]:
    """Call ``fn(batch_items, batch_indices)`` on length-sorted batches; results come back in input order."""
    results: list[R | None] = [None] * len(items)
    batches = list(length_sorted_batches(lengths, batch_size))
    if progress:
        from tqdm.auto import tqdm

        batches = tqdm(batches, desc=desc, unit="batch", leave=False)
    for batch in batches:
        outputs = fn([items[i] for i in batch], batch)
        if len(outputs) != len(batch):
            raise RuntimeError(f"backend returned {len(outputs)} outputs for a batch of {len(batch)}")
        for i, out in zip(batch, outputs, strict=True):
            results[i] = out
    return results  # type: ignore[return-value]


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last may be shorter) from any iterable."""
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, got {size}")
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk

"""Records in and out of batch runs: reading inputs, the locked resumable writer, the task runner."""

from .readers import BadRecord, Record, parse_shard, read_records, shard
from .runner import BatchCallable, run_task
from .writer import OutputLockedError, RecordWriter, write_atomic

__all__ = [
    "BadRecord",
    "BatchCallable",
    "OutputLockedError",
    "Record",
    "RecordWriter",
    "parse_shard",
    "read_records",
    "run_task",
    "shard",
    "write_atomic",
]

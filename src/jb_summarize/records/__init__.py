"""Records in and out of batch runs: reading inputs, the locked resumable writer, the task runner."""

from .readers import BadRecord, Record, parse_shard, read_records, shard_range
from .runner import BatchCallable, run_task
from .writer import NotAFileError, OutputLockedError, RecordWriter, check_replaceable, write_atomic

__all__ = [
    "BadRecord",
    "BatchCallable",
    "NotAFileError",
    "OutputLockedError",
    "Record",
    "RecordWriter",
    "check_replaceable",
    "parse_shard",
    "read_records",
    "run_task",
    "shard_range",
    "write_atomic",
]

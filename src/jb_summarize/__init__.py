"""jb-summarize: summarise Chinese news text and translate it into English with pretrained models."""

import logging

from .article import Article, Section, load_seed_article, parse_article
from .models.hub import ModelNotAvailableError
from .reading import load_article, load_articles
from .results import RunInfo, TaskResult
from .sentences import split_sentences
from .tasks import Summarizer, Task, Translator, load_summarizer, load_task, load_tasks, load_translator
from .text import InputError, normalize

__version__ = "0.1.0"

# The library logs through logging.getLogger("jb_summarize"); it prints nothing unless its user configures
# logging (the CLI does: -v / -q).
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "Article",
    "InputError",
    "ModelNotAvailableError",
    "RunInfo",
    "Section",
    "Summarizer",
    "Task",
    "TaskResult",
    "Translator",
    "__version__",
    "load_article",
    "load_articles",
    "load_seed_article",
    "load_summarizer",
    "load_task",
    "load_tasks",
    "load_translator",
    "normalize",
    "parse_article",
    "split_sentences",
]

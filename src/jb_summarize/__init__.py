"""jb-summarize: summarise Chinese news text and translate it into English with pretrained models."""

from .article import Article, Section, load_article, load_seed_article, parse_article
from .sentences import split_sentences
from .text import InputError, normalize

__version__ = "0.1.0"

__all__ = [
    "Article",
    "InputError",
    "Section",
    "__version__",
    "load_article",
    "load_seed_article",
    "normalize",
    "parse_article",
    "split_sentences",
]

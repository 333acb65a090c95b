"""Token ids that would put Chinese into an English output, for decoders to forbid.

A token is forbidden when its bytes hold a Chinese ideograph or a UTF-8 lead byte of the main
ideograph block (U+4000-U+9FFF), so that an ideograph cannot be built from byte-level pieces either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from ..text import is_cjk

__all__ = ["chinese_token_ids", "tokenizer_token_bytes"]

_LEAD_BYTES = frozenset(range(0xE4, 0xEA))
_BYTE_PIECE = re.compile(r"<0x([0-9A-Fa-f]{2})>")


def _is_chinese(piece: bytes) -> bool:
    return any(b in _LEAD_BYTES for b in piece) or any(is_cjk(c) for c in piece.decode("utf-8", errors="ignore"))


def chinese_token_ids(token_bytes: Sequence[bytes]) -> list[int]:
    """Ids (positions in ``token_bytes``) of the tokens that carry Chinese."""
    return [i for i, piece in enumerate(token_bytes) if _is_chinese(piece)]


@lru_cache(maxsize=1)
def _byte_decoder() -> dict[str, int]:
    # GPT-2 byte-level BPE writes each byte as one printable character; this undoes it.
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
    printable += list(range(ord("®"), ord("ÿ") + 1))
    chars = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(printable, chars, strict=True)}


def tokenizer_token_bytes(tokenizer: Any) -> list[bytes]:
    """The bytes of every token of a ``transformers`` tokenizer (byte-level BPE or sentencepiece)."""
    decoder = _byte_decoder()
    pieces = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
    out = []
    for piece in pieces:
        piece = piece or ""
        byte_piece = _BYTE_PIECE.fullmatch(piece)
        if byte_piece:
            out.append(bytes([int(byte_piece.group(1), 16)]))
        elif all(c in decoder for c in piece):
            out.append(bytes(decoder[c] for c in piece))
        else:
            out.append(piece.encode("utf-8"))
    return out

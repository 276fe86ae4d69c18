"""Storage keys, made by the server from the time, randomness and a tidy form of the name."""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import datetime

__all__ = ["KEY_FOLDER", "display_name", "new_key"]

KEY_FOLDER = "user-uploads/"
"""Where every key PolarBase makes lives (as in the original)."""

_UNSAFE = re.compile(r"[^a-z0-9]+")
_MAX_SLUG = 60
_MAX_NAME = 255
_MAX_NAME_BYTES = 512


def _slug(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _UNSAFE.sub("-", folded.lower()).strip("-")[:_MAX_SLUG].strip("-")


def display_name(name: str) -> str:
    """The name shown for a file: the last path segment a client sent, without control
    characters, at most 255 characters and 512 bytes (``../../etc/passwd`` is ``passwd``)."""
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in last if unicodedata.category(ch)[0] != "C").strip()
    shown = (cleaned or "file")[:_MAX_NAME]
    # The stores keep at most 512 bytes of name (S3 metadata is small): cut whole characters.
    return shown.encode()[:_MAX_NAME_BYTES].decode(errors="ignore") or "file"


def new_key(name: str, now: datetime) -> str:
    """``user-uploads/<epoch ms>-<random>-<slug><ext>``: the original's layout, with 64 random
    bits so keys neither collide nor can be guessed. Only ``[a-z0-9.-]`` after the folder.

    Example:
        >>> new_key("Rapport Été.PDF", now)
        'user-uploads/1796559381912-9f1c2ab4e07d3c55-rapport-ete.pdf'
    """
    shown = display_name(name)
    stem, dot, extension = shown.rpartition(".")
    if not dot or not stem:
        stem, extension = shown, ""
    ext = _slug(extension)[:10]
    slug = _slug(stem) or "file"
    millis = int(now.timestamp() * 1000)
    return f"{KEY_FOLDER}{millis}-{secrets.token_hex(8)}-{slug}{'.' + ext if ext else ''}"

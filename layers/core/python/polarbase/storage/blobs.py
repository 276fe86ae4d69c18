"""Where attachment files live: the ``BlobStore`` port, its types, the rules for keys and names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from ..errors import InvalidInputError

__all__ = [
    "MAX_KEY_LENGTH",
    "MAX_NAME_BYTES",
    "BlobInfo",
    "BlobStore",
    "PresignedUpload",
    "attachment_disposition",
    "check_blob_attributes",
    "check_blob_key",
    "is_blob_key",
]

MAX_KEY_LENGTH = 512
# S3 allows 2 KB of user metadata; the name is stored percent-encoded (up to 3 bytes per byte),
# so 512 UTF-8 bytes (1,536 encoded) leave room for the file id. Local storage keeps the rule
# too, so a name accepted locally is accepted on AWS.
MAX_NAME_BYTES = 512

_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")
_FILE_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


@dataclass(frozen=True, slots=True)
class BlobInfo:
    """A stored file, as the attachment object describes it."""

    key: str  # server-generated, e.g. "user-uploads/1796559381912-3fa85f64-report.pdf"
    size: int
    content_type: str
    name: str  # the original file name, as given (a display name; any unicode)
    file_id: str  # the attachment object's id (a uuid)
    uploaded_at: datetime  # aware, UTC


@dataclass(frozen=True, slots=True)
class PresignedUpload:
    """A form the client POSTs (multipart) to store one file without passing it through us.

    The client sends every entry of ``fields`` first, then the file as ``file_field`` (HTML
    form order; S3 ignores fields after the file). It may add a ``Content-Type`` field for
    the file's type.
    """

    url: str
    fields: dict[str, str]
    file_field: str
    expires_at: datetime


class BlobStore(Protocol):
    """Attachment files by key: ``LocalBlobStore`` (a folder) and ``S3BlobStore`` (a bucket).

    Every method checks its key with ``check_blob_key`` first and raises ``InvalidInputError``
    before touching the storage. A failure of the storage itself raises
    ``StorageUnavailableError`` (503).
    """

    provider: str  # "local" or "s3": the attachment object's ``provider``

    def put(self, key: str, data: bytes, *, content_type: str, name: str, file_id: str) -> BlobInfo:
        """Store ``data`` under ``key`` (replacing what was there) and describe it."""
        ...

    def head(self, key: str) -> BlobInfo | None:
        """The stored file's description, or None when there is none."""
        ...

    def read(self, key: str, *, length: int | None = None) -> bytes:
        """The first ``length`` bytes (all when None); raises ``BlobNotFoundError``."""
        ...

    def path(self, key: str) -> Path | None:
        """A local file to stream the blob from, or None when this store keeps no local files
        (S3: read or redirect to ``signed_url`` instead). Local raises ``BlobNotFoundError``."""
        ...

    def delete(self, key: str) -> bool:
        """Remove the file; True when it existed."""
        ...

    def list(self, *, after: str | None = None, limit: int = 100) -> list[BlobInfo]:
        """Up to ``limit`` files with keys greater than ``after``, sorted by key."""
        ...

    def presign_upload(
        self, key: str, *, max_bytes: int, expires_in: int, name: str, file_id: str
    ) -> PresignedUpload:
        """A form that stores one file of 1 to ``max_bytes`` bytes under ``key``, with ``name``
        and ``file_id`` fixed, for ``expires_in`` seconds."""
        ...

    def signed_url(
        self, key: str, *, expires_in: int, download_name: str | None = None
    ) -> tuple[str, datetime]:
        """A URL that downloads the file for ``expires_in`` seconds, and when it expires.

        With ``download_name`` the download is an attachment of that name
        (``attachment_disposition``)."""
        ...


def check_blob_key(key: str) -> str:
    """``key`` when it is safe as a file path and as an S3 key; ``InvalidInputError`` if not.

    A key is relative (no leading ``/``), its ``/``-separated segments are neither empty, ``.``
    nor ``..``, and it holds only printable ASCII (no backslash), at most 512 characters. So a
    key can never name a file outside the store's folder, and two different keys never name
    the same file.
    """
    if not key:
        raise InvalidInputError("file key is empty")
    shown = key if _PRINTABLE_ASCII.fullmatch(key) else ascii(key)
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidInputError(
            f"file key {key[:40]!a}... is {len(key)} characters long; at most "
            f"{MAX_KEY_LENGTH} are allowed"
        )
    if not _PRINTABLE_ASCII.fullmatch(key):
        raise InvalidInputError(
            f"file key {shown} holds a character that is not printable ASCII (NUL, control "
            "characters and non-ASCII letters are not allowed)"
        )
    if "\\" in key:
        raise InvalidInputError(f"file key '{key}' holds a backslash; use '/' between folders")
    if key.startswith("/"):
        raise InvalidInputError(f"file key '{key}' starts with '/'; keys are relative")
    for segment in key.split("/"):
        if segment in ("", ".", ".."):
            problem = f"a '{segment}' part" if segment else "an empty part ('//' or a final '/')"
            raise InvalidInputError(
                f"file key '{key}' holds {problem}; each part between '/' must be a plain name"
            )
    return key


def is_blob_key(key: str) -> bool:
    """True when ``check_blob_key`` accepts ``key`` (for skipping what others stored)."""
    try:
        check_blob_key(key)
    except InvalidInputError:
        return False
    return True


def check_blob_attributes(*, name: str, file_id: str, content_type: str | None = None) -> None:
    """Raise ``InvalidInputError`` unless a file's attributes fit every store: S3 keeps them
    as ASCII metadata of at most 2 KB, and headers hold no control characters."""
    if content_type is not None and not (
        0 < len(content_type) <= 255 and _PRINTABLE_ASCII.fullmatch(content_type)
    ):
        raise InvalidInputError(
            f"content type {content_type!a} must be 1 to 255 printable ASCII characters"
        )
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:
        raise InvalidInputError(
            "file name holds a lone surrogate: it is not valid unicode"
        ) from None
    if not 0 < size <= MAX_NAME_BYTES:
        raise InvalidInputError(
            f"file name is {size} bytes long in UTF-8; it must be 1 to {MAX_NAME_BYTES}"
        )
    if not _FILE_ID.fullmatch(file_id):
        raise InvalidInputError(
            f"file id {file_id!a} must be 1 to 64 letters, digits or '-' (a uuid)"
        )


def attachment_disposition(name: str) -> str:
    """The ``Content-Disposition`` of a download named ``name`` (RFC 6266).

    ``filename*`` carries the name exactly (UTF-8, percent-encoded); ``filename`` is an ASCII
    fallback for old clients, with every other character as ``_``. The S3 adapter signs this
    into its URLs; a local download route sends the same header.

    Example:
        >>> attachment_disposition("Ré sumé.pdf")
        'attachment; filename="R_ sum_.pdf"; filename*=UTF-8\\'\\'R%C3%A9%20sum%C3%A9.pdf'
    """
    fallback = "".join(
        character if " " <= character <= "~" and character not in '"\\' else "_"
        for character in name
    )
    encoded = quote(name, safe="", errors="replace")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"

"""The file service: attachments uploaded, checked, served, signed, listed and deleted.

Every door (REST now; MCP and the studio later) calls these methods with a principal; the rules
(scope, read-only keys, limits, types sniffed from the bytes) are enforced here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import (
    BlobNotFoundError,
    InvalidInputError,
    PayloadTooLargeError,
    UnsupportedMediaTypeError,
)
from .storage.keys import display_name, new_key
from .storage.sniff import same_kind, sniff

if TYPE_CHECKING:
    from .auth import Principal
    from .storage import BlobInfo, BlobStore

__all__ = ["FileLimits", "FileService", "Served", "Upload"]

_MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Upload:
    """One file of an upload, as the client sent it."""

    name: str
    data: bytes
    declared_type: str | None = None


@dataclass(frozen=True, slots=True)
class FileLimits:
    """How much one request may upload (the original's: 10 files of 5 MB)."""

    max_files: int = 10
    max_file_bytes: int = 5 * _MB
    max_request_bytes: int = 50 * _MB
    max_link_seconds: int = 7 * 24 * 3600
    """Longest life of a signed link (``expiresIn`` is capped to it)."""


@dataclass(frozen=True, slots=True)
class Served:
    """How a file goes back to a client: a local file to stream, or a signed URL to redirect to."""

    info: BlobInfo
    path: Path | None = None
    redirect: str | None = None


def attachment(info: BlobInfo, provider: str) -> dict[str, Any]:
    """The attachment object the ``attachment`` field type stores (the reference's shape)."""
    return {
        "id": info.file_id,
        "key": info.key,
        "size": info.size,
        "name": info.name,
        "mimeType": info.content_type,
        "provider": provider,
        "uploadedAt": info.uploaded_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


class FileService:
    """Attachments in a ``BlobStore`` (a local folder, or S3)."""

    def __init__(
        self,
        blobs: BlobStore,
        limits: FileLimits,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.blobs = blobs
        self.limits = limits
        self.clock = clock

    async def upload(self, principal: Principal, uploads: Sequence[Upload]) -> list[dict[str, Any]]:
        """Check every file, then store them all, or none: an empty file, one too large, or one
        whose bytes are not what it claims fails the whole request before anything is stored.
        """
        principal.check_files(write=True)
        limits = self.limits
        if not uploads:
            raise InvalidInputError("files: send at least one file (multipart field 'files')")
        if len(uploads) > limits.max_files:
            raise InvalidInputError(
                f"files: at most {limits.max_files} files per request ({len(uploads)} sent)"
            )
        total = sum(len(upload.data) for upload in uploads)
        if total > limits.max_request_bytes:
            raise PayloadTooLargeError(
                f"files: {total} bytes in all, more than the {limits.max_request_bytes} allowed "
                "per request"
            )
        checked = [self._check(upload) for upload in uploads]
        stored: list[BlobInfo] = []
        try:
            for upload, name, content_type in checked:
                key = new_key(name, self.clock())
                stored.append(
                    self.blobs.put(
                        key,
                        upload.data,
                        content_type=content_type,
                        name=name,
                        file_id=str(uuid.uuid4()),
                    )
                )
        except BaseException:
            for info in stored:  # nothing half-written: the stored ones go again
                self.blobs.delete(info.key)
            raise
        return [attachment(info, self.blobs.provider) for info in stored]

    def _check(self, upload: Upload) -> tuple[Upload, str, str]:
        name = display_name(upload.name)
        if not upload.data:
            raise InvalidInputError(f"files: '{name}' is empty")
        if len(upload.data) > self.limits.max_file_bytes:
            raise PayloadTooLargeError(
                f"files: '{name}' has {len(upload.data)} bytes, more than the "
                f"{self.limits.max_file_bytes} allowed per file"
            )
        found = sniff(upload.data, name)
        if upload.declared_type and not same_kind(upload.declared_type, found):
            raise UnsupportedMediaTypeError(
                f"files: '{name}' is sent as {upload.declared_type}, but its bytes are {found}"
            )
        return upload, name, found

    async def info(self, principal: Principal, key: str) -> BlobInfo:
        principal.check_files()
        found = self.blobs.head(key)
        if found is None:
            raise BlobNotFoundError(key)
        return found

    async def serve(self, principal: Principal | None, key: str) -> Served:
        """The file for a key with the ``rest`` scope, or (``principal`` None) for a request
        whose signed link the door has verified."""
        if principal is not None:
            principal.check_files()
        found = self.blobs.head(key)
        if found is None:
            raise BlobNotFoundError(key)
        path = self.blobs.path(key)
        if path is not None:
            return Served(found, path=path)
        url, _ = self.blobs.signed_url(key, expires_in=60, download_name=found.name)
        return Served(found, redirect=url)

    async def signed_link(self, principal: Principal, key: str, expires_in: int) -> dict[str, Any]:
        """A link to the file that works without the API key until it expires (``expiresIn``
        seconds, capped at ``max_link_seconds``)."""
        found = await self.info(principal, key)
        if expires_in < 1:
            raise InvalidInputError("expiresIn: must be at least 1 second")
        seconds = min(expires_in, self.limits.max_link_seconds)
        url, expires_at = self.blobs.signed_url(key, expires_in=seconds, download_name=found.name)
        return {
            "url": url,
            "expiresIn": seconds,
            "expiresAt": expires_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "file": attachment(found, self.blobs.provider),
        }

    async def delete(self, principal: Principal, key: str) -> dict[str, Any]:
        principal.check_files(write=True)
        if not self.blobs.delete(key):
            raise BlobNotFoundError(key)
        return {"deleted": key}

    async def list(self, principal: Principal, *, after: str | None, limit: int) -> dict[str, Any]:
        principal.check_file_listing()
        page = self.blobs.list(after=after, limit=limit + 1)
        more = len(page) > limit
        page = page[:limit]
        return {
            "files": [attachment(info, self.blobs.provider) for info in page],
            "next": page[-1].key if more and page else None,
        }

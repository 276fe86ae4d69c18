"""The file service: attachments uploaded, checked, served, signed, listed and deleted.

Every door (REST now; MCP and the studio later) calls these methods with a principal; the rules
(scope, read-only keys, limits, types sniffed from the bytes) are enforced here.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import (
    BlobNotFoundError,
    ColumnNotFoundError,
    InvalidInputError,
    PayloadTooLargeError,
    PolarBaseError,
    UnsupportedMediaTypeError,
)
from .query.values import mime_allowed
from .schema import TableName
from .storage.keys import KEY_FOLDER, display_name, new_key
from .storage.sniff import same_kind, sniff

if TYPE_CHECKING:
    from .auth import Principal
    from .catalog import Catalog
    from .runtime import Runtime
    from .storage import BlobInfo, BlobStore

__all__ = ["FileLimits", "FileService", "Served", "Upload", "collect_garbage"]

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
    max_direct_bytes: int = 1024 * _MB
    """Largest file a presigned (direct-to-storage) upload takes."""
    upload_link_seconds: int = 900
    """Life of a presigned upload form."""
    public: bool = False
    """Serve files to anyone at ``/static/<key>``, as the original did."""
    gc_grace_seconds: int = 24 * 3600
    """How old an unreferenced file must be before gc removes it (an upload in flight, or one
    whose record is about to be written, is never taken)."""


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
        catalog: Catalog,
        schema: str,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.blobs = blobs
        self.limits = limits
        self.catalog = catalog
        self.schema = schema
        self.clock = clock

    async def column_rules(
        self, principal: Principal, target: tuple[str, str] | None
    ) -> dict[str, Any]:
        """The rules of the attachment column ``(table, column)`` the files are for (the key
        must be allowed to write it); none when no column is named."""
        if target is None:
            return {}
        table_name, column_name = target
        ref = TableName.named(self.schema, table_name)
        principal.check_write(ref)
        table = await self.catalog.table(ref)
        column = table.column(column_name)
        if column is None:
            raise ColumnNotFoundError(table_name, column_name)
        if column.field_type != "attachment":
            raise InvalidInputError(
                f"column: '{column_name}' is a {column.field_type} column, not an attachment one"
            )
        return column.validation or {}

    async def upload(
        self,
        principal: Principal,
        uploads: Sequence[Upload],
        target: tuple[str, str] | None = None,
    ) -> list[dict[str, Any]]:
        """Check every file, then store them all, or none: an empty file, one too large, or one
        whose bytes are not what it claims fails the whole request before anything is stored.
        With ``target`` (table, column), the column's rules apply too."""
        principal.check_files(write=True)
        rules = await self.column_rules(principal, target)
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
        most = rules.get("maxFiles")
        if most and len(uploads) > most:
            raise InvalidInputError(
                f"files: column '{target[1] if target else ''}' takes at most {most} files "
                f"({len(uploads)} sent)"
            )
        checked = [self._check(upload, rules) for upload in uploads]
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

    def _check(self, upload: Upload, rules: dict[str, Any]) -> tuple[Upload, str, str]:
        name = display_name(upload.name)
        if not upload.data:
            raise InvalidInputError(f"files: '{name}' is empty")
        _check_size(name, len(upload.data), self.limits.max_file_bytes, rules)
        found = sniff(upload.data, name)
        if upload.declared_type and not same_kind(upload.declared_type, found):
            raise UnsupportedMediaTypeError(
                f"files: '{name}' is sent as {upload.declared_type}, but its bytes are {found}"
            )
        _check_type(name, found, rules)
        return upload, name, found

    async def presign(
        self,
        principal: Principal,
        *,
        name: str,
        size: int | None,
        target: tuple[str, str] | None = None,
    ) -> dict[str, Any]:
        """A form the client posts the file to, straight to storage (no size limit of the API's
        own), then ``complete`` checks what arrived."""
        principal.check_files(write=True)
        rules = await self.column_rules(principal, target)
        limit = min(self.limits.max_direct_bytes, rules.get("maxFileSize") or 2**63)
        if size is not None and size < 1:
            raise InvalidInputError("size: a file has at least one byte")
        if size is not None and size > limit:
            raise PayloadTooLargeError(f"size: {size} bytes; a direct upload takes at most {limit}")
        shown = display_name(name)
        key = new_key(shown, self.clock())
        form = self.blobs.presign_upload(
            key,
            max_bytes=size or limit,
            expires_in=self.limits.upload_link_seconds,
            name=shown,
            file_id=str(uuid.uuid4()),
        )
        return {
            "url": form.url,
            "fields": form.fields,
            "fileField": form.file_field,
            "key": key,
            "maxBytes": size or limit,
            "expiresAt": form.expires_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
        }

    async def complete(
        self, principal: Principal, key: str, target: tuple[str, str] | None = None
    ) -> dict[str, Any]:
        """The attachment object of a direct upload, once its bytes are checked: a file whose
        bytes are not what it was sent as (or break the column's rules) is deleted, so a lie is
        never kept."""
        principal.check_files(write=True)
        rules = await self.column_rules(principal, target)
        found = self._head(key)
        if found is None:
            raise BlobNotFoundError(key)
        head = self.blobs.read(key, length=8192)
        kind = sniff(head, found.name)
        if found.size == 0 or not same_kind(found.content_type, kind):
            self.blobs.delete(key)
            if found.size == 0:
                raise InvalidInputError(f"files: '{found.name}' is empty")
            raise UnsupportedMediaTypeError(
                f"files: '{found.name}' was sent as {found.content_type}, but its bytes are "
                f"{kind}; it is not kept"
            )
        try:
            _check_size(found.name, found.size, self.limits.max_direct_bytes, rules)
            _check_type(found.name, kind, rules)
        except PolarBaseError:
            self.blobs.delete(key)
            raise
        return attachment(replace(found, content_type=kind), self.blobs.provider)

    def accept_direct(self, fields: dict[str, str], data: bytes, declared: str | None) -> None:
        """A direct upload to the local store (S3 takes them itself), by its signed form."""
        verify = getattr(self.blobs, "verify_upload", None)
        if verify is None:
            raise InvalidInputError("this deployment takes direct uploads in its own storage")
        key, max_bytes, name, file_id = verify(fields)
        if not data:
            raise InvalidInputError(f"file: '{name}' is empty")
        if len(data) > max_bytes:
            raise PayloadTooLargeError(
                f"file: {len(data)} bytes; this upload form takes at most {max_bytes}"
            )
        self.blobs.put(
            key, data, content_type=declared or sniff(data, name), name=name, file_id=file_id
        )

    async def gc(self, referenced: set[str]) -> dict[str, int]:
        """Remove the files no attachment cell names (``referenced``), once older than the
        grace period; the counts of what was seen, kept and removed."""
        cutoff = self.clock().timestamp() - self.limits.gc_grace_seconds
        seen = removed = 0
        after: str | None = None
        while True:
            page = self.blobs.list(after=after, limit=500)
            if not page:
                break
            for info in page:
                seen += 1
                if info.key not in referenced and info.uploaded_at.timestamp() < cutoff:
                    removed += int(self.blobs.delete(info.key))
            after = page[-1].key
        return {"files": seen, "removed": removed, "kept": seen - removed}

    def _head(self, key: str) -> BlobInfo | None:
        """The file of ``key``; only keys PolarBase made (``user-uploads/...``) are files: others
        are not found, whatever else the storage holds."""
        return self.blobs.head(key) if key.startswith(KEY_FOLDER) else None

    async def info(self, principal: Principal, key: str) -> BlobInfo:
        principal.check_files()
        found = self._head(key)
        if found is None:
            raise BlobNotFoundError(key)
        return found

    async def serve(self, principal: Principal, key: str) -> Served:
        """The file, for a key with the ``rest`` scope."""
        principal.check_files()
        return self._serve(key)

    async def serve_signed(
        self, key: str, expires: str, signature: str, name: str | None
    ) -> Served:
        """The file, for a link ``signed_link`` made (no key): 401 when it was changed or has
        expired. A store that signs its own links (S3) never sends such a request here."""
        verify = getattr(self.blobs, "verify_download", None)
        if verify is None:
            raise InvalidInputError("signature: this deployment's storage signs its own links")
        verify(key, expires, signature, name=name)
        return self._serve(key)

    async def serve_public(self, key: str) -> Served:
        """The file, for anyone, in the original's public mode (``POLARBASE_FILES_PUBLIC``)."""
        if not self.limits.public:
            raise BlobNotFoundError(key)
        return self._serve(key)

    def _serve(self, key: str) -> Served:
        found = self._head(key)
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
        # The store may cap it further (S3 signs for at most 7 days): say what the link gives.
        seconds = min(seconds, max(1, math.ceil((expires_at - self.clock()).total_seconds())))
        return {
            "url": url,
            "expiresIn": seconds,
            "expiresAt": expires_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "file": attachment(found, self.blobs.provider),
        }

    async def delete(self, principal: Principal, key: str) -> dict[str, Any]:
        principal.check_files(write=True)
        if not key.startswith(KEY_FOLDER) or not self.blobs.delete(key):
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


def _check_size(name: str, size: int, limit: int, rules: dict[str, Any]) -> None:
    column_limit = rules.get("maxFileSize")
    if size > limit or (column_limit and size > column_limit):
        allowed = min(limit, column_limit or limit)
        raise PayloadTooLargeError(
            f"files: '{name}' has {size} bytes, more than the {allowed} allowed per file"
        )


def _check_type(name: str, kind: str, rules: dict[str, Any]) -> None:
    allowed = rules.get("allowedMimeTypes")
    if allowed and not mime_allowed(kind, allowed):
        raise UnsupportedMediaTypeError(
            f"files: '{name}' is {kind}; this column takes {', '.join(allowed)}"
        )


async def collect_garbage(runtime: Runtime) -> dict[str, int]:
    """Remove the files no attachment cell names any more (``polarbase files gc``, and the
    scheduled function on AWS)."""
    if runtime.files is None:
        return {"files": 0, "removed": 0, "kept": 0}
    return await runtime.files.gc(await runtime.records.attachment_keys())

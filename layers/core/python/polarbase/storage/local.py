"""Attachment files in a local folder, with HMAC-signed upload forms and download links."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from ..errors import (
    AuthenticationError,
    BlobNotFoundError,
    ConflictError,
    InvalidInputError,
    StorageUnavailableError,
)
from .blobs import (
    BlobInfo,
    PresignedUpload,
    check_blob_attributes,
    check_blob_key,
    is_blob_key,
)

__all__ = ["LocalBlobStore"]

_UPLOAD_FIELDS = ("key", "expires", "maxBytes", "name", "fileId")
# Collisions a key can have with another on disk: "a" is a file, so "a/b" cannot be stored.
_CLASHES = (FileExistsError, IsADirectoryError, NotADirectoryError)


def _now() -> datetime:
    return datetime.now(UTC)


class LocalBlobStore:
    """Attachment files under ``root``: the bytes at ``blobs/<key>``, what describes them
    (size, content type, name, file id, upload time) at ``meta/<key>.json``.

    A file exists when its metadata does. ``put`` writes the bytes, then the metadata, each to
    a temporary file swapped into place with ``os.replace``, so a reader sees the old file or
    the new one, never half of one; ``delete`` removes the metadata first. A crash between the
    two steps leaves at most an invisible blob, never metadata without its bytes.

    Every key passes ``check_blob_key`` and must resolve to a path under ``root`` (a symlink
    leading out is refused too), so no key reaches a file outside the store. On disk a key
    cannot be both a file and a folder ("a" and "a/b"); such a put raises ``ConflictError``.
    Folders emptied by ``delete`` are left in place.

    Uploads and downloads go through PolarBase's routes under ``base_path``, which trust a
    request only with a signature made with ``signing_key``:

    - ``presign_upload`` gives a form for ``POST {base_path}/direct`` whose fields ``key``,
      ``expires`` (Unix seconds), ``maxBytes``, ``name`` and ``fileId`` are fixed by
      ``signature``; the route checks them with ``verify_upload``, then enforces
      ``maxBytes`` on the file it receives.
    - ``signed_url`` gives ``{base_path}/<key>?expires=…&signature=…[&name=…]``; the route
      checks it with ``verify_download``.

    A signature is the hex HMAC-SHA256, keyed with ``signing_key``, of the UTF-8 bytes of a
    compact JSON array (``separators=(",", ":")``, ``ensure_ascii=False``) whose first item
    names the purpose, so an upload signature never passes as a download one:
    ``["polarbase-upload-v1", key, expires, maxBytes, name, fileId]`` (the field strings as
    sent) or ``["polarbase-download-v1", key, expires, name]`` (``name`` null without one).

    ``clock`` gives the current time (tests pass their own).

    Example:
        >>> store = LocalBlobStore(Path("/var/lib/polarbase/files"), signing_key=secret)
        >>> store.put("user-uploads/1-report.pdf", data, content_type="application/pdf",
        ...           name="report.pdf", file_id=str(uuid.uuid4()))
        >>> url, expires_at = store.signed_url("user-uploads/1-report.pdf", expires_in=300)
    """

    provider = "local"

    def __init__(
        self,
        root: Path,
        *,
        signing_key: bytes,
        base_path: str = "/rest/files",
        clock: Callable[[], datetime] = _now,
    ) -> None:
        if len(signing_key) < 16:
            raise ValueError("signing_key must be at least 16 bytes")
        self.root = root.resolve()
        self.base_path = base_path.rstrip("/")
        self._blobs = self.root / "blobs"
        self._meta = self.root / "meta"
        self._signing_key = signing_key
        self._clock = clock

    # --- files ----------------------------------------------------------------------------

    def put(self, key: str, data: bytes, *, content_type: str, name: str, file_id: str) -> BlobInfo:
        blob, meta = self._locate(key)
        check_blob_attributes(name=name, file_id=file_id, content_type=content_type)
        info = BlobInfo(
            key=key,
            size=len(data),
            content_type=content_type,
            name=name,
            file_id=file_id,
            uploaded_at=self._clock().astimezone(UTC),
        )
        description = {
            "size": info.size,
            "contentType": content_type,
            "name": name,
            "fileId": file_id,
            "uploadedAt": info.uploaded_at.isoformat(),
        }
        try:
            _write_atomically(blob, data)
            try:
                _write_atomically(meta, json.dumps(description, ensure_ascii=False).encode())
            except OSError:
                if not meta.is_file():
                    blob.unlink(missing_ok=True)
                raise
        except _CLASHES:
            raise ConflictError(
                f"file key '{key}' clashes with another key: on local storage a key cannot be "
                "both a file and a folder of other keys"
            ) from None
        except OSError as error:
            raise _unavailable("write", key, error) from None
        return info

    def head(self, key: str) -> BlobInfo | None:
        _, meta = self._locate(key)
        return self._describe(key, meta)

    def read(self, key: str, *, length: int | None = None) -> bytes:
        blob, meta = self._locate(key)
        if length is not None and length < 0:
            raise InvalidInputError(f"cannot read {length} bytes of file '{key}'; give 0 or more")
        if not meta.is_file():
            raise BlobNotFoundError(key)
        try:
            with blob.open("rb") as file:
                return file.read() if length is None else file.read(length)
        except FileNotFoundError:
            raise BlobNotFoundError(key) from None
        except OSError as error:
            raise _unavailable("read", key, error) from None

    def path(self, key: str) -> Path:
        blob, meta = self._locate(key)
        if not (meta.is_file() and blob.is_file()):
            raise BlobNotFoundError(key)
        return blob

    def delete(self, key: str) -> bool:
        blob, meta = self._locate(key)
        try:
            meta.unlink()
            existed = True
        except FileNotFoundError:
            existed = False
        except OSError as error:
            raise _unavailable("delete", key, error) from None
        blob.unlink(missing_ok=True)
        return existed

    def list(self, *, after: str | None = None, limit: int = 100) -> list[BlobInfo]:
        """Files in key order after ``after``: one sorted walk of ``meta/`` that skips folders
        holding only keys up to ``after`` and stops at ``limit``."""
        found: list[BlobInfo] = []
        if limit < 1:
            return found
        for key in self._keys(self._meta, "", after):
            info = self._describe(key, self._meta / f"{key}.json")
            if info is not None:  # None: deleted while we walked
                found.append(info)
                if len(found) == limit:
                    break
        return found

    # --- signed forms and links -----------------------------------------------------------

    def presign_upload(
        self, key: str, *, max_bytes: int, expires_in: int, name: str, file_id: str
    ) -> PresignedUpload:
        check_blob_key(key)
        check_blob_attributes(name=name, file_id=file_id)
        if max_bytes < 1 or expires_in < 1:
            raise ValueError("max_bytes and expires_in must be positive")
        expires = int(self._clock().timestamp()) + expires_in
        fields = {
            "key": key,
            "expires": str(expires),
            "maxBytes": str(max_bytes),
            "name": name,
            "fileId": file_id,
        }
        fields["signature"] = self._sign(
            "polarbase-upload-v1", *(fields[field] for field in _UPLOAD_FIELDS)
        )
        return PresignedUpload(
            url=f"{self.base_path}/direct",
            fields=fields,
            file_field="file",
            expires_at=datetime.fromtimestamp(expires, UTC),
        )

    def verify_upload(self, fields: Mapping[str, str]) -> tuple[str, int, str, str]:
        """``(key, max_bytes, name, file_id)`` of a form ``presign_upload`` made and that has
        not expired. The caller still enforces ``max_bytes`` on the file it receives.

        Raises:
            AuthenticationError: a field is missing, any field differs from what was signed,
                or the form expired.
        """
        missing = [field for field in (*_UPLOAD_FIELDS, "signature") if field not in fields]
        if missing:
            raise AuthenticationError(f"upload form is missing the field '{missing[0]}'")
        values = [fields[field] for field in _UPLOAD_FIELDS]
        expected = self._sign("polarbase-upload-v1", *values)
        if not _is_same(expected, fields["signature"]):
            raise AuthenticationError("upload link signature does not match")
        key, expires, max_bytes, name, file_id = values
        if self._clock().timestamp() > int(expires):
            raise AuthenticationError("upload link expired; ask for a new one")
        return check_blob_key(key), int(max_bytes), name, file_id

    def signed_url(
        self, key: str, *, expires_in: int, download_name: str | None = None
    ) -> tuple[str, datetime]:
        check_blob_key(key)
        if expires_in < 1:
            raise ValueError("expires_in must be positive")
        expires = int(self._clock().timestamp()) + expires_in
        signature = self._sign("polarbase-download-v1", key, str(expires), download_name)
        url = f"{self.base_path}/{quote(key, safe='/')}?expires={expires}&signature={signature}"
        if download_name is not None:
            url += f"&name={quote(download_name, safe='')}"
        return url, datetime.fromtimestamp(expires, UTC)

    def verify_download(
        self, key: str, expires: str | int, signature: str, *, name: str | None = None
    ) -> None:
        """Accept a link ``signed_url`` made (``name`` as its ``name`` parameter) that has not
        expired; raise ``AuthenticationError`` (401) otherwise."""
        check_blob_key(key)
        expected = self._sign("polarbase-download-v1", key, str(expires), name)
        if not _is_same(expected, signature):
            raise AuthenticationError("download link signature does not match")
        if self._clock().timestamp() > int(expires):
            raise AuthenticationError("download link expired; ask for a new one")

    # --- inside ---------------------------------------------------------------------------

    def _locate(self, key: str) -> tuple[Path, Path]:
        """The blob and metadata paths of a checked ``key``, both proven to stay under root."""
        check_blob_key(key)
        blob = self._blobs / key
        meta = self._meta / f"{key}.json"
        for path, folder in ((blob, self._blobs), (meta, self._meta)):
            if not path.resolve().is_relative_to(folder):
                raise InvalidInputError(f"file key '{key}' leads outside the storage folder")
        return blob, meta

    def _describe(self, key: str, meta: Path) -> BlobInfo | None:
        try:
            description = json.loads(meta.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            raise StorageUnavailableError(
                f"cannot read the description of file '{key}' in local storage ({error})"
            ) from None
        return BlobInfo(
            key=key,
            size=int(description["size"]),
            content_type=str(description["contentType"]),
            name=str(description["name"]),
            file_id=str(description["fileId"]),
            uploaded_at=datetime.fromisoformat(description["uploadedAt"]),
        )

    def _keys(self, folder: Path, prefix: str, after: str | None) -> Iterator[str]:
        """The keys under ``folder`` greater than ``after``, in order.

        Sorting each folder's entries by key, a folder's entry as ``name/``, gives the global
        key order: every key inside folder ``d`` starts with ``d/``. A folder whose keys are all
        below ``"d/\\x7f"`` (keys are printable ASCII) is skipped when ``after`` is past that.
        """
        try:
            with os.scandir(folder) as scan:
                entries = [
                    (prefix + entry.name + "/", entry.path, True)
                    if entry.is_dir(follow_symlinks=False)
                    else (prefix + entry.name.removesuffix(".json"), entry.path, False)
                    for entry in scan
                    if entry.is_dir(follow_symlinks=False)
                    or (entry.name.endswith(".json") and entry.is_file(follow_symlinks=False))
                ]
        except FileNotFoundError:
            return
        for key, path, is_folder in sorted(entries):
            if is_folder:
                if after is None or after < key + "\x7f":
                    yield from self._keys(Path(path), key, after)
            elif (after is None or key > after) and is_blob_key(key):
                yield key

    def _sign(self, *parts: str | None) -> str:
        message = json.dumps(parts, ensure_ascii=False, separators=(",", ":")).encode()
        return hmac.new(self._signing_key, message, hashlib.sha256).hexdigest()


def _is_same(expected: str, given: str) -> bool:
    """Constant-time comparison of a signature (``given`` may hold any text)."""
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(name, path)
    finally:
        Path(name).unlink(missing_ok=True)


def _unavailable(action: str, key: str, error: OSError) -> StorageUnavailableError:
    return StorageUnavailableError(
        f"cannot {action} file '{key}' in local storage ({error.strerror or error}); try again"
    )

"""Where attachment files live: the ``BlobStore`` port, a local folder, and an S3 bucket.

The adapters load on first use (PEP 562): a process imports only the one its mode uses, and a
function's cold start pays for neither until it builds its store.
"""

from typing import TYPE_CHECKING, Any

from ..errors import BlobNotFoundError, StorageUnavailableError
from .blobs import (
    BlobInfo,
    BlobStore,
    PresignedUpload,
    attachment_disposition,
    check_blob_attributes,
    check_blob_key,
    is_blob_key,
)

__all__ = [
    "BlobInfo",
    "BlobNotFoundError",
    "BlobStore",
    "LocalBlobStore",
    "PresignedUpload",
    "S3BlobStore",
    "StorageUnavailableError",
    "attachment_disposition",
    "check_blob_attributes",
    "check_blob_key",
    "is_blob_key",
]


if TYPE_CHECKING:
    from .local import LocalBlobStore
    from .s3 import S3BlobStore


def __getattr__(name: str) -> Any:
    if name == "LocalBlobStore":
        from .local import LocalBlobStore

        return LocalBlobStore
    if name == "S3BlobStore":
        from .s3 import S3BlobStore

        return S3BlobStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

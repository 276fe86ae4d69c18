"""Where attachment files live: the ``BlobStore`` port, a local folder, and an S3 bucket."""

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
from .local import LocalBlobStore
from .s3 import S3BlobStore

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

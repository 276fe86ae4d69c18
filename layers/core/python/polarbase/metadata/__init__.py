"""PolarBase's own metadata: one SQLite file, kept locally or synced to S3."""

from .api_keys import ApiKeyRepository, ApiKeyRow
from .presentation import PresentationRepository
from .s3_sync import S3MetadataSync
from .store import MetadataStore
from .sync import LocalMetadataSync, MetadataSync

__all__ = [
    "ApiKeyRepository",
    "ApiKeyRow",
    "LocalMetadataSync",
    "MetadataStore",
    "MetadataSync",
    "PresentationRepository",
    "S3MetadataSync",
]

"""The S3 bucket holding PolarBase's metadata SQLite file on AWS."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

__all__ = ["MetadataBucket"]


class MetadataBucket(Construct):
    """A private, versioned, encrypted bucket for the metadata file that functions sync with.

    Functions keep a copy of one object, ``metadata_key``, in /tmp and write it back with
    conditional PUTs (DESIGN.md, "Metadata: SQLite, synced to S3"). Versioning keeps earlier copies
    so a bad write can be rolled back; old versions expire after ``noncurrent_version_days`` but
    the newest ``noncurrent_versions_kept`` always stay. The bucket is retained when the stack is
    deleted: it is the only copy of API keys, display names and view layouts.

    Attributes:
        bucket: the bucket.
        metadata_key: the object key of the metadata file; grants are limited to it.
        audit_key: the object key of the audit log's file (MCP tool calls), apart from the
            metadata so that writing it on every call never touches what every function reads.

    Example:
        >>> metadata = MetadataBucket(stack, "Metadata")  # doctest: +SKIP
        >>> metadata.bucket.grant_read(function, metadata.metadata_key)  # doctest: +SKIP
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        metadata_key: str = "polarbase/metadata.sqlite3",
        audit_key: str = "polarbase/audit.sqlite3",
        noncurrent_version_days: int = 30,
        noncurrent_versions_kept: int = 20,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        self.metadata_key = metadata_key
        self.audit_key = audit_key
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            versioned=True,
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            removal_policy=removal_policy,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireOldMetadataVersions",
                    noncurrent_version_expiration=Duration.days(noncurrent_version_days),
                    noncurrent_versions_to_retain=noncurrent_versions_kept,
                    abort_incomplete_multipart_upload_after=Duration.days(7),
                )
            ],
        )

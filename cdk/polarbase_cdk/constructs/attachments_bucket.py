"""The S3 bucket holding the files users attach to records on AWS."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["UPLOADS_PREFIX", "AttachmentsBucket"]

UPLOADS_PREFIX = "user-uploads/"
"""Where the server puts every attachment (``polarbase.storage.keys.new_key``); grants stop here."""


class AttachmentsBucket(Construct):
    """A private, encrypted, unversioned bucket for attachments, which browsers reach by
    presigned URL.

    The REST function stores files under ``uploads_prefix`` and hands browsers presigned POST
    forms (uploads) and presigned GET URLs (downloads); those are signed by the function's role,
    so its grants bound what a URL can do. The bucket never serves anything unsigned: all public
    access is blocked, objects belong to the bucket owner (no ACLs), and requests without TLS are
    refused.

    Encryption is S3's own (SSE-S3, ``AES256``): free, and invisible to presigned URLs. A KMS key
    would cost $1 a month plus $0.03 per 10,000 requests, and every function and presigned URL
    would need ``kms:GenerateDataKey`` / ``kms:Decrypt`` on it, for an audit trail of key use that
    attachments do not need here (``S3BlobStore`` can ask for a KMS key when one is wanted).

    Versioning is off: keys are made by the server and unique (time plus 64 random bits), so an
    object is never overwritten, and the only thing versions would keep is what the files
    function deletes on purpose (files no record references any more). With versions, a deleted
    file would live on, and be paid for, until a lifecycle rule expired it.

    CORS lets a web page on ``cors_origins`` POST a form to the bucket and GET or HEAD an object
    (``ETag`` exposed, to check an upload); the URL's signature is what authorizes. Incomplete
    multipart uploads are aborted after ``abort_incomplete_upload_days``. The bucket is retained
    when its stack is deleted: it holds the users' files.

    Attributes:
        bucket: the bucket.
        uploads_prefix: the key prefix every attachment has (``user-uploads/``).

    Example:
        >>> attachments = AttachmentsBucket(stack, "Attachments")  # doctest: +SKIP
        >>> attachments.grant_objects(function, "s3:GetObject")  # doctest: +SKIP
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        cors_origins: Sequence[str] = ("*",),
        abort_incomplete_upload_days: int = 1,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        self.uploads_prefix = UPLOADS_PREFIX
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            versioned=False,
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            removal_policy=removal_policy,
            cors=[
                s3.CorsRule(
                    allowed_methods=[
                        s3.HttpMethods.POST,
                        s3.HttpMethods.GET,
                        s3.HttpMethods.HEAD,
                    ],
                    allowed_origins=list(cors_origins),
                    allowed_headers=["*"],
                    exposed_headers=["ETag"],
                    max_age=3600,
                )
            ],
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="AbortIncompleteUploads",
                    abort_incomplete_multipart_upload_after=Duration.days(
                        abort_incomplete_upload_days
                    ),
                )
            ],
        )

    def grant_objects(self, grantee: iam.IGrantable, *actions: str) -> iam.Grant:
        """Allow ``actions`` (``s3:GetObject``, ...) on the attachments, no other object."""
        return iam.Grant.add_to_principal(
            grantee=grantee,
            actions=list(actions),
            resource_arns=[self.bucket.arn_for_objects(f"{self.uploads_prefix}*")],
        )

    def grant_list(self, grantee: iam.IGrantable) -> iam.Grant:
        """Allow listing the attachments: ``s3:ListBucket`` for prefixes under
        ``uploads_prefix`` only.

        A listing must name such a prefix (``Prefix=user-uploads/``); one of the whole bucket is
        refused. S3 also consults this permission, with the key as the prefix, when an object
        is missing: it answers 404 to a GET or HEAD of a missing attachment, 403 without it.
        """
        return iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["s3:ListBucket"],
            resource_arns=[self.bucket.bucket_arn],
            conditions={"StringLike": {"s3:prefix": [f"{self.uploads_prefix}*"]}},
        )

"""Attachment files in an S3 bucket, encrypted at rest, uploaded and downloaded by presigned forms
and URLs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote

from ..errors import BlobNotFoundError, InvalidInputError, StorageUnavailableError
from .blobs import (
    BlobInfo,
    PresignedUpload,
    attachment_disposition,
    check_blob_attributes,
    check_blob_key,
    is_blob_key,
)

__all__ = ["S3BlobStore"]

# botocore's S3 client. Its typed stubs are not a dependency, and neither boto3 nor botocore is
# imported at module level: the local mode never loads them.
S3Client = Any

# The longest a SigV4 presigned URL or form may live.
_MAX_EXPIRES_IN = 7 * 24 * 3600
_SIGV2_MESSAGE = (
    "the S3 client of S3BlobStore presigns with SigV2; make it with "
    "botocore.config.Config(signature_version='s3v4')"
)
# HEAD has no body, so a missing key (and a missing bucket) is a bare 404.
_MISSING = frozenset({"404", "NoSuchKey", "NotFound"})
# A range on an empty object: the object exists, and its first bytes are none.
_EMPTY_RANGE = frozenset({"416", "InvalidRange"})


class S3BlobStore:
    """Attachment files as objects ``<prefix><key>`` of ``bucket``, through a botocore client.

    The client must be made with ``Config(signature_version="s3v4")``: without it, botocore
    presigns with SigV2 in the older regions (us-east-1, eu-west-1, ...), which S3 deprecated
    and refuses for objects encrypted with KMS; ``presign_upload`` and ``signed_url`` raise
    ``ValueError`` (a wiring bug) rather than hand out such a URL.

    Every object is encrypted at rest: with the KMS key ``kms_key_id`` when given
    (``aws:kms``), else with S3's own keys (``AES256``); uploads through ``presign_upload``
    must ask for the same, their policy says so. The object's user metadata holds ``name``
    (percent-encoded UTF-8: S3 metadata is ASCII) and ``file-id``.

    ``prefix`` is prepended as it is (give ``"attachments/"`` for a folder); ``list`` sees
    only keys under it and returns them without it.

    Costs: ``delete`` is a HEAD then a DELETE (S3 answers 204 either way, so the HEAD tells
    whether the file existed); ``list`` is one LIST then one HEAD per file, in order, since
    LIST does not return user metadata: meant for maintenance, not the request path.
    ``put`` reports the time of the call as ``uploaded_at``; ``head`` and ``list`` report S3's
    ``LastModified``, which can differ from it by a moment.

    Every S3 failure raises ``StorageUnavailableError`` (503) naming S3's error code, except a
    missing object: ``BlobNotFoundError`` from ``read``, None from ``head``.

    Example:
        >>> store = S3BlobStore(clients.s3(), "my-attachments", kms_key_id="alias/polarbase")
        >>> upload = store.presign_upload("user-uploads/1-report.pdf", max_bytes=10 << 20,
        ...                               expires_in=900, name="report.pdf", file_id=file_id)
    """

    provider = "s3"

    def __init__(
        self,
        client: S3Client,
        bucket: str,
        *,
        prefix: str = "",
        kms_key_id: str | None = None,
        list_prefix: str = "",
    ) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.kms_key_id = kms_key_id
        self.list_prefix = list_prefix

    # --- files ----------------------------------------------------------------------------

    def put(self, key: str, data: bytes, *, content_type: str, name: str, file_id: str) -> BlobInfo:
        object_key = self._object_key(key)
        check_blob_attributes(name=name, file_id=file_id, content_type=content_type)
        encryption: dict[str, Any] = self._encryption()
        self._call(
            "write",
            key,
            self.client.put_object,
            Bucket=self.bucket,
            Key=object_key,
            Body=data,
            ContentType=content_type,
            Metadata={"name": quote(name, safe=""), "file-id": file_id},
            **encryption,
        )
        return BlobInfo(
            key=key,
            size=len(data),
            content_type=content_type,
            name=name,
            file_id=file_id,
            uploaded_at=datetime.now(UTC),
        )

    def head(self, key: str) -> BlobInfo | None:
        object_key = self._object_key(key)
        try:
            response = self._call(
                "read", key, self.client.head_object, Bucket=self.bucket, Key=object_key
            )
        except BlobNotFoundError:
            return None
        return _describe(key, response)

    def read(self, key: str, *, length: int | None = None) -> bytes:
        object_key = self._object_key(key)
        if length is not None and length < 0:
            raise InvalidInputError(f"cannot read {length} bytes of file '{key}'; give 0 or more")
        if length == 0:
            if self.head(key) is None:
                raise BlobNotFoundError(key)
            return b""
        request: dict[str, Any] = {"Bucket": self.bucket, "Key": object_key}
        if length is not None:
            request["Range"] = f"bytes=0-{length - 1}"
        response = self._call("read", key, self.client.get_object, tolerate=_EMPTY_RANGE, **request)
        if response is None:
            return b""
        body = response["Body"]
        try:
            data: bytes = body.read()
        finally:
            body.close()
        return data

    def path(self, key: str) -> None:
        """None: an S3 object has no local file; read it or redirect to ``signed_url``."""
        check_blob_key(key)
        return None

    def delete(self, key: str) -> bool:
        object_key = self._object_key(key)
        existed = self.head(key) is not None
        self._call("delete", key, self.client.delete_object, Bucket=self.bucket, Key=object_key)
        return existed

    def list(self, *, after: str | None = None, limit: int = 100) -> list[BlobInfo]:
        found: list[BlobInfo] = []
        # Listing stays under list_prefix: the deployment's role may list only there.
        request: dict[str, Any] = {"Bucket": self.bucket, "Prefix": self.prefix + self.list_prefix}
        if after is not None and after > self.list_prefix:
            request["StartAfter"] = self.prefix + after
        while len(found) < limit:
            request["MaxKeys"] = limit - len(found)
            page = self._call("list", f"{self.prefix}*", self.client.list_objects_v2, **request)
            for item in page.get("Contents", []):
                key = str(item["Key"])[len(self.prefix) :]
                if not is_blob_key(key):
                    continue  # put in the bucket by something else
                info = self.head(key)
                if info is not None:  # None: deleted since the LIST
                    found.append(info)
            if not page.get("IsTruncated"):
                break
            request.pop("StartAfter", None)
            request["ContinuationToken"] = page["NextContinuationToken"]
        return found

    # --- presigned forms and URLs ---------------------------------------------------------

    def presign_upload(
        self, key: str, *, max_bytes: int, expires_in: int, name: str, file_id: str
    ) -> PresignedUpload:
        """A browser-upload form (POST policy) for exactly one key.

        Its policy admits a file of 1 to ``max_bytes`` bytes, the key, the encryption and the
        metadata exactly as given here, and any ``Content-Type`` field the client adds.
        """
        object_key = self._object_key(key)
        check_blob_attributes(name=name, file_id=file_id)
        if max_bytes < 1 or not 0 < expires_in <= _MAX_EXPIRES_IN:
            raise ValueError("max_bytes must be positive, expires_in 1 s to 7 days")
        fields = {
            **self._encryption_fields(),
            "x-amz-meta-name": quote(name, safe=""),
            "x-amz-meta-file-id": file_id,
        }
        conditions: list[Any] = [
            ["content-length-range", 1, max_bytes],
            *({field: value} for field, value in fields.items()),
            ["starts-with", "$Content-Type", ""],
        ]
        expires_at = datetime.now(UTC) + timedelta(seconds=expires_in)
        # botocore adds the bucket and the exact key to the conditions, and ``key`` to the fields.
        form = self._call(
            "sign an upload for",
            key,
            self.client.generate_presigned_post,
            Bucket=self.bucket,
            Key=object_key,
            Fields=fields,
            Conditions=conditions,
            ExpiresIn=expires_in,
        )
        if "x-amz-signature" not in form["fields"]:
            raise ValueError(_SIGV2_MESSAGE)
        return PresignedUpload(
            url=str(form["url"]),
            fields={field: str(value) for field, value in form["fields"].items()},
            file_field="file",
            expires_at=expires_at,
        )

    def signed_url(
        self, key: str, *, expires_in: int, download_name: str | None = None
    ) -> tuple[str, datetime]:
        """A presigned GET. Made with temporary credentials (a Lambda role), it stops working
        when they expire, even before ``expires_in``."""
        params = {"Bucket": self.bucket, "Key": self._object_key(key)}
        if expires_in < 1:
            raise ValueError("expires_in must be at least 1 s")
        expires_in = min(expires_in, _MAX_EXPIRES_IN)  # SigV4 signs for at most 7 days
        if download_name is not None:
            params["ResponseContentDisposition"] = attachment_disposition(download_name)
        expires_at = datetime.now(UTC) + timedelta(seconds=expires_in)
        url = self._call(
            "sign a download of",
            key,
            self.client.generate_presigned_url,
            ClientMethod="get_object",
            Params=params,
            ExpiresIn=expires_in,
        )
        if "X-Amz-Signature=" not in url:
            raise ValueError(_SIGV2_MESSAGE)
        return str(url), expires_at

    # --- inside ---------------------------------------------------------------------------

    def _object_key(self, key: str) -> str:
        return self.prefix + check_blob_key(key)

    def _encryption(self) -> dict[str, str]:
        """``put_object``'s encryption parameters."""
        if self.kms_key_id is None:
            return {"ServerSideEncryption": "AES256"}
        return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": self.kms_key_id}

    def _encryption_fields(self) -> dict[str, str]:
        """The same, as POST form fields."""
        if self.kms_key_id is None:
            return {"x-amz-server-side-encryption": "AES256"}
        return {
            "x-amz-server-side-encryption": "aws:kms",
            "x-amz-server-side-encryption-aws-kms-key-id": self.kms_key_id,
        }

    def _call(
        self,
        action: str,
        key: str,
        operation: Callable[..., Any],
        *,
        tolerate: frozenset[str] = frozenset(),
        **request: Any,
    ) -> Any:
        """``operation(**request)``, with S3's answers and botocore's failures as ours.

        None when S3 answered with an error code in ``tolerate``.
        """
        from botocore.exceptions import BotoCoreError  # the aws mode has botocore; local never

        try:
            return operation(**request)
        except self.client.exceptions.ClientError as error:
            code = str(error.response.get("Error", {}).get("Code"))
            if code in tolerate:
                return None
            if code in _MISSING:
                raise BlobNotFoundError(key) from None
            raise StorageUnavailableError(
                f"cannot {action} file '{key}' in S3 ({code}); try again"
            ) from None
        except BotoCoreError as error:
            raise StorageUnavailableError(
                f"cannot reach S3 to {action} file '{key}' ({type(error).__name__}); try again"
            ) from None


def _describe(key: str, response: dict[str, Any]) -> BlobInfo:
    """A ``BlobInfo`` from a HEAD or GET answer; an object we did not write gets its key's last
    part as name and an empty file id."""
    metadata: dict[str, str] = response.get("Metadata", {})
    modified: datetime = response["LastModified"]
    return BlobInfo(
        key=key,
        size=int(response["ContentLength"]),
        content_type=str(response.get("ContentType") or "application/octet-stream"),
        name=unquote(metadata.get("name", key.rsplit("/", 1)[-1])),
        file_id=metadata.get("file-id", ""),
        uploaded_at=modified.astimezone(UTC),
    )

"""The attachment file stores: one contract for a local folder and S3, then what each signs.

moto 5.2.5, checked while writing these tests, accepts every presigned request it gets: a POST
form is stored whatever its policy says (a file past ``content-length-range``, a changed
metadata field, a bad signature all answer 204, and the form's encryption fields are not
applied), and a presigned GET of an existing object answers 200 with a changed signature or
after ``X-Amz-Expires``. So the S3 tests check that uploads and downloads work through the
URLs, and read the policy S3 would enforce from the form itself; they cannot see S3 refuse.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pytest

from polarbase.errors import (
    AuthenticationError,
    BlobNotFoundError,
    ConflictError,
    InvalidInputError,
    StorageUnavailableError,
)
from polarbase.storage import BlobInfo, BlobStore, LocalBlobStore, S3BlobStore
from tests.fixtures.moto import FAKE_CREDENTIALS, REGION

SIGNING_KEY = b"0123456789abcdef-test-signing-key"
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 4
FILE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"

NAMES = [
    "Résumé \u2013 2026 年度報告 📎.pdf",
    'quote " backslash \\ semicolon ; comma , .txt',
    "100% real+plus&amp=equals?.csv",
    "tab\tand\nnewline.txt",
    " leading and trailing spaces ",
]

BAD_KEYS = [
    "../x",
    "a/../../b",
    "/abs",
    "a//b",
    "a\\b",
    "a\x00b",
    "",
    "a/./b",
    "..",
    "a/",
    "é.txt",
    "line\nbreak",
    "x" * 513,
]


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Backend:
    """A store, and a look at its storage that goes through no adapter."""

    store: BlobStore
    everything: Callable[[], list[str]]  # every file or object the storage holds


def s3_client(endpoint: str, **config: Any) -> Any:
    """An S3 client as the aws mode makes one for attachments: SigV4 (path style for moto)."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, **config),
    )


@pytest.fixture(scope="module")
def s3(moto_endpoint: str) -> Any:
    return s3_client(moto_endpoint)


@pytest.fixture(scope="module")
def bucket(s3: Any) -> Iterator[str]:
    """One bucket for the module; each test leaves it empty (see ``s3_backend``)."""
    name = f"polarbase-blobs-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    yield name
    s3.delete_bucket(Bucket=name)


def bucket_keys(s3: Any, bucket: str) -> list[str]:
    listing = s3.list_objects_v2(Bucket=bucket)
    return [item["Key"] for item in listing.get("Contents", [])]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def local_store(tmp_path: Path, clock: Clock) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "files", signing_key=SIGNING_KEY, clock=clock)


@pytest.fixture
def s3_store(s3: Any, bucket: str) -> Iterator[S3BlobStore]:
    """A store under a prefix of its own; everything in the bucket is removed after the test."""
    yield S3BlobStore(s3, bucket, prefix=f"t-{uuid.uuid4().hex[:8]}/")
    for key in bucket_keys(s3, bucket):
        s3.delete_object(Bucket=bucket, Key=key)


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "local":

        def files() -> list[str]:
            return sorted(
                str(Path(folder, name).relative_to(tmp_path))
                for folder, _, names in os.walk(tmp_path)
                for name in names
            )

        return Backend(request.getfixturevalue("local_store"), files)
    s3, bucket = request.getfixturevalue("s3"), request.getfixturevalue("bucket")
    return Backend(request.getfixturevalue("s3_store"), lambda: bucket_keys(s3, bucket))


def put(store: BlobStore, key: str, data: bytes = PDF, **attributes: str) -> BlobInfo:
    return store.put(
        key,
        data,
        content_type=attributes.get("content_type", "application/pdf"),
        name=attributes.get("name", "report.pdf"),
        file_id=attributes.get("file_id", FILE_ID),
    )


def without_time(info: BlobInfo | None) -> tuple[object, ...]:
    assert info is not None
    return (info.key, info.size, info.content_type, info.name, info.file_id)


# --- the contract, for both adapters ---------------------------------------------------------


def test_a_put_file_is_described_and_read_back(backend: Backend) -> None:
    store = backend.store
    key = "user-uploads/1796559381912-3fa85f64-report.pdf"

    stored = put(store, key)

    assert without_time(stored) == (key, len(PDF), "application/pdf", "report.pdf", FILE_ID)
    head = store.head(key)
    assert without_time(head) == without_time(stored)
    assert head is not None
    assert head.uploaded_at.utcoffset() == timedelta(0)
    assert abs(head.uploaded_at - stored.uploaded_at) < timedelta(seconds=5)
    assert store.read(key) == PDF


def test_read_with_a_length_gives_the_first_bytes(backend: Backend) -> None:
    put(backend.store, "a.pdf")

    assert backend.store.read("a.pdf", length=8) == PDF[:8]
    assert backend.store.read("a.pdf", length=0) == b""
    assert backend.store.read("a.pdf", length=len(PDF) + 100) == PDF


def test_an_empty_file_reads_as_empty_with_or_without_a_length(backend: Backend) -> None:
    put(backend.store, "empty.txt", b"", content_type="text/plain")

    assert backend.store.read("empty.txt") == b""
    assert backend.store.read("empty.txt", length=10) == b""
    assert backend.store.head("empty.txt") is not None


def test_put_again_replaces_the_file_and_its_description(backend: Backend) -> None:
    put(backend.store, "a.txt", b"first", content_type="text/plain", name="one.txt")

    put(backend.store, "a.txt", b"second", content_type="text/csv", name="two.csv")

    assert backend.store.read("a.txt") == b"second"
    assert without_time(backend.store.head("a.txt"))[1:4] == (6, "text/csv", "two.csv")


@pytest.mark.parametrize("name", NAMES)
def test_any_unicode_name_round_trips(backend: Backend, name: str) -> None:
    put(backend.store, "named.bin", name=name)

    head = backend.store.head("named.bin")
    assert head is not None
    assert head.name == name
    assert [info.name for info in backend.store.list()] == [name]


def test_path_is_a_local_file_locally_and_none_on_s3(backend: Backend) -> None:
    put(backend.store, "folder/a.pdf")

    path = backend.store.path("folder/a.pdf")

    if backend.store.provider == "local":
        assert path is not None
        assert path.read_bytes() == PDF
    else:
        assert backend.store.provider == "s3"
        assert path is None


def test_a_missing_key_is_404_naming_the_key(backend: Backend) -> None:
    store = backend.store

    with pytest.raises(BlobNotFoundError) as raised:
        store.read("user-uploads/missing.pdf")

    assert raised.value.status == 404
    assert raised.value.code == "file_not_found"
    assert "'user-uploads/missing.pdf'" in raised.value.message
    with pytest.raises(BlobNotFoundError):
        store.read("user-uploads/missing.pdf", length=0)
    assert store.head("user-uploads/missing.pdf") is None
    assert store.delete("user-uploads/missing.pdf") is False


def test_delete_removes_the_file_and_says_whether_it_existed(backend: Backend) -> None:
    store = backend.store
    put(store, "a/one.pdf")
    put(store, "a/two.pdf")

    assert store.delete("a/one.pdf") is True
    assert store.delete("a/one.pdf") is False

    assert store.head("a/one.pdf") is None
    with pytest.raises(BlobNotFoundError):
        store.read("a/one.pdf")
    assert [info.key for info in store.list()] == ["a/two.pdf"]
    assert len(backend.everything()) == (1 if store.provider == "s3" else 2)  # + its .json


def test_list_pages_through_every_key_in_order(backend: Backend) -> None:
    # GIVEN keys whose order differs between "sort each folder" and "sort the keys":
    # '-' (0x2D) and '.' sort before '/' (0x2F), '0' after it
    keys = ["b", "a/x", "a-b", "a0", "a.txt", "c/d/e", "c/d-e", "c/dd", "user-uploads/1-f.pdf"]
    for index, key in enumerate(keys):
        put(backend.store, key, str(index).encode(), content_type="text/plain", name=f"n{index}")

    # WHEN the list is read two at a time
    seen: list[BlobInfo] = []
    after: str | None = None
    while page := backend.store.list(after=after, limit=2):
        assert len(page) <= 2
        seen.extend(page)
        after = page[-1].key

    # THEN every key comes once, in key order, with its description
    assert [info.key for info in seen] == sorted(keys)
    assert {info.key: info.name for info in seen} == {k: f"n{i}" for i, k in enumerate(keys)}
    assert all(info.size == len(str(keys.index(info.key))) for info in seen)


def test_list_after_a_key_that_is_not_stored_starts_past_it(backend: Backend) -> None:
    for key in ["a", "b/1", "b/2", "c"]:
        put(backend.store, key)

    assert [info.key for info in backend.store.list(after="b/15")] == ["b/2", "c"]
    assert [info.key for info in backend.store.list(after="b")] == ["b/1", "b/2", "c"]
    assert [info.key for info in backend.store.list(after="c")] == []
    assert [info.key for info in backend.store.list(limit=1)] == ["a"]


def test_list_of_an_empty_store_is_empty(backend: Backend) -> None:
    assert backend.store.list() == []


@pytest.mark.parametrize("key", BAD_KEYS, ids=repr)
def test_a_bad_key_is_400_and_nothing_is_written(backend: Backend, key: str) -> None:
    store = backend.store
    attempts: list[Callable[[], object]] = [
        lambda: put(store, key),
        lambda: store.head(key),
        lambda: store.read(key),
        lambda: store.path(key),
        lambda: store.delete(key),
        lambda: store.presign_upload(
            key, max_bytes=10, expires_in=60, name="x.pdf", file_id=FILE_ID
        ),
        lambda: store.signed_url(key, expires_in=60),
    ]

    for attempt in attempts:
        with pytest.raises(InvalidInputError) as raised:
            attempt()
        assert raised.value.status == 400
        assert "file key" in raised.value.message

    assert backend.everything() == []


@pytest.mark.parametrize(
    ("attributes", "problem"),
    [
        ({"name": ""}, "file name"),
        ({"name": "é" * 257}, "file name is 514 bytes"),
        ({"name": "\ud800.txt"}, "lone surrogate"),
        ({"file_id": "not a uuid"}, "file id"),
        ({"file_id": "ü"}, "file id"),
        ({"content_type": "text/plain\r\nX-Evil: 1"}, "content type"),
        ({"content_type": ""}, "content type"),
    ],
)
def test_attributes_s3_cannot_keep_are_refused_before_anything_is_written(
    backend: Backend, attributes: dict[str, str], problem: str
) -> None:
    with pytest.raises(InvalidInputError, match=problem):
        put(backend.store, "a.pdf", **attributes)

    assert backend.everything() == []


def test_the_longest_name_allowed_round_trips(backend: Backend) -> None:
    name = "文" * 170 + "ab"  # 512 bytes of UTF-8, 1,536 percent-encoded

    put(backend.store, "long.txt", name=name)

    assert without_time(backend.store.head("long.txt"))[3] == name


# --- S3: where the objects go, and the presigned form and URL --------------------------------


def test_s3_objects_sit_under_the_prefix_encrypted_with_s3_keys(
    s3: Any, bucket: str, s3_store: S3BlobStore
) -> None:
    put(s3_store, "user-uploads/a.pdf", name="Résumé.pdf")

    assert bucket_keys(s3, bucket) == [f"{s3_store.prefix}user-uploads/a.pdf"]
    stored = s3.head_object(Bucket=bucket, Key=f"{s3_store.prefix}user-uploads/a.pdf")
    assert stored["ServerSideEncryption"] == "AES256"
    assert stored["Metadata"] == {"name": "R%C3%A9sum%C3%A9.pdf", "file-id": FILE_ID}


def test_s3_objects_are_encrypted_with_the_kms_key_when_given(
    s3: Any, bucket: str, s3_store: S3BlobStore
) -> None:
    kms_key = "arn:aws:kms:us-east-1:123456789012:key/polarbase-attachments"
    store = S3BlobStore(s3, bucket, prefix=s3_store.prefix, kms_key_id=kms_key)

    put(store, "a.pdf")

    stored = s3.head_object(Bucket=bucket, Key=f"{store.prefix}a.pdf")
    assert stored["ServerSideEncryption"] == "aws:kms"
    assert stored["SSEKMSKeyId"] == kms_key


def test_s3_presigned_form_uploads_the_file_with_its_name_and_id(s3_store: S3BlobStore) -> None:
    name = "Résumé \u2013 年度報告.pdf"
    upload = s3_store.presign_upload(
        "user-uploads/up.pdf", max_bytes=len(PDF), expires_in=300, name=name, file_id=FILE_ID
    )

    # the fields, then the file, as a browser form sends them
    response = httpx.post(
        upload.url,
        data={**upload.fields, "Content-Type": "application/pdf"},
        files={upload.file_field: ("up.pdf", PDF, "application/pdf")},
    )

    assert response.status_code == 204, response.text
    assert upload.file_field == "file"
    assert without_time(s3_store.head("user-uploads/up.pdf")) == (
        "user-uploads/up.pdf",
        len(PDF),
        "application/pdf",
        name,
        FILE_ID,
    )
    assert s3_store.read("user-uploads/up.pdf") == PDF
    assert timedelta(seconds=290) < upload.expires_at - datetime.now(UTC) <= timedelta(seconds=300)


def test_s3_presigned_form_policy_fixes_size_key_encryption_and_metadata(
    bucket: str, s3_store: S3BlobStore
) -> None:
    # moto stores whatever is POSTed (see the module docstring), so read what S3 enforces
    upload = s3_store.presign_upload(
        "user-uploads/up.pdf", max_bytes=1000, expires_in=300, name="naïve.pdf", file_id=FILE_ID
    )

    policy = json.loads(base64.b64decode(upload.fields["policy"]))

    conditions = policy["conditions"]
    assert ["content-length-range", 1, 1000] in conditions
    assert {"key": f"{s3_store.prefix}user-uploads/up.pdf"} in conditions
    assert {"bucket": bucket} in conditions
    assert {"x-amz-server-side-encryption": "AES256"} in conditions
    assert {"x-amz-meta-name": "na%C3%AFve.pdf"} in conditions
    assert {"x-amz-meta-file-id": FILE_ID} in conditions
    assert ["starts-with", "$Content-Type", ""] in conditions
    assert upload.fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    expiration = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert abs(expiration - upload.expires_at) < timedelta(seconds=5)


def test_s3_presigned_form_with_kms_asks_for_that_key(
    s3: Any, bucket: str, s3_store: S3BlobStore
) -> None:
    store = S3BlobStore(s3, bucket, prefix=s3_store.prefix, kms_key_id="alias/attachments")

    upload = store.presign_upload("a.pdf", max_bytes=10, expires_in=60, name="a", file_id="1")

    conditions = json.loads(base64.b64decode(upload.fields["policy"]))["conditions"]
    assert {"x-amz-server-side-encryption": "aws:kms"} in conditions
    assert {"x-amz-server-side-encryption-aws-kms-key-id": "alias/attachments"} in conditions
    assert upload.fields["x-amz-server-side-encryption-aws-kms-key-id"] == "alias/attachments"


def test_s3_signed_url_downloads_the_bytes_as_an_attachment_of_that_name(
    s3_store: S3BlobStore,
) -> None:
    put(s3_store, "user-uploads/a.pdf")

    url, expires_at = s3_store.signed_url(
        "user-uploads/a.pdf", expires_in=120, download_name="Résumé 2026.pdf"
    )
    response = httpx.get(url)

    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"R_sum_ 2026.pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9%202026.pdf"
    )
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == ["120"]
    assert timedelta(seconds=110) < expires_at - datetime.now(UTC) <= timedelta(seconds=120)


def test_s3_signed_url_without_a_name_has_no_disposition(s3_store: S3BlobStore) -> None:
    put(s3_store, "a.pdf")

    url, _ = s3_store.signed_url("a.pdf", expires_in=60)

    assert "response-content-disposition" not in url
    assert httpx.get(url).content == PDF


def test_s3_store_refuses_to_presign_with_sigv2(moto_endpoint: str, bucket: str) -> None:
    # GIVEN a client made without signature_version: botocore presigns SigV2 in us-east-1
    from tests.fixtures.moto import moto_client

    store = S3BlobStore(moto_client("s3", moto_endpoint), bucket)

    with pytest.raises(ValueError, match="SigV2"):
        store.signed_url("a.pdf", expires_in=60)
    with pytest.raises(ValueError, match="SigV2"):
        store.presign_upload("a.pdf", max_bytes=1, expires_in=60, name="a", file_id="1")


def test_s3_unreachable_is_503_storage_unavailable() -> None:
    # GIVEN a client pointed at a port nothing listens on, without retries
    client = s3_client("http://127.0.0.1:9", retries={"max_attempts": 0}, connect_timeout=1)
    store = S3BlobStore(client, "any-bucket")

    for attempt in (lambda: put(store, "a.pdf"), lambda: store.read("a.pdf"), store.list):
        with pytest.raises(StorageUnavailableError) as raised:
            attempt()
        assert raised.value.status == 503
        assert raised.value.code == "storage_unavailable"
        assert "EndpointConnectionError" in raised.value.message


def test_s3_missing_bucket_is_503_naming_the_code(s3: Any) -> None:
    store = S3BlobStore(s3, "polarbase-no-such-bucket")

    with pytest.raises(StorageUnavailableError, match="NoSuchBucket"):
        put(store, "a.pdf")


# --- local: the folder layout, and the signed form and link its routes check ----------------


def test_local_files_sit_under_blobs_with_their_description_under_meta(
    tmp_path: Path, local_store: LocalBlobStore, clock: Clock
) -> None:
    put(local_store, "user-uploads/a.pdf", name="Résumé.pdf")

    root = tmp_path / "files"
    assert (root / "blobs/user-uploads/a.pdf").read_bytes() == PDF
    assert json.loads((root / "meta/user-uploads/a.pdf.json").read_text("utf-8")) == {
        "size": len(PDF),
        "contentType": "application/pdf",
        "name": "Résumé.pdf",
        "fileId": FILE_ID,
        "uploadedAt": clock.now.isoformat(),
    }
    assert local_store.path("user-uploads/a.pdf") == root / "blobs/user-uploads/a.pdf"


def test_local_path_of_a_missing_key_is_404(local_store: LocalBlobStore) -> None:
    with pytest.raises(BlobNotFoundError):
        local_store.path("missing.pdf")


def test_local_key_that_is_both_a_file_and_a_folder_is_409(local_store: LocalBlobStore) -> None:
    put(local_store, "a")

    with pytest.raises(ConflictError, match="'a/b'"):
        put(local_store, "a/b")
    put(local_store, "c/d")
    with pytest.raises(ConflictError, match="'c'"):
        put(local_store, "c")

    assert [info.key for info in local_store.list()] == ["a", "c/d"]


def test_local_key_through_a_symlink_out_of_the_folder_is_400(
    tmp_path: Path, local_store: LocalBlobStore
) -> None:
    # GIVEN a link inside the store that leads outside it
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "files/blobs").mkdir(parents=True)
    (tmp_path / "files/blobs/escape").symlink_to(outside)

    with pytest.raises(InvalidInputError, match="leads outside"):
        put(local_store, "escape/x.pdf")

    assert list(outside.iterdir()) == []


def upload_form(store: LocalBlobStore, **options: Any) -> dict[str, str]:
    upload = store.presign_upload(
        options.pop("key", "user-uploads/up.pdf"),
        max_bytes=options.pop("max_bytes", 5000),
        expires_in=options.pop("expires_in", 300),
        name=options.pop("name", "Résumé.pdf"),
        file_id=FILE_ID,
    )
    assert upload.url == "/rest/files/direct"
    assert upload.file_field == "file"
    return upload.fields


def test_local_upload_form_is_accepted_as_signed(local_store: LocalBlobStore, clock: Clock) -> None:
    fields = upload_form(local_store)

    assert set(fields) == {"key", "expires", "maxBytes", "name", "fileId", "signature"}
    assert int(fields["expires"]) == int(clock.now.timestamp()) + 300
    assert local_store.verify_upload(fields) == ("user-uploads/up.pdf", 5000, "Résumé.pdf", FILE_ID)
    clock.advance(300)  # the last second is still inside
    assert local_store.verify_upload(fields)[0] == "user-uploads/up.pdf"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("key", "user-uploads/other.pdf"),
        ("expires", "99999999999"),
        ("maxBytes", "999999999"),
        ("name", "Résumé.exe"),
        ("fileId", "00000000-0000-0000-0000-000000000000"),
        ("signature", "0" * 64),
        ("signature", "not hex, not ascii: é"),
    ],
)
def test_local_upload_form_with_a_changed_field_is_401(
    local_store: LocalBlobStore, field: str, value: str
) -> None:
    fields = {**upload_form(local_store), field: value}

    with pytest.raises(AuthenticationError) as raised:
        local_store.verify_upload(fields)

    assert raised.value.status == 401
    assert raised.value.message == "upload link signature does not match"


def test_local_upload_form_missing_a_field_is_401_naming_it(local_store: LocalBlobStore) -> None:
    fields = upload_form(local_store)
    del fields["fileId"]

    with pytest.raises(AuthenticationError, match="'fileId'"):
        local_store.verify_upload(fields)


def test_local_upload_form_past_its_expiry_is_401(
    local_store: LocalBlobStore, clock: Clock
) -> None:
    fields = upload_form(local_store, expires_in=60)
    clock.advance(61)

    with pytest.raises(AuthenticationError, match="upload link expired"):
        local_store.verify_upload(fields)


def test_local_upload_form_signed_with_another_key_is_401(
    tmp_path: Path, local_store: LocalBlobStore
) -> None:
    other = LocalBlobStore(tmp_path / "files", signing_key=b"another key, 16+ bytes long")

    with pytest.raises(AuthenticationError, match="does not match"):
        other.verify_upload(upload_form(local_store))


def parse_link(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    assert parts.path.startswith("/rest/files/")
    key = unquote(parts.path.removeprefix("/rest/files/"))
    return key, {name: values[0] for name, values in parse_qs(parts.query).items()}


def test_local_signed_url_is_accepted_until_it_expires(
    local_store: LocalBlobStore, clock: Clock
) -> None:
    url, expires_at = local_store.signed_url("user-uploads/a b#?.pdf", expires_in=60)

    key, query = parse_link(url)
    assert url.startswith("/rest/files/user-uploads/a%20b%23%3F.pdf?expires=")
    assert key == "user-uploads/a b#?.pdf"
    assert set(query) == {"expires", "signature"}
    assert expires_at == clock.now + timedelta(seconds=60)
    local_store.verify_download(key, query["expires"], query["signature"])

    clock.advance(61)
    with pytest.raises(AuthenticationError, match="download link expired") as raised:
        local_store.verify_download(key, query["expires"], query["signature"])
    assert raised.value.status == 401


def test_local_signed_url_carries_and_signs_the_download_name(local_store: LocalBlobStore) -> None:
    url, _ = local_store.signed_url("a.pdf", expires_in=60, download_name="Résumé & co.pdf")

    key, query = parse_link(url)
    assert query["name"] == "Résumé & co.pdf"
    local_store.verify_download(key, query["expires"], query["signature"], name=query["name"])
    with pytest.raises(AuthenticationError, match="does not match"):
        local_store.verify_download(key, query["expires"], query["signature"], name="evil.exe")
    with pytest.raises(AuthenticationError, match="does not match"):
        local_store.verify_download(key, query["expires"], query["signature"])


@pytest.mark.parametrize("change", ["key", "expires", "signature"])
def test_local_signed_url_with_a_changed_part_is_401(
    local_store: LocalBlobStore, change: str
) -> None:
    url, _ = local_store.signed_url("a.pdf", expires_in=60)
    key, query = parse_link(url)
    parts = {"key": key, "expires": query["expires"], "signature": query["signature"]}
    parts[change] = {"key": "b.pdf", "expires": str(int(parts["expires"]) + 3600)}.get(
        change, "f" * 64
    )

    with pytest.raises(AuthenticationError, match="download link signature does not match"):
        local_store.verify_download(parts["key"], parts["expires"], parts["signature"])


def test_local_upload_signature_does_not_pass_as_a_download_one(
    local_store: LocalBlobStore,
) -> None:
    fields = upload_form(local_store, key="a.pdf")

    with pytest.raises(AuthenticationError, match="does not match"):
        local_store.verify_download("a.pdf", fields["expires"], fields["signature"])

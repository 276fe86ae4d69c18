"""The AWS calls made without botocore (``polarbase.aws_http``), against moto over HTTP: objects
read and written on conditions, secrets, AWS's error codes, unreachable endpoints, and where each
request goes."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from polarbase.aws_http import AwsCallError, AwsHttp, S3Objects, secret_string
from polarbase.sigv4 import Credentials
from tests.fixtures.moto import FAKE_CREDENTIALS, REGION, moto_client, moto_objects

KEY = "polarbase/metadata file+ü.sqlite3"
TESTING = Credentials(
    FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"], FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]
)


def secrets_at(endpoint: str) -> AwsHttp:
    return AwsHttp(
        region=REGION, endpoints={"secretsmanager": endpoint}, credentials=lambda: TESTING
    )


@pytest.fixture
def bucket(make_bucket: Callable[[], str]) -> str:
    return make_bucket()


@pytest.fixture
def objects(moto_endpoint: str) -> S3Objects:
    return moto_objects(moto_endpoint)  # type: ignore[no-any-return]


def test_an_object_goes_in_and_comes_back_with_its_etag(
    objects: S3Objects, bucket: str, make_s3_client: Callable[[], Any]
) -> None:
    body = b"SQLite format 3\x00" + bytes(range(256)) * 40
    etag = objects.put(bucket, KEY, body, content_type="application/vnd.sqlite3")

    assert objects.get(bucket, KEY) == (body, etag)
    stored = make_s3_client().get_object(Bucket=bucket, Key=KEY)
    assert stored["Body"].read() == body
    assert stored["ETag"] == etag
    assert stored["ContentType"] == "application/vnd.sqlite3"


def test_conditions_hold_as_s3_applies_them(objects: S3Objects, bucket: str) -> None:
    first = objects.put(bucket, KEY, b"one", if_none_match="*")
    with pytest.raises(AwsCallError) as exists:
        objects.put(bucket, KEY, b"two", if_none_match="*")
    assert (exists.value.status, exists.value.code) == (412, "PreconditionFailed")

    second = objects.put(bucket, KEY, b"two", if_match=first)
    with pytest.raises(AwsCallError) as stale:
        objects.put(bucket, KEY, b"three", if_match=first)
    assert stale.value.code == "PreconditionFailed"

    with pytest.raises(AwsCallError) as unchanged:
        objects.get(bucket, KEY, if_none_match=second)
    assert (unchanged.value.status, unchanged.value.code) == (304, "304")
    assert objects.get(bucket, KEY, if_none_match=first) == (b"two", second)


def test_s3s_errors_keep_their_codes(objects: S3Objects, bucket: str) -> None:
    with pytest.raises(AwsCallError) as missing:
        objects.get(bucket, "no/such/key")
    assert (missing.value.status, missing.value.code) == (404, "NoSuchKey")
    with pytest.raises(AwsCallError) as no_bucket:
        objects.get(f"polarbase-absent-{uuid.uuid4().hex[:8]}", KEY)
    assert (no_bucket.value.status, no_bucket.value.code) == (404, "NoSuchBucket")


def test_an_unreachable_endpoint_is_an_error_without_status() -> None:
    objects = moto_objects("http://127.0.0.1:9")  # discard: nothing listens on loopback here
    with pytest.raises(AwsCallError) as raised:
        objects.get("bucket", KEY)
    assert (raised.value.status, raised.value.code) == (0, "ConnectionRefusedError")


@pytest.fixture
def secret(moto_endpoint: str) -> Iterator[str]:
    client = moto_client("secretsmanager", moto_endpoint)
    made = client.create_secret(
        Name=f"polarbase/test-{uuid.uuid4().hex[:8]}", SecretString="postgresql://u:p@h/db"
    )
    yield made["ARN"]
    client.delete_secret(SecretId=made["ARN"], ForceDeleteWithoutRecovery=True)


def test_a_secret_is_read_by_arn(moto_endpoint: str, secret: str) -> None:
    assert secret_string(secrets_at(moto_endpoint), secret) == "postgresql://u:p@h/db"


def test_a_missing_secret_keeps_aws_code(moto_endpoint: str) -> None:
    with pytest.raises(AwsCallError) as raised:
        secret_string(secrets_at(moto_endpoint), f"polarbase/absent-{uuid.uuid4().hex[:8]}")
    assert raised.value.code == "ResourceNotFoundException"
    assert raised.value.status >= 400


def test_endpoints_come_from_the_environment_as_botocore_finds_them() -> None:
    environ = {"AWS_ENDPOINT_URL": "http://all:1/", "AWS_ENDPOINT_URL_S3": "http://s3only:2"}
    aws = AwsHttp(region="eu-west-1", environ=environ, credentials=lambda: Credentials("a", "b"))
    assert aws.endpoint("s3", "https://default") == "http://s3only:2"
    assert aws.endpoint("secretsmanager", "https://default") == "http://all:1"
    assert AwsHttp(region="eu-west-1", environ={}).endpoint("s3", "https://x/") == "https://x"
    given = AwsHttp(region="eu-west-1", endpoints={"s3": "http://given:3"}, environ=environ)
    assert given.endpoint("s3", "https://default") == "http://given:3"


@pytest.mark.parametrize(
    ("region", "bucket", "expected"),
    [
        ("eu-west-1", "meta", ("https://meta.s3.eu-west-1.amazonaws.com", "/polarbase/m.db")),
        ("us-east-1", "meta", ("https://meta.s3.us-east-1.amazonaws.com", "/polarbase/m.db")),
        ("cn-north-1", "meta", ("https://meta.s3.cn-north-1.amazonaws.com.cn", "/polarbase/m.db")),
        # A bucket with dots is not covered by the wildcard certificate: path style.
        ("eu-west-1", "my.meta", ("https://s3.eu-west-1.amazonaws.com", "/my.meta/polarbase/m.db")),
    ],
)
def test_s3_is_addressed_virtual_hosted_on_aws(
    region: str, bucket: str, expected: tuple[str, str]
) -> None:
    aws = AwsHttp(region=region, environ={}, credentials=lambda: Credentials("a", "b"))
    assert S3Objects(aws)._address(bucket, "polarbase/m.db") == expected
    custom = S3Objects(aws, "http://127.0.0.1:5000")
    assert custom._address(bucket, "a b") == ("http://127.0.0.1:5000", f"/{bucket}/a%20b")


def test_credentials_come_from_the_environment_first() -> None:
    environ = {**FAKE_CREDENTIALS, "AWS_SESSION_TOKEN": "tok"}
    aws = AwsHttp(region=REGION, environ=environ)
    assert aws._credentials() == Credentials("testing", "testing", "tok")

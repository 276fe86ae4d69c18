"""SigV4 as ``polarbase.sigv4`` writes it is the signature botocore writes for the same request.

moto does not check signatures, so the requests PolarBase signs without botocore (the metadata
files, the secrets) are checked here against botocore's own signer, byte for byte.
"""

from __future__ import annotations

from datetime import UTC, datetime
from unittest import mock

import pytest

from polarbase.sigv4 import Credentials, payload_hash, quote_path, sign

NOW = datetime(2026, 12, 6, 17, 30, 5, tzinfo=UTC)
KEY = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
TEMPORARY = Credentials("ASIAEXAMPLE", "c2VjcmV0/+example", "IQoJb3JpZ2luX2VjE//token==")


def botocore_authorization(
    *,
    service: str,
    region: str,
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes,
    credentials: Credentials,
) -> dict[str, str]:
    """The headers botocore's signer sends for the request, signed at ``NOW``."""
    from botocore.auth import S3SigV4Auth, SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials as BotoCredentials

    signer_class = S3SigV4Auth if service == "s3" else SigV4Auth
    signer = signer_class(
        BotoCredentials(credentials.access_key, credentials.secret_key, credentials.token),
        service,
        region,
    )
    request = AWSRequest(method=method, url=url, headers=dict(headers), data=body)
    with mock.patch("botocore.auth.get_current_datetime", return_value=NOW.replace(tzinfo=None)):
        signer.add_auth(request)
    return {name.lower(): value for name, value in request.headers.items()}


CASES = [
    pytest.param(
        "s3",
        "eu-west-1",
        "GET",
        "https://my-bucket.s3.eu-west-1.amazonaws.com",
        "/polarbase/metadata.sqlite3",
        {"if-none-match": '"9b2cf535f27731c974343645a3985328"'},
        b"",
        TEMPORARY,
        id="S3 conditional GET, temporary credentials",
    ),
    pytest.param(
        "s3",
        "us-east-1",
        "PUT",
        "http://127.0.0.1:5000",
        quote_path("/polarbase-bucket/polarbase/meta data+ü~.sqlite3"),
        {"content-type": "application/vnd.sqlite3", "if-match": '"abc"'},
        b"SQLite format 3\x00" + bytes(range(256)),
        KEY,
        id="S3 conditional PUT, path style on another port, a key to escape",
    ),
    pytest.param(
        "secretsmanager",
        "cn-north-1",
        "POST",
        "https://secretsmanager.cn-north-1.amazonaws.com.cn",
        "/",
        {
            "content-type": "application/x-amz-json-1.1",
            "x-amz-target": "secretsmanager.GetSecretValue",
        },
        b'{"SecretId":"arn:aws-cn:secretsmanager:cn-north-1:1:secret:polarbase/db-AbC"}',
        TEMPORARY,
        id="Secrets Manager GetSecretValue",
    ),
]


@pytest.mark.parametrize(
    ("service", "region", "method", "base", "path", "headers", "body", "credentials"), CASES
)
def test_the_signature_is_botocores(
    service: str,
    region: str,
    method: str,
    base: str,
    path: str,
    headers: dict[str, str],
    body: bytes,
    credentials: Credentials,
) -> None:
    host = base.split("://", 1)[1]
    ours = sign(
        method=method,
        host=host,
        path=path,
        headers=headers,
        body=body,
        credentials=credentials,
        region=region,
        service=service,
        now=NOW,
    )
    # botocore signs the payload hash header only for S3; given it, it signs it too.
    given = {**headers, "x-amz-content-sha256": payload_hash(body)}
    theirs = botocore_authorization(
        service=service,
        region=region,
        method=method,
        url=base + path,
        headers=given,
        body=body,
        credentials=credentials,
    )

    assert ours["Authorization"] == theirs["authorization"]
    assert ours["x-amz-date"] == theirs["x-amz-date"] == "20261206T173005Z"
    assert ours.get("x-amz-security-token") == credentials.token
    assert ours["host"] == host


def test_a_change_to_anything_signed_changes_the_signature() -> None:
    def signature(**changes: object) -> str:
        request: dict[str, object] = {
            "method": "GET",
            "host": "b.s3.eu-west-1.amazonaws.com",
            "path": "/k",
            "headers": {"if-none-match": '"e"'},
            "body": b"",
            "credentials": KEY,
            "region": "eu-west-1",
            "service": "s3",
            "now": NOW,
        }
        request.update(changes)
        return sign(**request)["Authorization"].rsplit("Signature=", 1)[1]  # type: ignore[arg-type]

    first = signature()
    assert len(first) == 64
    for change in (
        {"method": "PUT"},
        {"path": "/k2"},
        {"headers": {"if-none-match": '"f"'}},
        {"body": b"x"},
        {"region": "eu-west-2"},
        {"now": NOW.replace(second=6)},
        {"credentials": Credentials("AKIDEXAMPLE", "other")},
    ):
        assert signature(**change) != first, change


def test_paths_escape_all_but_unreserved_characters_and_slashes() -> None:
    assert quote_path("/b/a b+c/ü~_.-!") == "/b/a%20b%2Bc/%C3%BC~_.-%21"


def test_credentials_never_show_their_secrets() -> None:
    assert "c2VjcmV0" not in repr(TEMPORARY)
    assert "token" not in repr(TEMPORARY)

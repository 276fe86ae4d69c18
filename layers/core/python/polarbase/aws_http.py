"""The AWS calls every function makes on its cold start, without botocore: the metadata object
in S3 (a conditional GET, a conditional PUT) and a secret's value, signed with SigV4
(``sigv4``) and sent over ``http.client``.

Why not botocore for these: importing it and making its S3 client was a fifth of a REST
function's cold start (bench/RESULTS.md, issue 10), for two kinds of request. Every other AWS
call (files, DynamoDB, Lambda, the WebSocket management API) goes through botocore
(``AwsClients``), made on first use.

Endpoints and credentials are found as botocore finds them for a function: ``AWS_ENDPOINT_URL``
and ``AWS_ENDPOINT_URL_<SERVICE>`` (a test server), and the credentials in the environment
(what Lambda gives a function's role); without those, botocore's own chain (a profile, an
instance role), imported only then.
"""

from __future__ import annotations

import http.client
import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from urllib.parse import urlsplit

import orjson

from .sigv4 import Credentials, quote_path, sign

__all__ = [
    "AwsCallError",
    "AwsHttp",
    "S3Objects",
    "credentials_from_environment",
    "secret_string",
]

_ENDPOINT_VARIABLES = {
    "s3": "AWS_ENDPOINT_URL_S3",
    "secretsmanager": "AWS_ENDPOINT_URL_SECRETS_MANAGER",
}
_S3_ERROR_CODE = re.compile(rb"<Code>([^<]{1,100})</Code>")
_ATTEMPTS = 3
_RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


class AwsCallError(Exception):
    """An AWS answer other than success (``code`` as AWS names it, e.g. ``NoSuchKey``, or the
    status when the answer has no body), or no answer at all (``status`` 0, ``code`` the
    network error's name). Never carries credentials."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(f"{code} ({status})" if status else code)
        self.status = status
        self.code = code


def credentials_from_environment(environ: Mapping[str, str] = os.environ) -> Credentials | None:
    """The credentials Lambda puts in a function's environment (its role's), if any."""
    access_key = environ.get("AWS_ACCESS_KEY_ID")
    secret_key = environ.get("AWS_SECRET_ACCESS_KEY")
    if not access_key or not secret_key:
        return None
    return Credentials(access_key, secret_key, environ.get("AWS_SESSION_TOKEN") or None)


def _botocore_credentials() -> Credentials:
    import botocore.session  # only where the environment has no credentials (not on Lambda)

    found = botocore.session.get_session().get_credentials()
    if found is None:
        raise AwsCallError(0, "NoCredentialsError")
    frozen = found.get_frozen_credentials()  # refreshes temporary credentials when due
    return Credentials(frozen.access_key, frozen.secret_key, frozen.token)


class AwsHttp:
    """Signed requests to AWS services over kept-alive connections (one per host and thread).

    Example:
        >>> aws = AwsHttp(region="eu-west-1")
        >>> base = "https://my-bucket.s3.eu-west-1.amazonaws.com"
        >>> status, headers, body = aws.request("s3", "GET", base, "/key")
    """

    def __init__(
        self,
        *,
        region: str,
        endpoints: Mapping[str, str] | None = None,
        credentials: Callable[[], Credentials] | None = None,
        timeout: float = 10.0,
        environ: Mapping[str, str] = os.environ,
    ) -> None:
        self.region = region
        self.timeout = timeout
        # Read once, as botocore reads them when it makes a client.
        self._endpoints = {
            service: url
            for service, variable in _ENDPOINT_VARIABLES.items()
            if (url := environ.get(variable) or environ.get("AWS_ENDPOINT_URL"))
        }
        self._endpoints.update(endpoints or {})
        from_environment = credentials_from_environment(environ)
        self._credentials = credentials or (
            (lambda: from_environment) if from_environment is not None else _botocore_credentials
        )
        self._local = threading.local()

    def endpoint(self, service: str, default: str) -> str:
        """The base URL for ``service``: one given, else AWS_ENDPOINT_URL_<SERVICE> or
        AWS_ENDPOINT_URL as they were when this was made, else AWS's (``default``)."""
        return (self._endpoints.get(service) or default).rstrip("/")

    def request(
        self,
        service: str,
        method: str,
        base_url: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
    ) -> tuple[int, dict[str, str], bytes]:
        """Send a signed request; its status, headers (lower-case names) and body. A lost
        connection, a throttle and AWS's 5xx are tried again (3 attempts in all); AwsCallError
        when there is no answer."""
        parts = urlsplit(base_url)
        host = parts.netloc
        for attempt in range(_ATTEMPTS):
            signed = sign(
                method=method,
                host=host,
                path=path,
                headers=headers or {},
                body=body,
                credentials=self._credentials(),
                region=self.region,
                service=service,
                now=datetime.now(UTC),
            )
            connection = self._connection(parts.scheme, host)
            try:
                connection.request(method, path, body=body or None, headers=signed)
                response = connection.getresponse()
                content = response.read()
            except (OSError, http.client.HTTPException) as failure:
                connection.close()
                self._local.connections.pop((parts.scheme, host), None)
                if attempt + 1 == _ATTEMPTS:
                    raise AwsCallError(0, type(failure).__name__) from None
                continue
            if response.status in _RETRIED_STATUSES and attempt + 1 < _ATTEMPTS:
                time.sleep(0.05 * 2**attempt)
                continue
            return response.status, {k.lower(): v for k, v in response.getheaders()}, content
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _connection(self, scheme: str, host: str) -> http.client.HTTPConnection:
        connections: dict[tuple[str, str], http.client.HTTPConnection] | None = getattr(
            self._local, "connections", None
        )
        if connections is None:
            connections = self._local.connections = {}
        connection = connections.get((scheme, host))
        if connection is None:
            kind = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
            connection = connections[(scheme, host)] = kind(host, timeout=self.timeout)
        return connection


class S3Objects:
    """Whole objects in S3, read and written on conditions (the metadata files' needs).

    Example:
        >>> objects = S3Objects(AwsHttp(region="eu-west-1"))
        >>> body, etag = objects.get("my-bucket", "polarbase/metadata.sqlite3")
        >>> objects.put("my-bucket", "polarbase/metadata.sqlite3", body, if_match=etag)
    """

    def __init__(self, aws: AwsHttp, endpoint_url: str | None = None) -> None:
        self.aws = aws
        self.endpoint_url = endpoint_url

    def get(self, bucket: str, key: str, *, if_none_match: str | None = None) -> tuple[bytes, str]:
        """The object's bytes and ETag. AwsCallError: ``304`` (unchanged since
        ``if_none_match``), ``NoSuchKey``, ``NoSuchBucket``, ``AccessDenied``..."""
        headers = {"if-none-match": if_none_match} if if_none_match is not None else {}
        _, answer, body = self._request("GET", bucket, key, headers, b"")
        return body, answer.get("etag", "")

    def put(
        self,
        bucket: str,
        key: str,
        body: bytes,
        *,
        content_type: str = "application/octet-stream",
        if_match: str | None = None,
        if_none_match: str | None = None,
    ) -> str:
        """Store ``body``; its new ETag. AwsCallError ``PreconditionFailed`` when the condition
        does not hold, ``ConditionalRequestConflict`` when another conditional write raced."""
        headers = {"content-type": content_type}
        if if_match is not None:
            headers["if-match"] = if_match
        if if_none_match is not None:
            headers["if-none-match"] = if_none_match
        _, answer, _ = self._request("PUT", bucket, key, headers, body)
        return answer.get("etag", "")

    def _request(
        self, method: str, bucket: str, key: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        base, path = self._address(bucket, key)
        status, answer, content = self.aws.request(
            "s3", method, base, path, headers=headers, body=body
        )
        if status >= 300:
            found = _S3_ERROR_CODE.search(content)
            raise AwsCallError(status, found[1].decode() if found else str(status))
        return status, answer, content

    def _address(self, bucket: str, key: str) -> tuple[str, str]:
        """Base URL and path: virtual-hosted on AWS (path-style for names with dots, which the
        certificate's wildcard does not cover), path-style on another endpoint."""
        region = self.aws.region
        suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
        default = f"https://s3.{region}.{suffix}"
        base = self.endpoint_url or self.aws.endpoint("s3", default)
        if base == default and "." not in bucket:
            return f"https://{bucket}.s3.{region}.{suffix}", quote_path(f"/{key}")
        return base, quote_path(f"/{bucket}/{key}")


def secret_string(aws: AwsHttp, secret_id: str) -> str:
    """A Secrets Manager secret's text (GetSecretValue). AwsCallError with AWS's code
    (``ResourceNotFoundException``, ``AccessDeniedException``...) when it cannot be read."""
    region = aws.region
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    base = aws.endpoint("secretsmanager", f"https://secretsmanager.{region}.{suffix}")
    status, _, content = aws.request(
        "secretsmanager",
        "POST",
        base,
        "/",
        headers={
            "content-type": "application/x-amz-json-1.1",
            "x-amz-target": "secretsmanager.GetSecretValue",
        },
        body=orjson.dumps({"SecretId": secret_id}),
    )
    try:
        answer = orjson.loads(content) if content else {}
    except orjson.JSONDecodeError:
        answer = {}
    if status >= 300:
        code = str(answer.get("__type") or status).rsplit("#", 1)[-1]
        raise AwsCallError(status, code)
    value = answer.get("SecretString")
    if not isinstance(value, str):
        raise AwsCallError(status, "SecretStringMissing")
    return value

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
import ssl
import threading
import time
from base64 import b64encode
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

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
# JSON services answer a throttled call with 400 and the throttle's name (Secrets Manager:
# ThrottlingException); S3's SlowDown is a 503.
_THROTTLED = re.compile(rb"Throttl|RequestLimitExceeded|TooManyRequests")


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


class _BotocoreCredentials:
    """botocore's credential chain (a profile, SSO, a container or instance role), resolved
    once and refreshed by botocore when temporary credentials near their expiry."""

    def __init__(self) -> None:
        self._found: Any = None

    def __call__(self) -> Credentials:
        try:
            if self._found is None:
                import botocore.session  # only where the environment has no keys (not Lambda)

                self._found = botocore.session.get_session().get_credentials()
            if self._found is None:
                raise AwsCallError(0, "NoCredentialsError")
            frozen = self._found.get_frozen_credentials()
        except AwsCallError:
            raise
        except Exception as problem:  # botocore's providers: no network, a bad profile...
            raise AwsCallError(0, type(problem).__name__) from None
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
            (lambda: from_environment) if from_environment is not None else _BotocoreCredentials()
        )
        self._proxies = {
            scheme: environ.get(f"{scheme}_proxy") or environ.get(f"{scheme.upper()}_PROXY") or ""
            for scheme in ("http", "https")
        }
        self._no_proxy = environ.get("no_proxy") or environ.get("NO_PROXY") or ""
        self._ca_bundle = environ.get("AWS_CA_BUNDLE") or None
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
        path = parts.path.rstrip("/") + path  # an endpoint may carry a path of its own
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
            throttled = response.status == 400 and _THROTTLED.search(content[:300]) is not None
            if (response.status in _RETRIED_STATUSES or throttled) and attempt + 1 < _ATTEMPTS:
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
            connection = connections[(scheme, host)] = self._connect(scheme, host)
        return connection

    def _connect(self, scheme: str, host: str) -> http.client.HTTPConnection:
        """A connection to ``host``, through the environment's proxy (``HTTPS_PROXY``, ``NO_PROXY``)
        and trusting ``AWS_CA_BUNDLE`` when set, as botocore does."""
        proxy = self._proxies.get(scheme) or None
        if proxy is not None and _bypassed(host.rsplit(":", 1)[0], self._no_proxy):
            proxy = None
        target = host
        tunnel_headers: dict[str, str] = {}
        if proxy is not None:
            where = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
            host = f"{where.hostname}:{where.port or 8080}"
            if where.username:
                login = f"{unquote(where.username)}:{unquote(where.password or '')}"
                tunnel_headers["Proxy-Authorization"] = (
                    "Basic " + b64encode(login.encode()).decode()
                )
        if scheme == "https":
            context = ssl.create_default_context(cafile=self._ca_bundle)
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, timeout=self.timeout, context=context
            )
        else:
            connection = http.client.HTTPConnection(host, timeout=self.timeout)
        if proxy is not None:
            target_host, _, port = target.partition(":")
            connection.set_tunnel(target_host, int(port) if port else None, tunnel_headers)
        return connection


def _bypassed(host: str, no_proxy: str) -> bool:
    """Whether ``NO_PROXY`` (comma-separated names, each matching itself and its subdomains,
    or ``*``) says to reach ``host`` directly."""
    for entry in no_proxy.split(","):
        name = entry.strip().lstrip(".")
        if name == "*" or (name and (host == name or host.endswith("." + name))):
            return True
    return False


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

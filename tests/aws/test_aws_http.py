"""The AWS calls made without botocore (``polarbase.aws_http``), against moto over HTTP: objects
read and written on conditions, secrets, AWS's error codes, unreachable endpoints, and where each
request goes."""

from __future__ import annotations

import contextlib
import http.server
import os
import select
import socket
import socketserver
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
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


# --- the network around the calls: proxies, lost connections, credentials ---------------------


class _TunnelProxy(socketserver.ThreadingTCPServer):
    """An HTTP CONNECT proxy on 127.0.0.1 (what HTTPS_PROXY names): it opens the tunnel and
    pipes bytes both ways, noting each CONNECT line and its Proxy-Authorization."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None]] = []
        super().__init__(("127.0.0.1", 0), _TunnelHandler)


class _TunnelHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        request = self.rfile.readline().decode().strip()
        authorization = None
        while (line := self.rfile.readline().decode().strip()) != "":
            name, _, value = line.partition(":")
            if name.lower() == "proxy-authorization":
                authorization = value.strip()
        assert isinstance(self.server, _TunnelProxy)
        self.server.seen.append((request, authorization))
        host, _, port = request.split()[1].partition(":")
        with socket.create_connection((host, int(port))) as upstream:
            self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self.wfile.flush()
            sockets = [self.connection, upstream]
            while True:
                readable, _, _ = select.select(sockets, [], [], 5)
                if not readable:
                    return
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (upstream if source is self.connection else self.connection).sendall(data)


@contextlib.contextmanager
def serving(server: socketserver.BaseServer) -> Iterator[str]:
    """``server`` answering in a thread; its base URL."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def proxy() -> Iterator[_TunnelProxy]:
    server = _TunnelProxy()
    with serving(server):
        yield server


def test_requests_go_through_the_environments_proxy_unless_no_proxy_says_not(
    moto_endpoint: str, bucket: str, proxy: _TunnelProxy
) -> None:
    port = proxy.server_address[1]
    environ = {"HTTP_PROXY": f"http://user:p%40ss@127.0.0.1:{port}", "NO_PROXY": "example.com"}
    aws = AwsHttp(region=REGION, environ=environ, credentials=lambda: TESTING)
    objects = S3Objects(aws, moto_endpoint)

    etag = objects.put(bucket, KEY, b"through the proxy")

    assert objects.get(bucket, KEY) == (b"through the proxy", etag)
    moto_host = moto_endpoint.removeprefix("http://")
    tunnels = len(proxy.seen)
    assert tunnels >= 1  # moto's server may close a connection after an answer: a new tunnel
    assert set(proxy.seen) == {(f"CONNECT {moto_host} HTTP/1.0", "Basic dXNlcjpwQHNz")}

    direct = AwsHttp(
        region=REGION,
        environ={**environ, "NO_PROXY": "localhost,.127.0.0.1,127.0.0.1"},
        credentials=lambda: TESTING,
    )
    S3Objects(direct, moto_endpoint).get(bucket, KEY)
    assert len(proxy.seen) == tunnels


class _ForgetfulHandler(http.server.BaseHTTPRequestHandler):
    """Answers each request, then drops the connection without saying so (as a server whose
    idle timeout passed does), so a client's kept-alive connection is stale next time."""

    protocol_version = "HTTP/1.1"
    connections: list[str] = []

    def do_GET(self) -> None:
        self.connections.append(str(self.client_address))
        body = b"fresh"
        self.send_response(200)
        self.send_header("ETag", '"e"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, *args: Any) -> None:
        pass


def test_a_stale_kept_alive_connection_is_replaced_and_the_request_answered() -> None:
    with serving(http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ForgetfulHandler)) as url:
        objects = moto_objects(url)
        assert objects.get("bucket", "a") == (b"fresh", '"e"')
        time.sleep(0.1)  # the server has closed its end by now
        assert objects.get("bucket", "b") == (b"fresh", '"e"')
    assert len(set(_ForgetfulHandler.connections)) == 2


def test_without_credentials_anywhere_the_call_fails_with_a_named_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(AwsCallError) as none:
        AwsHttp(region=REGION, environ={})._credentials()
    assert (none.value.status, none.value.code) == (0, "NoCredentialsError")

    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    with pytest.raises(AwsCallError) as broken:
        AwsHttp(region=REGION, environ={})._credentials()
    assert (broken.value.status, broken.value.code) == (0, "ProfileNotFound")


class _ThrottlingHandler(http.server.BaseHTTPRequestHandler):
    """Secrets Manager as it answers under load: a 400 ThrottlingException, then the secret."""

    protocol_version = "HTTP/1.1"
    paths: list[str] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.paths.append(self.path)
        if len(self.paths) == 1:
            status, body = 400, b'{"__type":"ThrottlingException","message":"Rate exceeded"}'
        else:
            status, body = 200, b'{"SecretString":"after the throttle"}'
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_a_throttled_call_is_tried_again_at_the_endpoints_own_path() -> None:
    with serving(http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ThrottlingHandler)) as url:
        answer = secret_string(secrets_at(f"{url}/gateway/"), "polarbase/db")
    assert answer == "after the throttle"
    assert _ThrottlingHandler.paths == ["/gateway/", "/gateway/"]

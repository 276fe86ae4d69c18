"""AWS Signature Version 4: signing a request's headers with a key's credentials.

Pure (no I/O, the time passed in), for ``aws_http``: the calls a REST function makes on every
cold start (the metadata object, the secrets) go out signed here over ``http.client``, because
importing botocore and making its clients was a fifth of the cold start (bench/RESULTS.md).
Everything else on AWS still uses botocore. The algorithm is AWS's published one ("Create a
signed AWS API request", IAM user guide); the tests check it against botocore's signer.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

__all__ = ["Credentials", "payload_hash", "quote_path", "sign"]

_ALGORITHM = "AWS4-HMAC-SHA256"
_UNSIGNED = frozenset({"user-agent", "expect", "transfer-encoding", "x-amzn-trace-id"})


@dataclass(frozen=True)
class Credentials:
    """An access key, its secret and, for temporary credentials (a Lambda role's), the
    session token. The secret is never shown."""

    access_key: str
    secret_key: str = field(repr=False)
    token: str | None = field(default=None, repr=False)


def payload_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def quote_path(path: str) -> str:
    """A URL path as SigV4 writes it: every byte but the unreserved ones and ``/`` escaped."""
    return quote(path, safe="/-_.~")


def sign(
    *,
    method: str,
    host: str,
    path: str,
    query: Mapping[str, str] | None = None,
    headers: Mapping[str, str],
    body: bytes,
    credentials: Credentials,
    region: str,
    service: str,
    now: datetime,
) -> dict[str, str]:
    """``headers`` with the date, the payload hash, the session token and ``Authorization``
    added: what to send. ``path`` is the request's path as sent (escaped, ``quote_path``); it
    is signed as it is, which is right for S3 and, for other services, for paths without
    characters to escape (PolarBase's are ``/``). ``now`` must be UTC."""
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    day = stamp[:8]
    digest = payload_hash(body)
    signed = dict(headers)
    signed["host"] = host
    signed["x-amz-date"] = stamp
    signed["x-amz-content-sha256"] = digest
    if credentials.token:
        signed["x-amz-security-token"] = credentials.token
    canonical = {
        name.lower(): " ".join(str(value).split())
        for name, value in signed.items()
        if name.lower() not in _UNSIGNED
    }
    names = sorted(canonical)
    signed_headers = ";".join(names)
    canonical_query = "&".join(
        f"{quote(name, safe='-_.~')}={quote(value, safe='-_.~')}"
        for name, value in sorted((query or {}).items())
    )
    canonical_request = "\n".join(
        (
            method,
            path,
            canonical_query,
            "".join(f"{name}:{canonical[name]}\n" for name in names),
            signed_headers,
            digest,
        )
    )
    scope = f"{day}/{region}/{service}/aws4_request"
    string_to_sign = "\n".join(
        (_ALGORITHM, stamp, scope, hashlib.sha256(canonical_request.encode()).hexdigest())
    )
    key = _hmac(f"AWS4{credentials.secret_key}".encode(), day)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    signed["Authorization"] = (
        f"{_ALGORITHM} Credential={credentials.access_key}/{scope}, "
        f"SignedHeaders={signed_headers}, Signature={signature}"
    )
    return signed


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()

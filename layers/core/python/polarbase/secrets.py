"""Secrets from AWS Secrets Manager (the database URL, the super admin key), read on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
from psycopg.conninfo import make_conninfo

from .errors import DatabaseUnavailableError, SecretUnavailableError

if TYPE_CHECKING:
    from .aws_clients import AwsClients

__all__ = ["conninfo_from_secret", "read_database_secret", "read_secret"]


def conninfo_from_secret(secret: str) -> str:
    """A libpq connection string from a secret's text.

    Accepts a URL (``postgresql://...``), ``{"url": ...}``, or the JSON that RDS writes for a
    generated secret (``host``, ``port``, ``username``, ``password``, ``dbname``).
    """
    text = secret.strip()
    if text.startswith(("postgresql://", "postgres://")):
        return text
    try:
        fields: dict[str, Any] = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise DatabaseUnavailableError("the database secret is neither a URL nor JSON") from None
    if "url" in fields:
        return str(fields["url"])
    missing = [name for name in ("host", "username", "password") if name not in fields]
    if missing:
        raise DatabaseUnavailableError(f"the database secret lacks {', '.join(missing)}")
    return make_conninfo(
        host=fields["host"],
        port=str(fields.get("port", 5432)),
        user=fields["username"],
        password=fields["password"],
        dbname=fields.get("dbname", "postgres"),
        sslmode=fields.get("sslmode", "prefer"),
    )


def read_secret(clients: AwsClients, arn: str, *, purpose: str) -> str:
    """The text of the secret ``arn``, fetched now (never at import).

    Raises ``SecretUnavailableError`` (503) naming ``purpose`` and AWS's error code, never the
    secret, when it cannot be read.
    """
    from .aws_http import AwsCallError, secret_string

    try:
        return secret_string(clients.http(), arn)
    except AwsCallError as error:
        verb = "read" if error.status else "reach"
        raise SecretUnavailableError(f"cannot {verb} the {purpose} secret ({error.code})") from None


def read_database_secret(clients: AwsClients, arn: str) -> str:
    """Fetch the database secret now (never at import) and build the conninfo."""
    return conninfo_from_secret(read_secret(clients, arn, purpose="database"))

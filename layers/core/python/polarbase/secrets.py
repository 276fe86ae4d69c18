"""Secrets from AWS Secrets Manager (the database URL, the super admin key), read on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
from psycopg.conninfo import make_conninfo

from .errors import DatabaseUnavailableError, SecretUnavailableError

if TYPE_CHECKING:
    from .config import Settings

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


def read_secret(settings: Settings, arn: str, *, purpose: str) -> str:
    """The text of the secret ``arn``, fetched now (never at import).

    Raises ``SecretUnavailableError`` (503) naming ``purpose`` and AWS's error code, never the
    secret, when it cannot be read.
    """
    import boto3

    client = boto3.client("secretsmanager", region_name=settings.aws_region)
    try:
        value = client.get_secret_value(SecretId=arn)
    except client.exceptions.ClientError as error:
        code = error.response.get("Error", {}).get("Code", "error")
        raise SecretUnavailableError(f"cannot read the {purpose} secret ({code})") from None
    return str(value["SecretString"])


def read_database_secret(settings: Settings) -> str:
    """Fetch ``POLARBASE_DATABASE_SECRET_ARN`` now (never at import) and build the conninfo."""
    assert settings.database_secret_arn is not None
    return conninfo_from_secret(
        read_secret(settings, settings.database_secret_arn, purpose="database")
    )

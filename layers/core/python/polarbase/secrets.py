"""The database URL from AWS Secrets Manager, read when the pool first opens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
from psycopg.conninfo import make_conninfo

from .errors import DatabaseUnavailableError

if TYPE_CHECKING:
    from .config import Settings

__all__ = ["conninfo_from_secret", "read_database_secret"]


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


def read_database_secret(settings: Settings) -> str:
    """Fetch ``POLARBASE_DATABASE_SECRET_ARN`` now (never at import) and build the conninfo."""
    import boto3

    client = boto3.client("secretsmanager", region_name=settings.aws_region)
    try:
        value = client.get_secret_value(SecretId=settings.database_secret_arn)
    except client.exceptions.ClientError as error:
        code = error.response.get("Error", {}).get("Code", "error")
        raise DatabaseUnavailableError(f"cannot read the database secret ({code})") from None
    return conninfo_from_secret(value["SecretString"])

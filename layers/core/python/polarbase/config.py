"""Settings for every way PolarBase runs, read from flags and the environment in one place."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["MIN_SUPER_ADMIN_KEY_LENGTH", "Settings"]

MIN_SUPER_ADMIN_KEY_LENGTH = 32
"""Shortest super admin key accepted from the environment or a flag (a generated one has 67)."""


class Settings(BaseSettings):
    """What PolarBase needs to start; flags of ``polarbase serve`` are init arguments to this class.

    Order: explicit argument (a flag) > environment variable (``POLARBASE_*``, ``DATABASE_URL``) >
    default. Nothing below the runtime reads the environment.

    Example:
        >>> Settings(data_dir=Path("/tmp/pb"), port=0).port
        0
    """

    model_config = SettingsConfigDict(env_prefix="POLARBASE_", extra="ignore")

    mode: Literal["local", "aws"] = "local"
    """Which adapters the runtime builds."""
    host: str = "127.0.0.1"
    """Address the local HTTP server binds to."""
    port: int = 3000
    """Port the local HTTP server binds to."""
    data_dir: Path = Path(".polarbase")
    """Where the embedded PostgreSQL data and the metadata SQLite file live."""
    database_url: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("database_url", "DATABASE_URL")
    )
    """An existing PostgreSQL to use instead of the embedded one."""
    super_admin_key: SecretStr | None = None
    """The key that may manage other keys; generated and printed once when unset (locally)."""
    super_admin_key_secret_arn: str | None = None
    """Secrets Manager secret holding the super admin key, read by the serverless runtime when
    ``super_admin_key`` is unset (the CDK stack generates it)."""
    db_schema: str = "public"
    """The PostgreSQL schema the API exposes."""
    pool_min_size: int = 2
    """Connections the pool keeps open."""
    pool_max_size: int = 16
    """Most connections the pool opens."""
    rate_limit: int = 6000
    """Default requests per minute per API key (a key may carry its own); 0 disables."""
    max_body_bytes: int = 16 * 1024 * 1024
    """Largest request body accepted; larger bodies get 413."""
    max_page_size: int = 10_000
    """Largest ``limit`` of a list request and largest bulk write."""
    schema_ttl_seconds: float = 30.0
    """How long a cached table shape is trusted before it is read from the catalog again."""
    demo: bool = False
    """Load the CRM demo tables on start when they are missing."""
    cors_origins: str = "*"
    """Comma-separated origins allowed by CORS."""
    version: str = "0.1.0"
    """Reported by ``GET /health``."""
    log_level: str = "info"
    """Level of PolarBase's own log lines."""
    metadata_bucket: str | None = None
    """S3 bucket holding the metadata SQLite file in the aws mode (required there)."""
    metadata_key: str = "polarbase/metadata.sqlite3"
    """Key of the metadata SQLite file in ``metadata_bucket``."""
    cache_dir: Path = Path("/tmp/polarbase")  # noqa: S108 - Lambda's only writable directory
    """Where the aws mode keeps its local copy of the metadata file (Lambda's writable /tmp)."""
    database_secret_arn: str | None = None
    """Secrets Manager secret holding the database URL, read by the serverless runtime."""
    aws_region: str | None = None
    """AWS region of the bucket and the secret; None lets boto3 use ``AWS_REGION``."""
    s3_endpoint_url: str | None = None
    """Another S3 endpoint for the metadata (a test server, LocalStack); None is AWS's."""

    @field_validator("super_admin_key")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or value.get_secret_value() == "":
            return None
        if len(value.get_secret_value()) < MIN_SUPER_ADMIN_KEY_LENGTH:
            raise ValueError(
                "the super admin key (POLARBASE_SUPER_ADMIN_KEY, --super-admin-key) must be at "
                f"least {MIN_SUPER_ADMIN_KEY_LENGTH} characters (a generated key has 67)"
            )
        return value

    @model_validator(mode="after")
    def _check_aws_mode(self) -> Settings:
        if self.mode == "aws" and not self.metadata_bucket:
            raise ValueError("POLARBASE_METADATA_BUCKET must be set when POLARBASE_MODE is aws")
        return self

    @property
    def metadata_path(self) -> Path:
        """The metadata SQLite file: the file itself locally, a synced copy in the aws mode."""
        directory = self.cache_dir if self.mode == "aws" else self.data_dir
        return directory / "metadata.sqlite3"

    @property
    def postgres_data_dir(self) -> Path:
        return self.data_dir / "postgres"

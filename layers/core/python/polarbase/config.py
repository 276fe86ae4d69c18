"""Settings for every way PolarBase runs, read from flags and the environment in one place.

A frozen dataclass that converts its own values, not a pydantic-settings class: this module is
imported by every cold start of a function, and pydantic (about a third of the REST function's
import on its own, bench/RESULTS.md) is needed there by nothing else.
"""

from __future__ import annotations

import os
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

__all__ = ["ENV_PREFIX", "MIN_SUPER_ADMIN_KEY_LENGTH", "Secret", "Settings", "SettingsError"]

ENV_PREFIX = "POLARBASE_"
"""Prefix of a setting's environment variable: ``port`` is read from ``POLARBASE_PORT``."""

MIN_SUPER_ADMIN_KEY_LENGTH = 32
"""Shortest super admin key accepted from the environment or a flag (a generated one has 67)."""

# Settings read from a variable of another name than ``POLARBASE_<NAME>`` (its common name).
_ENVIRONMENT_ALIASES = {"database_url": "DATABASE_URL"}
_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})


class SettingsError(ValueError):
    """A setting has a value PolarBase cannot use.

    The message names where the value came from (the init argument ``port`` or the variable
    ``POLARBASE_PORT``) and what is wrong with it; several problems are joined by ``"; "``. A
    secret's value is never part of it.
    """


class Secret:
    """A string that is never shown: ``repr`` and ``str`` print stars, so a secret in a logged
    ``Settings`` or a traceback stays hidden; ``get_secret_value()`` is the only way to it.

    Example:
        >>> key = Secret("ak_0123")
        >>> key
        Secret('**********')
        >>> key.get_secret_value()
        'ak_0123'
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __str__(self) -> str:
        return "**********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True, init=False)
class Settings:
    """What PolarBase needs to start; flags of ``polarbase serve`` are init arguments to this class.

    Order: explicit argument (a flag) > environment variable (``POLARBASE_<NAME>`` in upper case,
    ``DATABASE_URL`` for ``database_url``) > default. Strings, from the environment or as
    arguments, are converted to the field's type (``"8080"`` to 8080; ``true``/``false``,
    ``1``/``0``, ``yes``/``no``, ``on``/``off`` to a bool); an empty value of an optional setting
    means unset. Nothing below the runtime reads the environment.

    Raises:
        SettingsError: a value that cannot be converted, a super admin key that is too short, or
            the aws mode without a metadata bucket. Every problem of the values is in the message.
        TypeError: an argument that names no setting.

    Example:
        >>> Settings(data_dir=Path("/tmp/pb"), port=0).port
        0
    """

    mode: Literal["local", "aws"] = "local"
    """Which adapters the runtime builds."""
    host: str = "127.0.0.1"
    """Address the local HTTP server binds to."""
    port: int = 3000
    """Port the local HTTP server binds to."""
    data_dir: Path = Path(".polarbase")
    """Where the embedded PostgreSQL data and the metadata SQLite file live."""
    database_url: Secret | None = None
    """An existing PostgreSQL to use instead of the embedded one (variable ``DATABASE_URL``)."""
    super_admin_key: Secret | None = None
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
    realtime: bool = True
    """Capture changes from PostgreSQL and serve them at ``/realtime`` (WebSocket and SSE)."""
    realtime_slot: str = "polarbase_realtime"
    """The logical replication slot (and the name of its publications); one per deployment."""
    realtime_retention_events: int = 10_000
    """Events kept for clients that resume, at least (with ``realtime_retention_seconds``)."""
    realtime_retention_seconds: float = 900.0
    """Seconds an event is kept for clients that resume, at least."""
    realtime_max_retained_events: int = 100_000
    """Most events kept in memory for resumes, whatever their age (bounds a burst: about
    half a kilobyte each for small rows)."""
    realtime_max_wal_bytes: int = 1024**3
    """WAL the slot may hold back before ``/health`` reports realtime as lagging."""
    realtime_heartbeat_seconds: float = 15.0
    """Seconds between heartbeats on an idle socket or stream."""
    realtime_max_connections: int = 10_000
    """Most sockets and streams at once; more are refused (close code 1013)."""
    realtime_connections_table: str | None = None
    """DynamoDB table of WebSocket connections and subscriptions (aws mode)."""
    realtime_events_table: str | None = None
    """DynamoDB table of recent events kept for resumes (aws mode)."""
    realtime_log_seconds: float = 86_400.0
    """How long the aws mode keeps events for resumes (the events table's TTL)."""
    realtime_websocket_endpoint: str | None = None
    """The WebSocket API's management endpoint (``https://{api}.execute-api.{region}.amazonaws
    .com/{stage}``), where the poster function sends frames (aws mode)."""
    realtime_poster_function: str | None = None
    """The function outside the VPC that posts frames to connections (aws mode)."""
    realtime_changes_function: str | None = None
    """The function that drains the slot, invoked after each write through the API (aws mode)."""
    files_max_count: int = 10
    """Most files in one upload request."""
    files_max_file_bytes: int = 5 * 1024 * 1024
    """Largest file an upload takes (larger ones go straight to storage with presign/complete)."""
    files_max_request_bytes: int = 50 * 1024 * 1024
    """Most bytes of files in one upload request."""
    files_max_link_seconds: int = 7 * 24 * 3600
    """Longest life of a signed file link (``expiresIn`` is capped to it)."""
    files_gc_grace_seconds: int = 24 * 3600
    """How old an unreferenced file must be before ``polarbase files gc`` removes it."""
    files_public: bool = False
    """Serve files to anyone at ``/static/<key>``, as the original did (off: keys are needed)."""
    studio_dir: Path | None = None
    """The built studio served at ``/`` (``static_site/dist`` of a source checkout when unset;
    on AWS the studio is on CloudFront instead)."""
    files_bucket: str | None = None
    """S3 bucket of the attachments in the aws mode."""
    metadata_bucket: str | None = None
    """S3 bucket holding the metadata SQLite file in the aws mode (required there)."""
    metadata_key: str = "polarbase/metadata.sqlite3"
    """Key of the metadata SQLite file in ``metadata_bucket``."""
    audit_key: str = "polarbase/audit.sqlite3"
    """Key of the audit log's SQLite file in ``metadata_bucket`` (a file of its own: tool calls
    write it often, and the metadata file every function reads stays small and still)."""
    audit_keep_entries: int = 20_000
    """Most entries the audit log's SQLite file keeps; the oldest go first."""
    audit_table: str | None = None
    """DynamoDB table of the audit log and confirmation tokens in the aws mode (the CDK app sets
    it); without one, the aws mode keeps them in ``audit_key``'s file."""
    audit_keep_days: float = 90.0
    """How long the DynamoDB audit log keeps an entry."""
    confirm_seconds: float = 300.0
    """How long a destructive MCP call's ``confirmToken`` stays valid."""
    cache_dir: Path = Path("/tmp/polarbase")  # noqa: S108 - Lambda's only writable directory
    """Where the aws mode keeps its local copy of the metadata file (Lambda's writable /tmp)."""
    database_secret_arn: str | None = None
    """Secrets Manager secret holding the database URL, read by the serverless runtime."""
    aws_region: str | None = None
    """AWS region of the bucket and the secret; None lets boto3 use ``AWS_REGION``."""
    s3_endpoint_url: str | None = None
    """Another S3 endpoint for the metadata (a test server, LocalStack); None is AWS's."""

    def __init__(self, **overrides: object) -> None:
        unknown = overrides.keys() - _SOURCES.keys()
        if unknown:
            raise TypeError(f"Settings has no setting {', '.join(sorted(unknown))}")
        problems: list[str] = []
        for name, source in _SOURCES.items():
            try:
                value = source.read(overrides, os.environ)
            except SettingsError as problem:
                problems.append(str(problem))
                continue
            object.__setattr__(self, name, value)
        if problems:
            raise SettingsError("; ".join(problems))
        if self.mode == "aws" and not self.metadata_bucket:
            raise SettingsError("POLARBASE_METADATA_BUCKET must be set when POLARBASE_MODE is aws")

    @property
    def metadata_path(self) -> Path:
        """The metadata SQLite file: the file itself locally, a synced copy in the aws mode."""
        directory = self.cache_dir if self.mode == "aws" else self.data_dir
        return directory / "metadata.sqlite3"

    @property
    def audit_path(self) -> Path:
        """The audit log's SQLite file (a synced copy in the aws mode)."""
        directory = self.cache_dir if self.mode == "aws" else self.data_dir
        return directory / "audit.sqlite3"

    @property
    def postgres_data_dir(self) -> Path:
        return self.data_dir / "postgres"


Converter = Callable[[str, object], object]
"""Turns a value (a string from the environment, or an argument) into a field's type; the first
argument names where the value came from, for the message of the ``SettingsError`` it raises."""


@dataclass(frozen=True, slots=True)
class _Source:
    """Where one setting's value comes from, and how it is converted."""

    name: str
    variable: str
    convert: Converter
    default: object

    def read(self, overrides: Mapping[str, object], environment: Mapping[str, str]) -> object:
        """The argument if there is one, else the variable if it is set, else the default."""
        if self.name in overrides:
            return self.convert(self.name, overrides[self.name])
        if self.variable in environment:
            return self.convert(self.variable, environment[self.variable])
        return self.default


def _text(where: str, value: object) -> str:
    if not isinstance(value, str):
        raise SettingsError(f"{where}: {value!r} is not a string")
    return value


def _integer(where: str, value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise SettingsError(f"{where}: {value!r} is not an integer")


def _number(where: str, value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    raise SettingsError(f"{where}: {value!r} is not a number")


def _boolean(where: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise SettingsError(f"{where}: {value!r} is not true or false (or 1/0, yes/no, on/off)")


def _path(where: str, value: object) -> Path:
    if isinstance(value, str | os.PathLike):
        return Path(value)
    raise SettingsError(f"{where}: {value!r} is not a path")


def _secret(where: str, value: object) -> Secret:
    if isinstance(value, Secret):
        return value
    if isinstance(value, str):
        return Secret(value)
    raise SettingsError(f"{where}: not a string")  # the value itself may be the secret


def _super_admin_key(where: str, value: object) -> Secret | None:
    key = None if value is None else _secret(where, value)
    if key is None or key.get_secret_value() == "":
        return None  # empty means unset: a generated key (locally) or the key's secret (AWS)
    if len(key.get_secret_value()) < MIN_SUPER_ADMIN_KEY_LENGTH:
        raise SettingsError(
            "the super admin key (POLARBASE_SUPER_ADMIN_KEY, --super-admin-key) must be at "
            f"least {MIN_SUPER_ADMIN_KEY_LENGTH} characters (a generated key has 67)"
        )
    return key


def _choice(choices: tuple[object, ...]) -> Converter:
    def convert(where: str, value: object) -> object:
        if value in choices:
            return value
        allowed = ", ".join(repr(choice) for choice in choices)
        raise SettingsError(f"{where}: {value!r} is not one of {allowed}")

    return convert


def _optional(convert: Converter) -> Converter:
    def convert_optional(where: str, value: object) -> object:
        if value is None or value == "":
            return None
        return convert(where, value)

    return convert_optional


_CONVERTERS: dict[object, Converter] = {
    str: _text,
    int: _integer,
    float: _number,
    bool: _boolean,
    Path: _path,
    Secret: _secret,
}
_FIELD_CONVERTERS: dict[str, Converter] = {"super_admin_key": _super_admin_key}


def _converter(annotation: Any) -> Converter:
    """The converter of a field's type: one of ``_CONVERTERS``, a ``Literal`` or ``X | None``."""
    origin = get_origin(annotation)
    if origin is Literal:
        return _choice(get_args(annotation))
    if origin in (Union, types.UnionType):
        (inner,) = (argument for argument in get_args(annotation) if argument is not type(None))
        return _optional(_converter(inner))
    return _CONVERTERS[annotation]


def _sources() -> dict[str, _Source]:
    annotations = get_type_hints(Settings)
    return {
        field.name: _Source(
            name=field.name,
            variable=_ENVIRONMENT_ALIASES.get(field.name, ENV_PREFIX + field.name.upper()),
            convert=_FIELD_CONVERTERS.get(field.name) or _converter(annotations[field.name]),
            default=field.default,
        )
        for field in fields(Settings)
    }


_SOURCES = _sources()

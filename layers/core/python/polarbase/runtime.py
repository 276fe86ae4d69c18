"""Builds PolarBase's parts for one process, choosing the adapters for the mode once."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING

from .auth import Authenticator, KeyService, KeyStore, RateLimiter
from .aws_clients import AwsClients
from .catalog import Catalog
from .changes import ChangeNotifier
from .config import MIN_SUPER_ADMIN_KEY_LENGTH, Settings
from .database import Database
from .errors import SecretUnavailableError
from .metadata import (
    LocalMetadataSync,
    MetadataStore,
    MetadataSync,
    PresentationRepository,
    S3MetadataSync,
)
from .metadata.views import ViewRepository
from .records import RecordService
from .schema import SchemaCache
from .secrets import read_database_secret, read_secret
from .tables import TableService
from .views import ViewService
from .writes import WritePath

if TYPE_CHECKING:
    from .files import FileService
    from .metadata.audit import AuditTrail
    from .realtime.local import LocalRealtime
    from .realtime.slot import ChangeSlot
    from .storage import BlobStore

__all__ = ["Runtime", "build_runtime"]


@dataclass
class Runtime:
    """Everything a request needs, built once per process and handed to the entry points."""

    settings: Settings
    database: Database
    store: MetadataStore
    catalog: Catalog
    tables: TableService
    records: RecordService
    keys: KeyStore
    key_admin: KeyService
    auth: Authenticator
    changes: ChangeNotifier
    """Listeners registered here hear of every committed record and schema write."""
    super_admin_key: Callable[[], str | None]
    """The configured super admin key (from the settings, or read from its secret on AWS)."""
    views: ViewService
    """Saved views (layouts) of tables."""
    realtime: LocalRealtime | None = None
    """Change capture and fan-out for ``polarbase serve`` (None on AWS or when turned off)."""
    aws: AwsClients | None = None
    """The AWS clients of the aws mode (None locally)."""
    file_service: Callable[[], FileService | None] = lambda: None
    """Builds the attachments' service; ``files`` calls it once, on first use."""
    audit_log: Callable[[], AuditTrail | None] = lambda: None
    """Builds the audit log; ``audit`` calls it once, on first use."""
    realtime_slot: ChangeSlot | None = None
    """The replication slot the aws mode's changes function drains, reported by ``/health``."""
    started_at: float = field(default_factory=time.time)
    generated_super_admin_key: str | None = None
    started: bool = False

    @cached_property
    def files(self) -> FileService | None:
        """Attachments (None on AWS without a files bucket). Built on first use: a function's
        cold start that serves no file never imports the file service or its store."""
        return self.file_service()

    @cached_property
    def audit(self) -> AuditTrail:
        """The audit log of tool calls and their confirmation tokens (a SQLite file of its own
        locally, a DynamoDB table on AWS). Built on first use: a REST call never opens it."""
        log = self.audit_log()
        assert log is not None, "the runtime was built without an audit log"
        return log

    async def start(self) -> None:
        """Open what can fail (database, metadata file); import time opens nothing.

        Idempotent: the serverless entry points call it on the first request of an execution
        environment, so a bad secret becomes an error response instead of a crashed import.
        """
        if self.started:
            return
        self.store.migrate()
        configured = self.super_admin_key()
        self.auth.use_super_admin_key(configured)
        # A generated key is printed once by `polarbase serve`; a function has no terminal, and
        # a key must never reach its logs, so on AWS the key is configured (or in its secret).
        if configured is None and self.settings.mode == "local":
            self.generated_super_admin_key = self.keys.generate_super_admin()
        await self.database.open()
        if self.realtime is not None:
            await self.realtime.start()
        self.started = True

    async def stop(self) -> None:
        if self.realtime is not None:
            await self.realtime.stop()
        await self.database.close()
        self.store.close()
        if "audit" in self.__dict__:
            self.audit.close()
        self.started = False


def _metadata_sync(
    settings: Settings, clients: AwsClients | None, key: str, path: Path
) -> MetadataSync:
    if clients is None:
        return LocalMetadataSync(path)
    assert settings.metadata_bucket is not None  # Settings refuses the aws mode without one
    return S3MetadataSync(clients.objects(), bucket=settings.metadata_bucket, key=key, path=path)


def _audit_log(settings: Settings, clients: AwsClients | None) -> AuditTrail:
    from .metadata.audit import AUDIT_MIGRATIONS, AuditLog

    if clients is not None and settings.audit_table is not None:
        from .metadata.dynamo_audit import DynamoAuditLog

        return DynamoAuditLog(
            clients.dynamodb(), settings.audit_table, keep_days=settings.audit_keep_days
        )
    sync = _metadata_sync(settings, clients, settings.audit_key, settings.audit_path)
    store = MetadataStore(sync, migrations=AUDIT_MIGRATIONS)
    store.migrate()
    # A server writes entries behind its answers; a function must write before it answers.
    return AuditLog(
        store, keep_entries=settings.audit_keep_entries, deferred=settings.mode == "local"
    )


def _database(settings: Settings, database_url: str | None, clients: AwsClients | None) -> Database:
    """The pool for the mode: locally a pool; on AWS one connection per execution environment,
    no server-side prepared statements and a check before use, so it is safe behind RDS Proxy
    and survives the proxy dropping idle connections between invocations."""
    conninfo: str | Callable[[], str]
    if database_url is not None:
        conninfo = database_url
    elif settings.database_url is not None:
        conninfo = settings.database_url.get_secret_value()
    elif clients is not None and settings.database_secret_arn is not None:
        conninfo = partial(read_database_secret, clients, settings.database_secret_arn)
    else:
        raise ValueError("no database: set DATABASE_URL or POLARBASE_DATABASE_SECRET_ARN")
    if settings.mode == "local":
        return Database(conninfo, min_size=settings.pool_min_size, max_size=settings.pool_max_size)
    return Database(
        conninfo, min_size=1, max_size=1, prepare_threshold=None, utc=False, check_connections=True
    )


def _files(settings: Settings, clients: AwsClients | None, catalog: Catalog) -> FileService | None:
    """Attachments in a folder of the data directory locally, in the files bucket on AWS."""
    from .files import FileLimits, FileService

    blobs: BlobStore
    if clients is None:
        from .storage.local import LocalBlobStore

        root = settings.data_dir / "files"
        blobs = LocalBlobStore(root, signing_key=_signing_key(settings.data_dir))
    elif settings.files_bucket:
        from .storage.keys import KEY_FOLDER
        from .storage.s3 import S3BlobStore

        # Keys are made under KEY_FOLDER, and the role may list only there.
        blobs = S3BlobStore(clients.s3(), settings.files_bucket, list_prefix=KEY_FOLDER)
    else:
        return None
    limits = FileLimits(
        max_files=settings.files_max_count,
        max_file_bytes=settings.files_max_file_bytes,
        max_request_bytes=settings.files_max_request_bytes,
        max_link_seconds=settings.files_max_link_seconds,
        gc_grace_seconds=settings.files_gc_grace_seconds,
        public=settings.files_public,
    )
    return FileService(blobs, limits, catalog, settings.db_schema)


def _signing_key(data_dir: Path) -> bytes:
    """The key that signs local file links, made once per data folder (readable by its owner
    only); a new folder makes earlier links invalid, as a new key should."""
    path = data_dir / "files-signing.key"
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(descriptor, "wb") as file:
        file.write(secrets.token_bytes(32))
    return path.read_bytes()


def _super_admin_key(settings: Settings, clients: AwsClients | None) -> Callable[[], str | None]:
    configured = settings.super_admin_key
    if configured is not None:
        return configured.get_secret_value
    arn = settings.super_admin_key_secret_arn
    if clients is not None and arn is not None:
        return partial(_super_admin_key_from_secret, clients, arn)
    return lambda: None


def _super_admin_key_from_secret(clients: AwsClients, arn: str) -> str:
    key = read_secret(clients, arn, purpose="super admin key").strip()
    if len(key) < MIN_SUPER_ADMIN_KEY_LENGTH:
        raise SecretUnavailableError(
            f"the super admin key in its secret is shorter than {MIN_SUPER_ADMIN_KEY_LENGTH} "
            "characters"
        )
    return key


def build_runtime(settings: Settings, *, database_url: str | None = None) -> Runtime:
    """All parts for ``settings.mode``; nothing is opened until ``Runtime.start()``.

    ``database_url`` overrides the settings (``polarbase serve`` passes the embedded server's).
    """
    # Only the aws mode has AWS clients: the local mode (and its install) never imports botocore.
    clients = (
        AwsClients(region=settings.aws_region, s3_endpoint_url=settings.s3_endpoint_url)
        if settings.mode == "aws"
        else None
    )
    database = _database(settings, database_url, clients)
    store = MetadataStore(
        _metadata_sync(settings, clients, settings.metadata_key, settings.metadata_path)
    )
    presentations = PresentationRepository(store)
    catalog = Catalog(database, store, presentations, SchemaCache(settings.schema_ttl_seconds))
    keys = KeyStore(store)
    auth = Authenticator(keys, store, RateLimiter(), settings.rate_limit)
    changes = ChangeNotifier()
    writes = WritePath(database, changes)
    realtime = None
    conninfo = database_url or (
        settings.database_url.get_secret_value() if settings.database_url else None
    )
    if settings.mode == "local" and settings.realtime and conninfo is not None:
        from .realtime.local import LocalRealtime  # the functions never import it

        realtime = LocalRealtime(settings, database, conninfo, auth, catalog, changes)
    realtime_slot = None
    if clients is not None and settings.realtime_changes_function:
        from .realtime.invoke import RECORD_ACTIONS, ChangesTrigger
        from .realtime.slot import ChangeSlot

        changes.listen(ChangesTrigger(clients, settings.realtime_changes_function), RECORD_ACTIONS)
        realtime_slot = ChangeSlot(database, settings.db_schema, settings.realtime_slot)
    return Runtime(
        settings=settings,
        database=database,
        store=store,
        catalog=catalog,
        tables=TableService(writes, catalog, store, presentations, settings.db_schema),
        records=RecordService(
            database, writes, catalog, settings.db_schema, settings.max_page_size
        ),
        views=ViewService(ViewRepository(store), catalog, settings.db_schema),
        keys=keys,
        key_admin=KeyService(keys, auth, settings.db_schema),
        auth=auth,
        changes=changes,
        super_admin_key=_super_admin_key(settings, clients),
        realtime=realtime,
        aws=clients,
        file_service=partial(_files, settings, clients, catalog),
        audit_log=partial(_audit_log, settings, clients),
        realtime_slot=realtime_slot,
    )

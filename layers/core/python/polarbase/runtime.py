"""Builds PolarBase's parts for one process, choosing the adapters for the mode once."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .auth import Authenticator, KeyStore, RateLimiter
from .catalog import Catalog
from .config import Settings
from .database import Database
from .metadata import LocalMetadataSync, MetadataStore, MetadataSync, PresentationRepository
from .records import RecordService
from .schema import SchemaCache
from .tables import TableService

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
    auth: Authenticator
    started_at: float = field(default_factory=time.time)
    generated_super_admin_key: str | None = None

    async def start(self) -> None:
        """Open what can fail (database, metadata file); import time opens nothing."""
        self.store.migrate()
        configured = self.settings.super_admin_key
        self.generated_super_admin_key = self.keys.ensure_super_admin(
            configured.get_secret_value() if configured is not None else None
        )
        await self.database.open()

    async def stop(self) -> None:
        await self.database.close()
        self.store.close()


def _metadata_sync(settings: Settings) -> MetadataSync:
    if settings.mode == "local":
        return LocalMetadataSync(settings.metadata_path)
    raise NotImplementedError("the AWS metadata adapter arrives with the serverless runtime")


def build_runtime(settings: Settings, *, database_url: str) -> Runtime:
    """All parts for ``settings.mode``; nothing is opened until ``Runtime.start()``."""
    database = Database(
        database_url, min_size=settings.pool_min_size, max_size=settings.pool_max_size
    )
    store = MetadataStore(_metadata_sync(settings))
    presentations = PresentationRepository(store)
    catalog = Catalog(database, store, presentations, SchemaCache(settings.schema_ttl_seconds))
    keys = KeyStore(store)
    return Runtime(
        settings=settings,
        database=database,
        store=store,
        catalog=catalog,
        tables=TableService(database, catalog, store, presentations, settings.db_schema),
        records=RecordService(database, catalog, settings.db_schema, settings.max_page_size),
        keys=keys,
        auth=Authenticator(keys, store, RateLimiter(), settings.rate_limit),
    )

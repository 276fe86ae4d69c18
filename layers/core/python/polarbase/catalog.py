"""Table shapes read from the PostgreSQL catalog, joined with their metadata, and cached."""

from __future__ import annotations

from .database import Database
from .errors import TableNotFoundError
from .metadata import MetadataStore, PresentationRepository
from .query import Statement
from .schema import SchemaCache, Table, TableName, build_table, catalog_statement

__all__ = ["Catalog"]


class Catalog:
    """The one place that reads the catalog; everything else asks it for ``Table`` shapes.

    ``table()`` answers from the cache on the hot path; the cache is keyed by the metadata
    generation, so any change made through PolarBase (here or in another process) reloads it,
    and entries expire after the configured time to live for changes made outside.
    """

    def __init__(
        self,
        database: Database,
        store: MetadataStore,
        presentations: PresentationRepository,
        cache: SchemaCache,
    ) -> None:
        self.database = database
        self.store = store
        self.presentations = presentations
        self.cache = cache

    async def _load(self, schema: str, name: str | None) -> list[Table]:
        query, params = catalog_statement(schema, name)
        raw_tables = await self.database.fetch_json(Statement(query, params)) or []
        shown = self.presentations.for_schema(schema)
        generation = self.store.generation()
        tables = [build_table(schema, raw, shown.get(raw["oid"])) for raw in raw_tables]
        for table in tables:
            self.cache.put(table, generation)
        return tables

    async def table(self, ref: TableName) -> Table:
        """The shape of ``ref``; raises TableNotFoundError."""
        cached = self.cache.get(ref, self.store.generation())
        if cached is not None:
            return cached
        tables = await self._load(ref.schema, ref.name)
        if not tables:
            self.cache.forget(ref)
            raise TableNotFoundError(ref.name)
        return tables[0]

    async def find(self, ref: TableName) -> Table | None:
        try:
            return await self.table(ref)
        except TableNotFoundError:
            return None

    async def tables(self, schema: str) -> list[Table]:
        """Every table of ``schema``, read fresh; metadata of tables dropped outside is removed."""
        tables = await self._load(schema, None)
        self.presentations.forget_missing(schema, {table.oid for table in tables})
        return tables

    async def current(self, ref: TableName) -> Table:
        """The shape of ``ref`` as PostgreSQL and the stored metadata have it now, whatever this
        process cached: what a schema change starts from. Another process (another Lambda
        function) may have changed the table a moment ago, and a change computed from an older
        shape would undo it."""
        self.store.generation(fresh=True)
        return await self.reload(ref)

    async def reload(self, ref: TableName) -> Table:
        self.cache.forget(ref)
        return await self.table(ref)

    def forget(self, ref: TableName) -> None:
        self.cache.forget(ref)

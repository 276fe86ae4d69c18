"""The table service: create, change and drop tables, columns and indexes, with their metadata."""

from __future__ import annotations

from typing import TYPE_CHECKING

from psycopg import sql

from .changes import ChangeAction
from .errors import (
    AlreadyExistsError,
    ColumnNotFoundError,
    ConflictError,
    DependentObjectsError,
    IndexNotFoundError,
    InvalidInputError,
    PolarBaseError,
    RuleViolationError,
)
from .schema import Column, Index, Table, TableName, ddl
from .schema.fields import DdlContext
from .schema.key_types import ID_KEY_TYPES, reference_storage
from .schema.model import MAX_COLUMNS

if TYPE_CHECKING:
    from .auth import Principal
    from .catalog import Catalog
    from .metadata import MetadataStore, PresentationRepository
    from .schema import ColumnDefinition, IndexDefinition, TableDefinition, TableUpdate
    from .writes import WritePath

__all__ = ["TableService"]

# Route segments under /rest/db that a table of the same name would shadow.
RESERVED_TABLE_NAMES = frozenset({"tables", "indexes"})
_DOMAIN_FOR_TYPE = {"email": "email_address", "url": "url_address", "attachment": "attachment"}


class TableService:
    """Schema changes through PolarBase: each one is one PostgreSQL transaction.

    Every method takes the ``Principal`` acting and checks its rights first. DDL runs through
    the ``WritePath``, which announces the change once committed. Display metadata (UI names,
    formats) is written to the metadata store after the DDL commits, keyed by table OID and
    column number so it follows renames. Every change marks the catalog changed in the metadata,
    which is how other processes learn that their cached table shapes are stale.
    """

    def __init__(
        self,
        writes: WritePath,
        catalog: Catalog,
        store: MetadataStore,
        presentations: PresentationRepository,
        schema: str,
    ) -> None:
        self.writes = writes
        self.catalog = catalog
        self.store = store
        self.presentations = presentations
        self.schema = schema

    def ref(self, name: str) -> TableName:
        return TableName.named(self.schema, name)

    def _changed(self, *refs: TableName) -> None:
        for ref in refs:
            self.catalog.forget(ref)
        self.store.mark_catalog_changed()

    # --- tables -----------------------------------------------------------------------------

    async def list_tables(self, principal: Principal) -> list[Table]:
        """The tables ``principal`` may see."""
        principal.check_schema(self.schema)
        return [
            table
            for table in await self.catalog.tables(self.schema)
            if principal.may_read(table.ref)
        ]

    async def get_table(self, principal: Principal, name: str) -> Table:
        ref = self.ref(name)
        principal.check_read(ref)
        return await self.catalog.table(ref)

    def check_schema_change(self, principal: Principal, name: str | None = None) -> None:
        """403 unless ``principal`` may change the schema (of table ``name``, when given).

        Every method checks this itself; a door may call it first, before it reads a body.
        """
        principal.check_schema_change(self.schema, self.ref(name) if name is not None else None)

    async def writable_table(self, principal: Principal, name: str) -> Table:
        """Table ``name`` as it is now, for a schema change ``principal`` may make (403 if not)."""
        self.check_schema_change(principal, name)
        return await self.catalog.current(self.ref(name))

    async def create_table(self, principal: Principal, definition: TableDefinition) -> Table:
        ref = self.ref(definition.name)
        principal.check_schema_change(self.schema, ref)
        if definition.name in RESERVED_TABLE_NAMES:
            raise InvalidInputError(f"name: '{definition.name}' is reserved by the API's routes")
        if await self.catalog.find(ref) is not None:
            raise AlreadyExistsError(f"table '{definition.name}' already exists")
        columns = definition.columns
        names = _checked_column_names(definition)
        statements: list[sql.Composable] = ddl.create_table_statements(ref, definition)
        for column in columns:
            context = await self._context(ref, column, names, id_type=definition.idType)
            statements += ddl.add_column_statements(ref, column, context)
        if definition.timestamps:
            statements += ddl.timestamp_statements(ref)
        for column in columns:
            await self._check_virtual(column)
        await self.writes.change_schema(
            statements,
            ref,
            domains=_domains(*columns),
        )
        self._changed(ref)
        table = await self.catalog.table(ref)
        if definition.presentation is not None:
            self.presentations.set_table(
                self.schema, table.oid, table.name, definition.presentation.uiName
            )
        for column in columns:
            if column.presentation is not None:
                self._save_presentation(table, table.column(column.name), column)
        written = [self._save_formula(table, column) for column in columns]
        if (
            definition.presentation is not None
            or any(c.presentation for c in columns)
            or any(written)
        ):
            table = await self.catalog.reload(ref)
        await self.writes.announce(principal, ref, ChangeAction.CREATE_TABLE)
        return table

    async def update_table(self, principal: Principal, name: str, update: TableUpdate) -> Table:
        table = await self.writable_table(principal, name)
        ref = table.ref
        _check_fixed_properties(table, update)
        statements: list[sql.Composable] = []
        sent = update.model_fields_set
        if "comment" in sent and update.comment != table.comment:
            statements.append(ddl.comment_table_statement(ref, update.comment))
        new_ref = ref
        if update.name is not None and update.name != table.name:
            if update.name in RESERVED_TABLE_NAMES:
                raise InvalidInputError(f"name: '{update.name}' is reserved by the API's routes")
            new_ref = self.ref(update.name)
            principal.check_schema_change(self.schema, new_ref)
            if await self.catalog.find(new_ref) is not None:
                raise AlreadyExistsError(f"table '{update.name}' already exists")
            statements += ddl.rename_table_statements(table, update.name)
        await self.writes.change_schema(statements, ref)
        ui_name = update.presentation.uiName if update.presentation is not None else None
        renamed_ui = "presentation" in sent and ui_name != table.ui_name
        if renamed_ui:
            self.presentations.set_table(self.schema, table.oid, new_ref.name, ui_name)
        if not statements and not renamed_ui:
            return table  # the original's client sends its whole form: nothing changed
        self._changed(ref, new_ref)
        changed = await self.catalog.table(new_ref)
        await self.writes.announce(principal, new_ref, ChangeAction.ALTER_TABLE)
        return changed

    async def delete_table(self, principal: Principal, name: str, *, cascade: bool = False) -> None:
        table = await self.writable_table(principal, name)
        try:
            await self.writes.change_schema(
                [ddl.drop_table_statement(table.ref, cascade=cascade)], table.ref
            )
        except DependentObjectsError as error:
            raise DependentObjectsError(
                f"{error.message}: delete the table with cascade=true to drop those references "
                "too (their columns stay, as plain columns)"
            ) from None
        self.presentations.forget_table(self.schema, table.oid)
        self._changed(table.ref)
        await self.writes.announce(principal, table.ref, ChangeAction.DROP_TABLE)

    # --- columns ----------------------------------------------------------------------------

    async def add_column(
        self, principal: Principal, table_name: str, definition: ColumnDefinition
    ) -> Column:
        table = await self.writable_table(principal, table_name)
        if table.has_column(definition.name):
            raise AlreadyExistsError(
                f"column '{definition.name}' already exists in table '{table.name}'"
            )
        names = [column.name for column in table.columns] + [definition.name]
        context = await self._context(table.ref, definition, names, table=table)
        statements = ddl.add_column_statements(table.ref, definition, context)
        await self._check_virtual(definition)
        try:
            await self.writes.change_schema(statements, table.ref, domains=_domains(definition))
        except InvalidInputError as error:
            if definition.formula is None:
                raise
            raise _refused_by_stored_rows(table.name, definition, error) from None
        self._changed(table.ref)
        table = await self.catalog.table(table.ref)
        if definition.presentation is not None:
            self._save_presentation(table, table.column(definition.name), definition)
        if definition.presentation is not None or self._save_formula(table, definition):
            table = await self.catalog.reload(table.ref)
        column = table.column(definition.name)
        assert column is not None
        await self.writes.announce(
            principal, table.ref, ChangeAction.ADD_COLUMN, name=definition.name
        )
        return column

    async def alter_column(
        self,
        principal: Principal,
        table_name: str,
        column_name: str,
        definition: ColumnDefinition,
        *,
        save_presentation_on_failure: bool = False,
    ) -> Column:
        """Make the column match ``definition`` (a full definition, as in the original)."""
        table = await self.writable_table(principal, table_name)
        current = table.column(column_name)
        if current is None:
            raise ColumnNotFoundError(table.name, column_name)
        if definition.name != column_name and table.has_column(definition.name):
            raise AlreadyExistsError(
                f"column '{definition.name}' already exists in table '{table.name}'"
            )
        try:
            names = [c.name for c in table.columns if c.name != column_name] + [definition.name]
            context = await self._context(table.ref, definition, names, table=table)
            from .schema import column_definition  # pydantic: not on the records path

            statements = ddl.alter_column_statements(
                table, current, definition, context, column_definition(current)
            )
            try:
                await self.writes.change_schema(statements, table.ref, domains=_domains(definition))
            except InvalidInputError as error:
                if definition.formula is None and definition.dataType == current.field_type:
                    raise
                raise _refused_by_stored_rows(table.name, definition, error, column_name) from None
        except PolarBaseError:
            if save_presentation_on_failure and definition.presentation is not None:
                self._save_presentation(
                    table, current, definition.model_copy(update={"name": column_name})
                )
                self._changed(table.ref)
            raise
        self._changed(table.ref)
        table = await self.catalog.table(table.ref)
        if self._save_formula(table, definition):
            table = await self.catalog.reload(table.ref)
        column = table.column(definition.name)
        assert column is not None
        if "presentation" in definition.model_fields_set:
            self._save_presentation(table, column, definition)
            table = await self.catalog.reload(table.ref)
            column = table.column(definition.name)
            assert column is not None
        await self.writes.announce(
            principal, table.ref, ChangeAction.ALTER_COLUMN, name=definition.name
        )
        return column

    async def drop_column(self, principal: Principal, table_name: str, column_name: str) -> None:
        table = await self.writable_table(principal, table_name)
        column = table.column(column_name)
        if column is None:
            raise ColumnNotFoundError(table.name, column_name)
        await self.writes.change_schema(
            [ddl.drop_column_statement(table.ref, column_name)], table.ref
        )
        self.presentations.forget_column(self.schema, table.oid, column.attnum)
        self._changed(table.ref)
        await self.writes.announce(principal, table.ref, ChangeAction.DROP_COLUMN, name=column_name)

    # --- indexes ----------------------------------------------------------------------------

    async def list_indexes(
        self, principal: Principal, table_name: str | None = None
    ) -> list[tuple[Table, Index]]:
        """Indexes of one table, or of every table ``principal`` may see."""
        if table_name is not None:
            tables = [await self.get_table(principal, table_name)]
        else:
            tables = await self.list_tables(principal)
        return [(table, index) for table in tables for index in table.indexes]

    async def create_index(
        self, principal: Principal, definition: IndexDefinition
    ) -> IndexDefinition:
        ref = self.ref(definition.tableName)
        principal.check_schema_change(self.schema, ref)
        # The table is named in the body, not the path: an unknown one is bad input (400).
        table = await self.catalog.find(ref)
        if table is None:
            raise InvalidInputError(f"tableName: table '{definition.tableName}' not found")
        for name in definition.columnNames:
            if not table.has_column(name):
                raise InvalidInputError(
                    f"columnNames: unknown column '{name}' in table '{table.name}'"
                )
        await self.writes.change_schema(
            [ddl.create_index_statement(self.schema, definition)], table.ref
        )
        self._changed(table.ref)
        await self.writes.announce(
            principal, table.ref, ChangeAction.CREATE_INDEX, name=definition.name
        )
        return definition

    async def drop_index(self, principal: Principal, name: str) -> None:
        principal.check_schema_change(self.schema)
        tables = await self.catalog.tables(self.schema)
        owner = next((t for t in tables for index in t.indexes if index.name == name), None)
        if owner is None:
            raise IndexNotFoundError(name)
        await self.writes.change_schema([ddl.drop_index_statement(self.schema, name)], owner.ref)
        self._changed(owner.ref)
        await self.writes.announce(principal, owner.ref, ChangeAction.DROP_INDEX, name=name)

    # --- helpers ----------------------------------------------------------------------------

    async def _context(
        self,
        ref: TableName,
        definition: ColumnDefinition,
        names: list[str],
        *,
        table: Table | None = None,
        id_type: str | None = None,
    ) -> DdlContext:
        reference_type = None
        formula_sql = None
        if definition.dataType == "reference":
            reference_type = await self._reference_type(ref, definition, table, id_type)
        if definition.dataType == "formula":
            # The formula parser is for schema changes: the records path never loads it.
            from .schema.formula import compile_formula

            assert definition.formula is not None
            formula_sql = compile_formula(
                definition.formula.expression,
                columns=[name for name in names if name != definition.name],
            )
        return DdlContext(table=ref, reference_type=reference_type, formula_sql=formula_sql)

    async def _reference_type(
        self,
        ref: TableName,
        definition: ColumnDefinition,
        table: Table | None,
        id_type: str | None,
    ) -> sql.Composable:
        target = definition.foreignKey
        assert target is not None
        if target.table == ref.name and table is None:
            # A table that refers to itself while being created: only its key exists yet.
            if target.column.name != "id" or id_type is None:
                raise InvalidInputError(
                    f"foreignKey of column '{definition.name}': a new table can only refer to "
                    "its own 'id'"
                )
            return ID_KEY_TYPES[id_type]
        target_table = (
            table if target.table == ref.name else await self.catalog.find(self.ref(target.table))
        )
        if target_table is None:
            raise InvalidInputError(
                f"foreignKey of column '{definition.name}': table '{target.table}' not found"
            )
        target_column = target_table.column(target.column.name)
        if target_column is None:
            raise InvalidInputError(
                f"foreignKey of column '{definition.name}': column '{target.column.name}' not "
                f"found in table '{target.table}'"
            )
        return reference_storage(target_column)

    async def _check_virtual(self, definition: ColumnDefinition) -> None:
        formula = definition.formula
        if (
            formula is not None
            and formula.strategy == "virtual"
            and await self.writes.database.server_version() < 180000
        ):
            raise RuleViolationError(
                f"column '{definition.name}': virtual formulas need PostgreSQL 18 or later"
            )

    def _save_formula(self, table: Table, definition: ColumnDefinition) -> bool:
        """Keep a formula as it was written, beside what PostgreSQL made of it; True when
        something was saved (the table's shape must then be read again)."""
        column = table.column(definition.name)
        if definition.formula is None or column is None or column.formula is None:
            return False
        written = definition.formula.expression
        if column.formula.expression == written:
            return False  # PostgreSQL kept it as it is, or it is already saved
        self.presentations.set_formula(
            self.schema, table.oid, column.attnum, column.name, written, column.formula.expression
        )
        self.store.mark_catalog_changed()
        return True

    def _save_presentation(
        self, table: Table, column: Column | None, definition: ColumnDefinition
    ) -> None:
        if column is None:
            return
        shown = definition.presentation
        self.presentations.set_column(
            self.schema,
            table.oid,
            column.attnum,
            definition.name,
            shown.uiName if shown is not None else None,
            shown.format if shown is not None else None,
        )


def _domains(*columns: ColumnDefinition) -> list[str]:
    """The PostgreSQL domains these columns are stored in (e-mail, URL, attachment)."""
    return [_DOMAIN_FOR_TYPE[c.dataType] for c in columns if c.dataType in _DOMAIN_FOR_TYPE]


def _checked_column_names(definition: TableDefinition) -> list[str]:
    """Every column name of a new table, key and timestamps included, each once.

    ``id`` comes from ``idType`` and ``created_at`` / ``updated_at`` from ``timestamps``: a
    column of the body with one of those names is a conflict (409), not silently dropped.
    Duplicates are found with a set, in one pass over at most ``MAX_COLUMNS`` columns.
    """
    made: dict[str, str] = {
        "id": f"the key column 'id' is made from idType ('{definition.idType}')"
    }
    if definition.timestamps:
        for name in ("created_at", "updated_at"):
            made[name] = f"'{name}' is made by timestamps: true (send timestamps: false to own it)"
    names = list(made)
    total = len(names) + len(definition.columns)
    if total > MAX_COLUMNS:
        raise InvalidInputError(
            f"columns: {len(definition.columns)} columns and {len(names)} made by idType and "
            f"timestamps is more than PostgreSQL's limit of {MAX_COLUMNS}"
        )
    seen: set[str] = set()
    for column in definition.columns:
        if column.name in made:
            raise ConflictError(
                f"columns: column '{column.name}' cannot be declared: {made[column.name]}"
            )
        if column.name in seen:
            raise InvalidInputError(f"columns: column '{column.name}' appears more than once")
        seen.add(column.name)
        names.append(column.name)
    return names


def _check_fixed_properties(table: Table, update: TableUpdate) -> None:
    """``idType`` and ``timestamps`` are accepted when they match the table, refused when they
    would change it: neither can change after the table is created."""
    current_id_type = table.id_type
    if (
        update.idType is not None
        and current_id_type is not None
        and update.idType != current_id_type
    ):
        raise RuleViolationError(
            f"idType: cannot change from '{current_id_type}' to '{update.idType}' after the table "
            "is created"
        )
    if update.timestamps is not None and update.timestamps != table.has_timestamps:
        raise RuleViolationError(
            "timestamps: cannot change after the table is created; add or drop created_at and "
            "updated_at as auto-date columns instead"
        )


__all__ += ["RESERVED_TABLE_NAMES"]


def _refused_by_stored_rows(
    table: str, definition: ColumnDefinition, error: PolarBaseError, name: str | None = None
) -> RuleViolationError:
    """A change the stored rows refuse (a value that does not convert to the new type, a formula
    PostgreSQL cannot compute for one of them): the request was well formed, the data refuses
    it (422, as the README promises), and nothing changed."""
    if definition.formula is not None:
        what = "PostgreSQL cannot compute its formula for a stored row"
    else:
        what = f"a stored value does not become {definition.dataType}"
    return RuleViolationError(
        f"column '{name or definition.name}' of table '{table}': {what} ({error.message})"
    )

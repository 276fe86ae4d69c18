"""Who is acting and through which door: the access rules every service checks, in one place."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ScopeDeniedError
from ..schema import TableName
from .keys import ApiKey, Scope

__all__ = ["SYSTEM_ACTOR", "Principal"]

SYSTEM_ACTOR = "system"


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated key acting through one door (REST, realtime, MCP, the agent).

    Doors authenticate and build a principal; services receive it and enforce every rule with
    these methods, so a rule holds whichever door a request came through:

    - the door's scope: a key without ``mcp`` cannot act through MCP;
    - the key's schema (``schemaName``) and table allowlist;
    - read-only keys write nothing;
    - schema changes need a key that is not limited to some tables (they affect every table).

    Messages are the same for every door.

    Example:
        >>> principal = Principal(key, Scope.REST)
        >>> principal.check_write(TableName("public", "people"))
        Traceback (most recent call last):
        ScopeDeniedError: access denied: this API key is read-only
    """

    key: ApiKey
    door: Scope

    @classmethod
    def system(cls, door: Scope = Scope.REST) -> Principal:
        """PolarBase acting on its own behalf (the demo loader, the command line): every right
        over data and schema, no key management, and ``actor`` "system" in change events."""
        key = ApiKey(
            id=SYSTEM_ACTOR,
            name="PolarBase",
            key_hash="",
            prefix="",
            schema_name=None,
            scopes=frozenset(Scope),
        )
        return cls(key, door)

    @property
    def actor(self) -> int | str:
        """The key's id, as audit records and change events name who acted."""
        return self.key.id

    @property
    def is_super_admin(self) -> bool:
        return self.key.is_super_admin

    def check_door(self) -> None:
        if not self.key.has_scope(self.door):
            raise ScopeDeniedError(
                f"access denied: this API key does not have the '{self.door.value}' scope"
            )

    def may_read(self, table: TableName) -> bool:
        """True when the key may see ``table`` (its schema and allowlist); no door check."""
        schema = self.key.schema_name
        return (schema is None or schema == table.schema) and self.key.may_use_table(table.name)

    def check_schema(self, schema: str) -> None:
        """The door's scope, and that the key is for ``schema`` (listing its tables)."""
        self.check_door()
        self._check_schema(schema)

    def check_read(self, table: TableName) -> None:
        self.check_schema(table.schema)
        if not self.key.may_use_table(table.name):
            raise ScopeDeniedError(f"access denied: this API key may not use table '{table.name}'")

    def check_write(self, table: TableName) -> None:
        self.check_read(table)
        self._check_writable()

    def check_schema_change(self, schema: str, table: TableName | None = None) -> None:
        """Creating, changing or dropping tables, columns and indexes in ``schema``."""
        if table is not None:
            self.check_write(table)
        else:
            self.check_schema(schema)
            self._check_writable()
        if self.key.tables is not None:
            raise ScopeDeniedError(
                "access denied: a key limited to some tables cannot change the schema"
            )

    def _check_schema(self, schema: str) -> None:
        if self.key.schema_name is not None and self.key.schema_name != schema:
            raise ScopeDeniedError(
                f"access denied: this API key is for schema '{self.key.schema_name}', "
                f"not '{schema}'"
            )

    def _check_writable(self) -> None:
        if self.key.read_only:
            raise ScopeDeniedError("access denied: this API key is read-only")

    def check_files(self, *, write: bool = False) -> None:
        """Attachments: a key of the door's scope reads a file by its key (keys are long and
        random, and come from records it could read); uploading and deleting need a key that
        is not read-only."""
        self.check_door()
        if write:
            self._check_writable()

    def check_file_listing(self) -> None:
        """Listing every stored file: not for a key limited to some tables (the list would name
        the files of the others)."""
        self.check_door()
        if self.key.tables is not None:
            raise ScopeDeniedError(
                "access denied: a key limited to some tables cannot list every file"
            )

    def check_super_admin(self, what: str = "manage API keys") -> None:
        if not self.key.is_super_admin:
            raise ScopeDeniedError(f"access denied: only the super admin key may {what}")

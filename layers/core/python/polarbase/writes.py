"""The one path every record and schema write takes: run it in one transaction, then announce it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from psycopg import sql

from .changes import Change, ChangeAction, ChangeNotifier
from .query import Statement
from .schema.domains import DOMAIN_NAMES, create_domain_statement, present_domains_statement

if TYPE_CHECKING:
    from .auth import Principal
    from .database import Database
    from .schema import TableName

__all__ = ["WritePath"]


class WritePath:
    """Runs writes and hands a ``Change`` to the notifier's listeners once they committed.

    Record writes are one statement (its own transaction); schema changes are a list of DDL
    statements in one transaction. Nothing is announced for a write that failed, and a write
    is announced only after its commit, so a listener never sees a change that can vanish.

    Example:
        >>> body = await writes.write_records(statement, principal, ChangeAction.INSERT)
        >>> await writes.change_schema(statements, principal, ref, ChangeAction.DROP_TABLE)
    """

    def __init__(self, database: Database, notifier: ChangeNotifier) -> None:
        self.database = database
        self.notifier = notifier

    async def write_records(
        self, statement: Statement, principal: Principal, action: ChangeAction
    ) -> str:
        """Run a write statement built for ``statement.table``; its JSON result."""
        table = statement.table
        assert table is not None, "a write statement names its table"
        result = await self.database.fetch_text(statement)
        assert result is not None, "a write statement always returns its result"
        if self.notifier.has_listeners:
            key = table.key_column
            await self.notifier.publish(
                Change(
                    table.ref,
                    action,
                    principal.actor,
                    result=result,
                    key_column=key.name if key is not None else None,
                )
            )
        return result

    async def change_schema(
        self,
        statements: Sequence[sql.Composable],
        principal: Principal,
        table: TableName,
        action: ChangeAction,
        *,
        name: str | None = None,
        domains: Sequence[str] = (),
    ) -> None:
        """Run DDL in one transaction, first creating the ``domains`` (of ``DOMAIN_NAMES``)
        that the schema lacks; then announce the change of ``table``."""
        async with self.database.transaction() as connection:
            wanted = sorted({domain for domain in domains if domain in DOMAIN_NAMES})
            if wanted:
                query, params = present_domains_statement(table.schema, wanted)
                present = await self.database.fetch_json_on(connection, Statement(query, params))
                await self.database.execute_on(
                    connection,
                    [
                        create_domain_statement(table.schema, domain)
                        for domain in wanted
                        if domain not in present
                    ],
                )
            await self.database.execute_on(connection, statements)
        if self.notifier.has_listeners:
            await self.notifier.publish(Change(table, action, principal.actor, name=name))

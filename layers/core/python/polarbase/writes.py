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
    """Runs writes, and hands a ``Change`` to the notifier's listeners once they committed.

    Record writes are one statement (its own transaction), announced here when they wrote at
    least one record. Schema changes are DDL in one transaction (``change_schema``); the table
    service announces them (``announce``) once everything that goes with them is done: the
    shape cache cleared, the metadata written. Nothing is announced for a write that failed or
    changed nothing, so a listener never hears of a change that did not happen.

    Example:
        >>> body = await writes.write_records(statement, principal, ChangeAction.INSERT)
        >>> await writes.change_schema(statements, ref)
        >>> await writes.announce(principal, ref, ChangeAction.DROP_TABLE)
    """

    def __init__(self, database: Database, notifier: ChangeNotifier) -> None:
        self.database = database
        self.notifier = notifier

    async def write_records(
        self, statement: Statement, principal: Principal, action: ChangeAction
    ) -> str:
        """Run a write statement built for ``statement.table``; its JSON result."""
        result = await self.database.fetch_text(statement)
        assert result is not None, "a write statement always returns its result"
        await self._announce_records(statement, result, principal, action)
        return result

    async def write_records_together(
        self, statements: Sequence[Statement], principal: Principal, action: ChangeAction
    ) -> list[str]:
        """Run several write statements in one transaction (all or none); their JSON results.
        Each is announced once all have committed."""
        results: list[str] = []
        async with self.database.transaction() as connection:
            for statement in statements:
                result = await self.database.fetch_text_on(connection, statement)
                assert result is not None, "a write statement always returns its result"
                results.append(result)
        for statement, result in zip(statements, results, strict=True):
            await self._announce_records(statement, result, principal, action)
        return results

    async def _announce_records(
        self, statement: Statement, result: str, principal: Principal, action: ChangeAction
    ) -> None:
        table = statement.table
        assert table is not None, "a write statement names its table"
        if self.notifier.wants(action):
            change = Change(
                table.ref, action, principal.actor, result=result, key_columns=table.primary_key
            )
            if change.count > 0:
                await self.notifier.publish(change)

    async def change_schema(
        self,
        statements: Sequence[sql.Composable],
        table: TableName,
        *,
        domains: Sequence[str] = (),
    ) -> None:
        """Run DDL in one transaction, first creating the ``domains`` (of ``DOMAIN_NAMES``)
        that ``table``'s schema lacks. Nothing to run, nothing done."""
        unknown = set(domains) - set(DOMAIN_NAMES)
        assert not unknown, f"not a PolarBase domain: {unknown}"
        if not statements:
            return
        async with self.database.transaction() as connection:
            wanted = sorted(set(domains))
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

    async def announce(
        self,
        principal: Principal,
        table: TableName,
        action: ChangeAction,
        *,
        name: str | None = None,
    ) -> None:
        """Tell the listeners about a committed schema change of ``table``."""
        if self.notifier.wants(action):
            await self.notifier.publish(Change(table, action, principal.actor, name=name))

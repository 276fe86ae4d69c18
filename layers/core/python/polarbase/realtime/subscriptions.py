"""Who receives which change: subscriptions checked against the key, filters compiled once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..auth import Principal
from ..catalog import Catalog
from ..query.filter import parse_filter
from ..query.match_filter import RowPredicate, compile_predicate
from ..schema import TableName
from .events import ChangeEvent, matched_row
from .protocol import ACTIONS, Subscribe

__all__ = ["RealtimeService", "Subscription"]


@dataclass(frozen=True, slots=True)
class Subscription:
    """One table's changes for one connection, optionally narrowed by a filter and actions."""

    id: str
    table: TableName
    events: frozenset[str] = ACTIONS
    predicate: RowPredicate | None = None
    filter: Any = None
    """The filter as the client sent it (stored with the connection on AWS)."""

    def matches(self, event: ChangeEvent) -> bool:
        return self.matches_change(event.table, event.action, event.row)

    def matches_change(self, table: TableName, action: str, row: Mapping[str, Any]) -> bool:
        return (
            table == self.table
            and action in self.events
            and (self.predicate is None or self.predicate(row))
        )

    def matches_payload(self, payload: Mapping[str, Any]) -> bool:
        """For an event kept as its payload (the AWS event log)."""
        row = matched_row(payload.get("new"), payload.get("old"), payload.get("key"))
        table = TableName(payload["schema"], payload["table"])
        return self.matches_change(table, payload["action"], row)


class RealtimeService:
    """The rules of the realtime door, for every way it is served (a local socket, API Gateway).

    A key needs the ``realtime`` scope to connect; a subscription names a table the key may
    read, and its filter is checked against that table's columns like a REST filter; every
    event, subscribed to or not, is shown only to keys that may read its table.
    """

    def __init__(self, catalog: Catalog, schema: str) -> None:
        self.catalog = catalog
        self.schema = schema

    @staticmethod
    def check_connect(principal: Principal) -> None:
        principal.check_door()

    def table_ref(self, name: str) -> TableName:
        return TableName.named(self.schema, name)

    async def subscription(
        self, principal: Principal, request: Subscribe, subscription_id: str
    ) -> Subscription:
        """The subscription ``request`` asks for; raises the error REST would give for the
        same table and filter (403 for a table the key may not use, 404, 400)."""
        ref = self.table_ref(request.table)
        principal.check_read(ref)
        table = await self.catalog.table(ref)
        node = parse_filter(request.filter, table)
        return Subscription(
            id=subscription_id,
            table=ref,
            events=request.events,
            predicate=compile_predicate(node) if node is not None else None,
            filter=request.filter,
        )

    @staticmethod
    def may_see(principal: Principal, event: ChangeEvent) -> bool:
        return principal.may_read(event.table)

"""Which stored connection gets which event, as frames: the fan-out of the changes function."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import orjson

from ..auth import Authenticator, Principal, Scope
from ..errors import PolarBaseError
from .events import ChangeEvent
from .ports import StoredConnection, StoredSubscription
from .protocol import Subscribe, event_frame, notice_payload
from .subscriptions import RealtimeService, Subscription

__all__ = ["Audience", "Fanout"]

_log = logging.getLogger("polarbase.realtime")


@dataclass(frozen=True, slots=True)
class Audience:
    """A connection ready for fan-out: its key's rights and its compiled subscriptions."""

    connection_id: str
    principal: Principal
    everything: bool
    subscriptions: tuple[Subscription, ...]


class Fanout:
    """Turns a batch of events and the stored connections into ``(connection id, frame)``.

    The same rules as the local hub, through the same ``RealtimeService``: a connection's key
    (found by its hash; a revoked key's connection gets nothing and is reported) must still be
    valid and may read the event's table, and its subscriptions are compiled (table, filter and
    actions, as a subscribe checks them) once per drain, in ``prepare``, before the drain holds
    the function's one database connection. A frame larger than ``max_frame_bytes`` becomes a
    notice naming the table and the row's key, to fetch.
    """

    def __init__(
        self, service: RealtimeService, auth: Authenticator, *, max_frame_bytes: int
    ) -> None:
        self.service = service
        self.auth = auth
        self.max_frame_bytes = max_frame_bytes

    async def prepare(
        self, connections: Sequence[StoredConnection]
    ) -> tuple[list[Audience], list[str]]:
        """The connections ready for ``frames``, and those whose key is no longer valid."""
        audiences: list[Audience] = []
        revoked: list[str] = []
        compiled: dict[tuple[str, bytes, tuple[str, ...]], Subscription | None] = {}
        for connection in connections:
            try:
                key = self.auth.identify_hash(connection.key_hash)
            except PolarBaseError:
                revoked.append(connection.id)
                continue
            principal = Principal(key, Scope.REALTIME)
            subscriptions = [
                found
                for stored in connection.subscriptions
                if (found := await self._compile(principal, stored, compiled)) is not None
            ]
            audiences.append(
                Audience(connection.id, principal, connection.everything, tuple(subscriptions))
            )
        return audiences, revoked

    def frames(
        self, events: Sequence[ChangeEvent], audiences: Sequence[Audience]
    ) -> list[tuple[str, bytes]]:
        """The frames to post, oldest event first per connection."""
        frames: list[tuple[str, bytes]] = []
        for audience in audiences:
            for event in events:
                if not audience.principal.may_read(event.table):
                    continue
                if audience.everything:
                    ids: list[str] = []
                else:
                    ids = [sub.id for sub in audience.subscriptions if sub.matches(event)]
                    if not ids:
                        continue
                frames.append(
                    (audience.connection_id, self._frame(audience.connection_id, event, ids))
                )
        return frames

    async def _compile(
        self,
        principal: Principal,
        stored: StoredSubscription,
        compiled: dict[tuple[str, bytes, tuple[str, ...]], Subscription | None],
    ) -> Subscription | None:
        """The subscription as its connection's key may have it now (None when the key lost
        the table, or the table or a filtered column is gone)."""
        if not principal.may_read(self.service.table_ref(stored.table)):
            return None
        cache_key = (stored.table, orjson.dumps(stored.filter), stored.events)
        if cache_key not in compiled:
            request = Subscribe(stored.table, stored.filter, frozenset(stored.events))
            try:
                compiled[cache_key] = await self.service.subscription(principal, request, "")
            except PolarBaseError as problem:
                _log.info("subscription to %s no longer applies: %s", stored.table, problem)
                compiled[cache_key] = None
        found = compiled[cache_key]
        if found is None:
            return None
        return Subscription(stored.id, found.table, found.events, found.predicate, found.filter)

    def _frame(self, connection_id: str, event: ChangeEvent, ids: list[str]) -> bytes:
        frame = event_frame(connection_id, event.payload_json, ids or None)
        if len(frame) <= self.max_frame_bytes:
            return frame
        return event_frame(connection_id, orjson.dumps(notice_payload(event)), ids or None)

"""Realtime on AWS: the websocket function's protocol and the changes function's drain."""

from __future__ import annotations

import logging
import secrets
import time
from typing import TYPE_CHECKING, Any

import orjson

from ..auth import Principal, Scope, hash_api_key
from ..errors import AuthenticationError, PolarBaseError
from .fanout import Fanout
from .ports import (
    ConnectionPoster,
    ConnectionRegistry,
    EventLog,
    StoredConnection,
    StoredSubscription,
)
from .protocol import (
    Ping,
    ProtocolError,
    Subscribe,
    Unsubscribe,
    error_frame,
    event_frame,
    parse_message,
    reply_frame,
)
from .readers import SlotDrain
from .slot import ChangeSlot
from .subscriptions import RealtimeService

if TYPE_CHECKING:
    from ..runtime import Runtime

__all__ = ["AwsRealtime", "build_aws_realtime"]

_log = logging.getLogger("polarbase.realtime")
_MAX_REPLAY = 10_000
_HEARTBEAT_MINUTES = 5
"""API Gateway closes a connection idle for 10 minutes."""
_LIFETIME_SECONDS = 2 * 3600
"""API Gateway closes every connection after 2 hours."""
_RECONNECT_NOTICE_SECONDS = _LIFETIME_SECONDS - 5 * 60


class AwsRealtime:
    """The realtime door on API Gateway WebSockets, with the same rules as ``polarbase serve``.

    The websocket function calls ``connect``, ``disconnect`` and ``message``; the changes
    function calls ``drain`` (after writes through the API, and on a schedule that also sends
    heartbeats, tells connections to reconnect before API Gateway's 2-hour limit, and closes
    the connections of revoked keys).
    """

    def __init__(
        self,
        runtime: Runtime,
        registry: ConnectionRegistry,
        log: EventLog,
        poster: ConnectionPoster,
    ) -> None:
        settings = runtime.settings
        self.runtime = runtime
        self.registry = registry
        self.log = log
        self.poster = poster
        self.service = RealtimeService(runtime.catalog, settings.db_schema)
        self.slot = ChangeSlot(runtime.database, settings.db_schema, settings.realtime_slot)
        self.drainer = SlotDrain(runtime.database, self.slot)
        self.fanout = Fanout(self.service, runtime.auth, max_frame_bytes=poster.max_frame_bytes)
        self._slot_ready = False

    # --- the websocket function ------------------------------------------------------------

    def connect(self, connection_id: str, secret: str | None) -> PolarBaseError | None:
        """``$connect``: the key must be valid and have the ``realtime`` scope; the error that
        refuses the connection otherwise (its status becomes the handshake's)."""
        try:
            principal = self.runtime.auth.authenticate(secret, Scope.REALTIME)
            self.service.check_connect(principal)
        except PolarBaseError as problem:
            return problem
        assert secret is not None
        self.registry.add(StoredConnection(connection_id, hash_api_key(secret), time.time()))
        return None

    def disconnect(self, connection_id: str) -> None:
        self.registry.remove(connection_id)

    async def message(self, connection_id: str, body: str | bytes) -> bytes | None:
        """``$default``: acts on one client message; the reply to send back, or None when the
        reply went out through the poster (ahead of replayed events)."""
        stored = self.registry.get(connection_id)
        if stored is None:
            return error_frame(AuthenticationError("this connection is not known: reconnect"))
        try:
            key = self.runtime.auth.identify_hash(stored.key_hash)
        except PolarBaseError as problem:
            self.poster.disconnect([connection_id])
            return error_frame(problem)
        principal = Principal(key, Scope.REALTIME)
        ref = None
        try:
            request = parse_message(body)
            ref = request.ref
            if isinstance(request, Ping):
                return reply_frame("pong", ref)
            if isinstance(request, Unsubscribe):
                return self._unsubscribe(stored, request)
            return await self._subscribe(principal, stored, request)
        except PolarBaseError as problem:
            return error_frame(problem, ref)

    def _unsubscribe(self, stored: StoredConnection, request: Unsubscribe) -> bytes:
        removed = [
            sub.id
            for sub in stored.subscriptions
            if sub.id == request.subscription or sub.table == request.table
        ]
        if not removed:
            raise ProtocolError(
                f"unsubscribe: no subscription {request.subscription or request.table!r}"
            )
        self.registry.unsubscribe(stored.id, removed)
        return reply_frame("unsubscribed", request.ref, subscriptions=removed)

    async def _subscribe(
        self, principal: Principal, stored: StoredConnection, request: Subscribe
    ) -> bytes | None:
        subscription = await self.service.subscription(
            principal, request, f"s{secrets.token_hex(4)}"
        )
        self.registry.subscribe(
            stored.id,
            StoredSubscription(
                subscription.id, request.table, request.filter, tuple(sorted(request.events))
            ),
        )
        reply = reply_frame(
            "subscribed",
            request.ref,
            subscription=subscription.id,
            table=subscription.table.name,
            events=sorted(subscription.events),
        )
        if request.since is None:
            return reply
        kept, since_kept = self.log.after(subscription.table, request.since, _MAX_REPLAY)
        frames = [reply]
        if len(kept) >= _MAX_REPLAY:
            # More than one replay sends: say so, and what was sent is the oldest of them.
            since_kept = False
        if not since_kept:
            frames.append(
                reply_frame(
                    "gap",
                    since=request.since.text,
                    oldest=kept[0].position.text if kept else None,
                    message="some events after this position are no longer kept: fetch the "
                    "table again, then carry on from the events that follow",
                )
            )
        for logged in kept:
            if subscription.matches_payload(orjson.loads(logged.payload_json)):
                frames.append(event_frame(stored.id, logged.payload_json, [subscription.id]))
        self.poster.post([(stored.id, frame) for frame in frames])
        return None

    # --- the changes function --------------------------------------------------------------

    async def drain(self, *, scheduled: bool = False) -> dict[str, Any]:
        """Hand every change waiting in the slot to the connections that want it; the
        scheduled run also keeps the connections alive and honest."""
        if not self._slot_ready:
            await self.slot.ensure()
            self._slot_ready = True
        else:
            await self.slot.sync_tables()
        # Connections and their compiled subscriptions first: the drain then holds the
        # function's only database connection until its events are handed on.
        connections = self.registry.connections()
        audiences, revoked = await self.fanout.prepare(connections)
        posted = 0

        async def handle(events: list[Any]) -> None:
            nonlocal posted
            self.log.append(events)
            frames = self.fanout.frames(events, audiences)
            gone = self.poster.post(frames) if frames else []
            posted += len(frames)
            self._forget(gone, [])

        count = await self.drainer.drain(handle)
        self._forget([], revoked)
        if scheduled:
            self._keep_alive([c for c in connections if c.id not in set(revoked)])
        return {"events": count, "frames": posted}

    def _keep_alive(self, connections: list[StoredConnection]) -> None:
        now = time.time()
        frames: list[tuple[str, bytes]] = []
        revoked: list[str] = []
        for connection in connections:
            try:
                self.runtime.auth.identify_hash(connection.key_hash)
            except PolarBaseError:
                revoked.append(connection.id)
                continue
            age = now - connection.connected_at
            if _RECONNECT_NOTICE_SECONDS <= age < _RECONNECT_NOTICE_SECONDS + 60:
                frames.append(
                    (
                        connection.id,
                        reply_frame(
                            "reconnect",
                            message="this connection ends within 5 minutes (API Gateway's "
                            "2-hour limit): reconnect and resume with since",
                        ),
                    )
                )
            elif int(age // 60) % _HEARTBEAT_MINUTES == _HEARTBEAT_MINUTES - 1:
                frames.append((connection.id, reply_frame("heartbeat")))
        gone = self.poster.post(frames) if frames else []
        self._forget(gone, revoked)

    def _forget(self, gone: list[str], revoked: list[str]) -> None:
        if revoked:
            self.poster.disconnect(revoked)
        for connection_id in {*gone, *revoked}:
            self.registry.remove(connection_id)


def build_aws_realtime(runtime: Runtime) -> AwsRealtime:
    """The AWS realtime of ``runtime`` (aws mode): its DynamoDB tables and the poster function
    from the settings."""
    from .dynamo import DynamoConnectionRegistry, DynamoEventLog
    from .invoke import InvokedPoster

    settings, clients = runtime.settings, runtime.aws
    if (
        clients is None
        or not settings.realtime_connections_table
        or not settings.realtime_events_table
        or not settings.realtime_poster_function
    ):
        raise ValueError(
            "realtime on AWS needs POLARBASE_REALTIME_CONNECTIONS_TABLE, "
            "POLARBASE_REALTIME_EVENTS_TABLE and POLARBASE_REALTIME_POSTER_FUNCTION"
        )
    return AwsRealtime(
        runtime,
        DynamoConnectionRegistry(clients.dynamodb(), settings.realtime_connections_table),
        DynamoEventLog(
            clients.dynamodb(),
            settings.realtime_events_table,
            retention_seconds=settings.realtime_log_seconds,
        ),
        InvokedPoster(clients.lambda_(), settings.realtime_poster_function),
    )

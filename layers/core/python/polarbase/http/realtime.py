"""The realtime door of ``polarbase serve``: WebSocket and Server-Sent Events at /realtime.

It authenticates, speaks the protocol (``realtime/protocol.py``) and moves frames; who may see
what is decided by ``RealtimeService`` and the connection's subscriptions.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..auth import Principal
from ..auth import Scope as KeyScope
from ..errors import (
    AuthenticationError,
    InvalidInputError,
    PolarBaseError,
    RealtimeUnavailableError,
    ScopeDeniedError,
)
from ..realtime.events import InvalidPositionError, Position
from ..realtime.hub import Connection, Replay
from ..realtime.protocol import (
    ACTIONS,
    Ping,
    ProtocolError,
    Subscribe,
    Unsubscribe,
    error_frame,
    event_frame,
    parse_message,
    reply_frame,
)
from .errors import polarbase_error_response
from .params import json_param

if TYPE_CHECKING:
    from ..realtime.local import LocalRealtime

__all__ = ["REALTIME_PATH", "RealtimeDoor"]

REALTIME_PATH = "/realtime"
_log = logging.getLogger("polarbase.realtime")
_CLOSE_POLICY = 1008
_CLOSE_TRY_LATER = 1013
_CLOSE_GOING_AWAY = 1001
_SSE_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
    (b"connection", b"keep-alive"),
    (b"x-accel-buffering", b"no"),
]


def _websocket_frame(
    connection: Connection, position: Position, payload_json: bytes, ids: list[str]
) -> bytes:
    return event_frame(connection.id, payload_json, ids or None)


def _sse_frame(
    connection: Connection, position: Position, payload_json: bytes, ids: list[str]
) -> bytes:
    # The raw change, as the original's stream sends it; the id lets EventSource resume.
    return b"id: " + position.text.encode() + b"\nevent: db_change\ndata: " + payload_json + b"\n\n"


def _websocket_control(kind: str, fields: dict[str, Any]) -> bytes:
    return reply_frame(kind, **fields)


def _sse_control(kind: str, fields: dict[str, Any]) -> bytes:
    if kind == "heartbeat":
        return b": heartbeat\n\n"
    return b"event: " + kind.encode() + b"\ndata: " + reply_frame(kind, **fields) + b"\n\n"


def _secret(scope: Scope, *query_names: str) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-api-key":
            return str(value.decode("latin-1"))
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    for name in query_names:
        if name in query:
            return query[name][0]
    return None


class RealtimeDoor:
    def __init__(self, realtime: LocalRealtime | None, heartbeat: float, max_connections: int):
        self.realtime = realtime
        self.heartbeat = heartbeat
        self.max_connections = max_connections

    def _principal(self, scope: Scope, *query_names: str) -> tuple[Principal, str]:
        realtime = self._available()
        secret = _secret(scope, *query_names)
        principal = realtime.auth.authenticate(secret, KeyScope.REALTIME)
        realtime.service.check_connect(principal)
        assert secret is not None
        return principal, secret

    def _available(self) -> LocalRealtime:
        if self.realtime is None:
            raise RealtimeUnavailableError("realtime is turned off on this server")
        if self.realtime.error is not None:
            raise RealtimeUnavailableError(f"realtime is off: {self.realtime.error}")
        return self.realtime

    # --- WebSocket ---------------------------------------------------------------------------

    async def websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        socket = WebSocket(scope, receive, send)
        await socket.accept()
        try:
            principal, secret = self._principal(scope, "x-api-key", "apiKey")
        except PolarBaseError as problem:
            code = _CLOSE_TRY_LATER if problem.status == 503 else _CLOSE_POLICY
            await socket.close(code, _reason(problem))
            return
        realtime = self._available()
        await realtime.caught_up()
        # No await from the count to the attach: a crowd connecting at once cannot pass it.
        if len(realtime.hub.connections) >= self.max_connections:
            await socket.close(_CLOSE_TRY_LATER, "Server full: Too many connections")
            return
        connection = Connection(principal, secret, _websocket_frame, _websocket_control)
        realtime.hub.attach(connection)
        connection.send(
            reply_frame("connected", connection=connection.id, heartbeat=self.heartbeat)
        )
        tasks = [
            asyncio.create_task(self._receive(socket, connection, realtime)),
            asyncio.create_task(self._send(socket, connection)),
            asyncio.create_task(connection.closed()),
        ]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            realtime.hub.detach(connection)
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if connection.closing is not None:
            code = _CLOSE_GOING_AWAY if "shutting down" in connection.closing else _CLOSE_POLICY
            if connection.closing.startswith("too slow"):
                code = _CLOSE_TRY_LATER
            with contextlib.suppress(Exception):
                await socket.close(code, connection.closing[:120])

    async def _receive(
        self, socket: WebSocket, connection: Connection, realtime: LocalRealtime
    ) -> None:
        while True:
            try:
                message = await socket.receive()
            except WebSocketDisconnect:
                return
            if message["type"] == "websocket.disconnect":
                return
            data = message.get("text") or message.get("bytes") or ""
            ref = None
            try:
                request = parse_message(data)
                ref = request.ref
                await self._handle(request, connection, realtime)
            except PolarBaseError as problem:
                connection.send(error_frame(problem, ref))

    async def _handle(
        self,
        request: Subscribe | Unsubscribe | Ping,
        connection: Connection,
        realtime: LocalRealtime,
    ) -> None:
        if isinstance(request, Ping):
            connection.send(reply_frame("pong", request.ref))
            return
        if isinstance(request, Unsubscribe):
            removed = [
                sid
                for sid, sub in list(connection.subscriptions.items())
                if sid == request.subscription or sub.table.name == request.table
            ]
            if not removed:
                raise ProtocolError(
                    f"unsubscribe: no subscription {request.subscription or request.table!r}"
                )
            connection.unsubscribe(removed)
            connection.send(reply_frame("unsubscribed", request.ref, subscriptions=removed))
            return
        subscription = await realtime.service.subscription(
            connection.principal, request, connection.next_subscription_id()
        )
        # No await from here on: the replay and the first live event cannot interleave.
        replay = realtime.hub.replay(subscription, request.since) if request.since else None
        connection.subscribe(subscription)
        connection.send(
            reply_frame(
                "subscribed",
                request.ref,
                subscription=subscription.id,
                table=subscription.table.name,
                events=sorted(subscription.events),
                position=_last(realtime),
            )
        )
        if replay is not None:
            self._replay(connection, replay, request.since)

    def _replay(
        self,
        connection: Connection,
        replay: Replay,
        since: Position | None,
    ) -> None:
        if replay.gap:
            connection.send(
                connection.control(
                    "gap",
                    {
                        "since": since.text if since else None,
                        "oldest": replay.oldest.text if replay.oldest else None,
                        "message": "some events after this position are no longer kept: "
                        "fetch the table again, then carry on from the events that follow",
                    },
                )
            )
        for retained, matched in replay.events:
            connection.send(
                connection.frame(connection, retained.position, retained.payload_json, matched)
            )

    async def _send(self, socket: WebSocket, connection: Connection) -> None:
        # A plain get per frame (wait_for would make a task for each): heartbeats come from a
        # timer of their own, when nothing went out for a while.
        beat = asyncio.create_task(self._heartbeats(connection))
        try:
            while True:
                frame = await connection.queue.get()
                connection.last_sent = time.monotonic()
                await socket.send_text(frame.decode())
        finally:
            beat.cancel()

    async def _heartbeats(self, connection: Connection) -> None:
        while True:
            await asyncio.sleep(self.heartbeat)
            if time.monotonic() - connection.last_sent >= self.heartbeat:
                connection.send(connection.control("heartbeat", {}))

    # --- Server-Sent Events ------------------------------------------------------------------

    async def events(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            principal, secret = self._principal(scope, "apiKey", "x-api-key")
            realtime = self._available()
            connection, replay, since = await self._stream_connection(
                scope, principal, secret, realtime
            )
        except PolarBaseError as problem:
            response = polarbase_error_response(problem, scope["method"], scope["path"])
            await response(scope, receive, send)
            return
        if len(realtime.hub.connections) >= self.max_connections:
            response = polarbase_error_response(
                RealtimeUnavailableError("Server full: Too many connections"),
                scope["method"],
                scope["path"],
            )
            await response(scope, receive, send)
            return
        realtime.hub.attach(connection)
        if replay is not None:
            self._replay(connection, replay, since)
        await send({"type": "http.response.start", "status": 200, "headers": _SSE_HEADERS})
        disconnected = asyncio.create_task(_disconnect(receive))
        closed = asyncio.create_task(connection.closed())
        try:
            await _chunk(send, b": ok\n\n")
            while not disconnected.done() and not closed.done():
                getter = asyncio.create_task(connection.queue.get())
                done, _ = await asyncio.wait(
                    [getter, disconnected, closed],
                    timeout=self.heartbeat,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if getter in done:
                    await _chunk(send, getter.result())
                    continue
                getter.cancel()
                if not done:
                    await _chunk(send, connection.control("heartbeat", {}))
        except OSError:
            pass  # the client went away mid-write
        finally:
            realtime.hub.detach(connection)
            disconnected.cancel()
            closed.cancel()
        with contextlib.suppress(Exception):
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _stream_connection(
        self, scope: Scope, principal: Principal, secret: str, realtime: LocalRealtime
    ) -> tuple[Connection, Replay | None, Position | None]:
        query = parse_qs(scope.get("query_string", b"").decode("utf-8", "replace"))
        params = {name: values[-1] for name, values in query.items()}
        since_text = params.get("since") or _header(scope, b"last-event-id")
        try:
            since = Position.parse(since_text) if since_text else None
        except InvalidPositionError as problem:
            raise InvalidInputError(str(problem)) from None
        connection = Connection(principal, secret, _sse_frame, _sse_control)
        await realtime.caught_up()
        table = params.get("table")
        if table is None:
            for name in ("filter", "events"):
                if name in params:
                    raise InvalidInputError(f"{name}: needs table")
            replay = realtime.hub.replay_to(connection, since) if since is not None else None
            return connection, replay, since
        request = Subscribe(
            table=table,
            filter=json_param(params, "filter"),
            events=_events_param(params.get("events")),
            since=since,
        )
        subscription = await realtime.service.subscription(principal, request, "s1")
        connection.subscribe(subscription)
        replay = realtime.hub.replay_to(connection, since) if since is not None else None
        return connection, replay, since


def _last(realtime: LocalRealtime) -> str | None:
    last = realtime.hub.retention.last
    return last.text if last is not None else None


def _reason(problem: PolarBaseError) -> str:
    """The close reason the original gives (its clients match on it), else our message."""
    if isinstance(problem, AuthenticationError):
        return "Missing API Key" if "missing" in problem.message else "Invalid API Key"
    if isinstance(problem, ScopeDeniedError):
        return f"Access denied: {problem.message.removeprefix('access denied: ')}"[:120]
    return problem.message[:120]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _events_param(text: str | None) -> frozenset[str]:
    if text is None:
        return ACTIONS
    chosen = frozenset(part.strip() for part in text.split(",") if part.strip())
    wrong = sorted(chosen - ACTIONS)
    if wrong or not chosen:
        raise InvalidInputError("events: a comma-separated list of insert, update, delete")
    return chosen


async def _chunk(send: Send, body: bytes) -> None:
    await send({"type": "http.response.body", "body": body, "more_body": True})


async def _disconnect(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return

"""The realtime protocol: what a client may send, and the frames PolarBase sends back.

Client messages are JSON objects with a ``type``:

- ``{"type": "subscribe", "table": "people", "filter": {...}, "events": ["insert"],
  "since": "<position>", "ref": "any"}``: ``filter`` is the REST WhereFilter grammar,
  ``events`` a subset of insert/update/delete, ``since`` the position of the last event seen;
- ``{"type": "unsubscribe", "subscription": "s1"}`` (or ``"table": "people"`` for all of a
  table's subscriptions);
- ``{"type": "ping"}``.

Every message is answered (``subscribed``, ``unsubscribed``, ``pong``), a bad one with
``{"type": "error", "reason": <code>, "message": <what is wrong>}``; ``ref`` is echoed back.
Change events are framed as the original PolarBase frames them:
``{"id": <connection>, "data": {"event": "db_change", "payload": <change>, "timestamp": <ISO>},
"time": <epoch ms>}``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from ..errors import PolarBaseError
from .events import ChangeEvent, InvalidPositionError, Position

__all__ = [
    "ACTIONS",
    "MAX_MESSAGE_BYTES",
    "Ping",
    "ProtocolError",
    "Subscribe",
    "Unsubscribe",
    "error_frame",
    "event_frame",
    "notice_payload",
    "parse_message",
    "reply_frame",
]

ACTIONS = frozenset({"insert", "update", "delete"})
MAX_MESSAGE_BYTES = 64 * 1024
"""Largest message a client may send (a filter of a few hundred conditions fits)."""


class ProtocolError(PolarBaseError):
    """A client message PolarBase cannot act on; the socket stays open."""

    status = 400
    code = "invalid_message"


@dataclass(frozen=True, slots=True)
class Subscribe:
    table: str
    filter: Any = None
    events: frozenset[str] = ACTIONS
    since: Position | None = None
    ref: Any = None


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    subscription: str | None = None
    table: str | None = None
    ref: Any = None


@dataclass(frozen=True, slots=True)
class Ping:
    ref: Any = None


Message = Subscribe | Unsubscribe | Ping
_FIELDS = {
    "subscribe": {"type", "table", "filter", "events", "since", "ref"},
    "unsubscribe": {"type", "subscription", "table", "ref"},
    "ping": {"type", "ref"},
}


def parse_message(data: str | bytes) -> Message:
    """One client message; raises ProtocolError naming the field and the problem."""
    if len(data) > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message: larger than {MAX_MESSAGE_BYTES} bytes")
    try:
        raw = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise ProtocolError("message: not valid JSON") from None
    if not isinstance(raw, dict):
        raise ProtocolError('message: must be a JSON object with a "type"')
    kind = raw.get("type")
    if kind not in _FIELDS:
        raise ProtocolError(
            f"type: must be one of subscribe, unsubscribe, ping (got {_show(kind)})"
        )
    unknown = sorted(set(raw) - _FIELDS[kind])
    if unknown:
        raise ProtocolError(f"{unknown[0]}: not a field of a {kind} message")
    ref = raw.get("ref")
    if kind == "ping":
        return Ping(ref)
    if kind == "unsubscribe":
        subscription, table = raw.get("subscription"), raw.get("table")
        if (subscription is None) == (table is None):
            raise ProtocolError("unsubscribe: give either subscription or table")
        for name, value in (("subscription", subscription), ("table", table)):
            if value is not None and not isinstance(value, str):
                raise ProtocolError(f"{name}: must be a string")
        return Unsubscribe(subscription, table, ref)
    return _subscribe(raw, ref)


def _subscribe(raw: dict[str, Any], ref: Any) -> Subscribe:
    table = raw.get("table")
    if not isinstance(table, str) or not table:
        raise ProtocolError("table: required, the name of a table")
    events = raw.get("events")
    if events is None:
        chosen = ACTIONS
    else:
        if not isinstance(events, list) or not events:
            raise ProtocolError("events: must be a non-empty list of insert, update, delete")
        wrong = [event for event in events if event not in ACTIONS]
        if wrong:
            raise ProtocolError(f"events: {_show(wrong[0])} is not one of insert, update, delete")
        chosen = frozenset(events)
    since = raw.get("since")
    try:
        position = Position.parse(since) if since is not None else None
    except InvalidPositionError as problem:
        raise ProtocolError(str(problem)) from None
    return Subscribe(table, raw.get("filter"), chosen, position, ref)


def _show(value: Any) -> str:
    text = orjson.dumps(value).decode() if _jsonable(value) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _jsonable(value: Any) -> bool:
    try:
        orjson.dumps(value)
    except TypeError:
        return False
    return True


def reply_frame(kind: str, ref: Any = None, **fields: Any) -> bytes:
    """A control message: ``{"type": kind, ...fields, "ref": ref}``."""
    body: dict[str, Any] = {"type": kind, **fields}
    if ref is not None:
        body["ref"] = ref
    return orjson.dumps(body)


def error_frame(error: PolarBaseError, ref: Any = None) -> bytes:
    """A refused message: ``reason`` is the error's code (as the REST envelope's), ``message``
    says what is wrong."""
    return reply_frame("error", ref, reason=error.code, message=error.message)


def notice_payload(event: ChangeEvent) -> dict[str, Any]:
    """Stands in for a change too large for one message: which row changed, for the client to
    fetch (``GET /rest/db/{table}/{id}``)."""
    return {
        "tag": event.action,
        "action": event.action,
        "schema": event.table.schema,
        "table": event.table.name,
        "key": event.key,
        "position": event.position.text,
        "tooLarge": True,
        "size": event.size,
    }


def event_frame(
    connection_id: str,
    payload_json: bytes,
    subscriptions: list[str] | None = None,
    *,
    now: float | None = None,
) -> bytes:
    """A change as the original frames it, built around the event's payload serialised once."""
    moment = time.time() if now is None else now
    stamp = datetime.fromtimestamp(moment, UTC).isoformat(timespec="milliseconds")
    head = orjson.dumps({"id": connection_id})[:-1]
    tail = b',"time":' + str(int(moment * 1000)).encode()
    if subscriptions:
        tail += b',"subscriptions":' + orjson.dumps(subscriptions)
    return (
        head
        + b',"data":{"event":"db_change","payload":'
        + payload_json
        + b',"timestamp":"'
        + stamp.replace("+00:00", "Z").encode()
        + b'"}'
        + tail
        + b"}"
    )

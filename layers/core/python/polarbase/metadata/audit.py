"""The audit log of tool calls, and the single-use tokens that confirm destructive ones.

Locally both live in a SQLite file of their own beside the metadata file (``AuditLog``): tool
calls write it on every call, and kept apart, the metadata file every cache is keyed on changes
only when keys, tables or layouts do. On AWS they are items of a DynamoDB table
(``metadata.dynamo_audit.DynamoAuditLog``): a call writes one small item, where a synced file
would be uploaded whole on every call. Both keep the same ``AuditTrail`` contract.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson

from ..errors import ConfirmationError
from .store import MetadataStore

__all__ = ["AUDIT_MIGRATIONS", "AuditEntry", "AuditLog", "AuditTrail", "arguments_hash"]

_log = logging.getLogger("polarbase.audit")

AUDIT_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        key_id TEXT NOT NULL,
        key_name TEXT NOT NULL,
        door TEXT NOT NULL,
        tool TEXT NOT NULL,
        arguments TEXT NOT NULL,
        outcome TEXT NOT NULL,
        message TEXT,
        affected INTEGER,
        duration_ms REAL
    );
    CREATE INDEX audit_log_key ON audit_log (key_id, id);
    CREATE INDEX audit_log_tool ON audit_log (tool, id);
    CREATE TABLE confirmations (
        token_hash TEXT PRIMARY KEY,
        key_id TEXT NOT NULL,
        tool TEXT NOT NULL,
        arguments_hash TEXT NOT NULL,
        expires_at REAL NOT NULL,
        used_at REAL
    );
    """,
)
# Arguments are kept for what they say, not as a backup of the data: long ones are cut.
MAX_ARGUMENTS_CHARS = 4000
_COLUMNS = (
    "id, at, key_id, key_name, door, tool, arguments, outcome, message, affected, duration_ms"
)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One tool call: who, which tool with what, and how it ended."""

    key_id: int | str
    key_name: str
    door: str
    tool: str
    arguments: Any
    outcome: str
    """``ok``, ``error``, ``denied`` or ``confirmation_required``."""
    message: str | None = None
    affected: int | None = None
    duration_ms: float | None = None


def arguments_hash(tool: str, arguments: Any) -> str:
    """A digest of a call's exact arguments (key order does not matter)."""
    canonical = orjson.dumps([tool, arguments], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return "ct_" + secrets.token_urlsafe(24)


def entry_row(entry: AuditEntry) -> tuple[Any, ...]:
    """What is stored of a call, in column order: when (ISO 8601, ms), the key's id and name,
    the door, the tool, the arguments as JSON (cut at ``MAX_ARGUMENTS_CHARS``), the outcome,
    its message, the records affected and the duration."""
    text = orjson.dumps(entry.arguments, default=str).decode()
    if len(text) > MAX_ARGUMENTS_CHARS:
        text = text[:MAX_ARGUMENTS_CHARS] + "…"
    at = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return (
        at,
        str(entry.key_id),
        entry.key_name,
        entry.door,
        entry.tool,
        text,
        entry.outcome,
        entry.message,
        entry.affected,
        entry.duration_ms,
    )


def confirmation_problem(
    issued: tuple[str, str, str, float, float | None] | None,
    key_id: int | str,
    tool: str,
    digest: str,
    now: float,
) -> str | None:
    """Why a token (as issued: key id, tool, digest, expiry, when used) cannot confirm this
    call; None when it can."""
    if issued is None:
        return "confirmToken: not a token this server issued"
    owner, issued_for, issued_digest, expires_at, used_at = issued
    if owner != str(key_id):
        return "confirmToken: issued to another API key"
    if used_at is not None:
        return "confirmToken: already used; call again without it for a new one"
    if expires_at < now:
        return "confirmToken: expired; call again without it for a new one"
    if issued_for != tool or issued_digest != digest:
        return (
            "confirmToken: issued for other arguments; a token confirms exactly the "
            "call it was issued for"
        )
    return None


class AuditTrail(Protocol):
    """The audit log and the confirmation tokens, wherever they are kept."""

    def record(self, entry: AuditEntry) -> None: ...

    def flush(self, timeout: float = 10.0) -> None: ...

    def close(self) -> None: ...

    def entries(
        self,
        *,
        key_id: str | None = None,
        tool: str | None = None,
        limit: int = 50,
        before: int | None = None,
    ) -> list[dict[str, Any]]: ...

    def issue(self, key_id: int | str, tool: str, digest: str, ttl_seconds: float) -> str: ...

    def redeem(self, token: str, key_id: int | str, tool: str, digest: str) -> None: ...


class AuditLog:
    """Writes and reads the audit log, and issues and redeems confirmation tokens.

    With ``deferred`` (a long-running server), entries are written by a thread of their own, in
    batches of what arrived meanwhile: a tool call does not wait for the file's sync to disk
    (about a millisecond each on this machine), and a burst of calls shares one transaction.
    Reading the log first writes what is pending, so it always shows every call answered so
    far; ``flush`` waits for the writer (the server calls it when it stops). A function cannot
    work after it answered, so on AWS each entry is written before the call's answer.

    Example:
        >>> log.record(AuditEntry(3, "ci", "mcp", "queryRecords", {...}, "ok", affected=50))
        >>> token = log.issue(3, "deleteTable", arguments_hash("deleteTable", {...}), 300)
        >>> log.redeem(token, 3, "deleteTable", arguments_hash("deleteTable", {...}))
    """

    def __init__(self, store: MetadataStore, *, keep_entries: int, deferred: bool = False) -> None:
        self.store = store
        self.keep_entries = keep_entries
        self.deferred = deferred
        self._pending: list[tuple[Any, ...]] = []
        self._condition = threading.Condition()
        self._writing = False
        self._writer: threading.Thread | None = None

    def record(self, entry: AuditEntry) -> None:
        row = entry_row(entry)
        if not self.deferred:
            self._write([row])
            return
        with self._condition:
            self._pending.append(row)
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_pending, name="polarbase-audit", daemon=True
                )
                self._writer.start()
            self._condition.notify_all()

    def _write(self, rows: list[tuple[Any, ...]]) -> None:
        keep = self.keep_entries

        def insert(db: sqlite3.Connection) -> None:
            db.executemany(
                "INSERT INTO audit_log (at, key_id, key_name, door, tool, arguments, outcome, "
                "message, affected, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            (newest,) = db.execute("SELECT max(id) FROM audit_log").fetchone()
            # Trimmed now and then (every hundred entries), not on every call.
            if newest // 100 != (newest - len(rows)) // 100:
                db.execute("DELETE FROM audit_log WHERE id <= ?", (newest - keep,))

        self.store.write(insert)

    def _write_pending(self) -> None:
        while True:
            with self._condition:
                while not self._pending:
                    self._condition.wait()
                rows, self._pending = self._pending, []
                self._writing = True
            try:
                self._write(rows)
            except Exception:  # logged; the writer lives on for the next entries
                _log.exception("could not write %d audit entries", len(rows))
            finally:
                with self._condition:
                    self._writing = False
                    self._condition.notify_all()

    def close(self) -> None:
        self.flush()
        self.store.close()

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until every entry recorded so far is written."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while self._pending or self._writing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self._condition.wait(remaining)

    def entries(
        self,
        *,
        key_id: str | None = None,
        tool: str | None = None,
        limit: int = 50,
        before: int | None = None,
    ) -> list[dict[str, Any]]:
        """The newest entries first, optionally of one key or tool; ``before`` an entry id."""
        self.flush()
        conditions: list[str] = []
        values: list[Any] = []
        if key_id is not None:
            conditions.append("key_id = ?")
            values.append(key_id)
        if tool is not None:
            conditions.append("tool = ?")
            values.append(tool)
        if before is not None:
            conditions.append("id < ?")
            values.append(before)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        query = f"SELECT {_COLUMNS} FROM audit_log {where} ORDER BY id DESC LIMIT ?"  # noqa: S608 - fixed text; values are parameters
        rows = self.store.read(lambda db: db.execute(query, (*values, limit)).fetchall())
        return [entry_document(row) for row in rows]

    def issue(self, key_id: int | str, tool: str, digest: str, ttl_seconds: float) -> str:
        """A new single-use token for this key, tool and arguments digest."""
        token = new_token()
        now = time.time()
        row = (token_hash(token), str(key_id), tool, digest, now + ttl_seconds)

        def insert(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM confirmations WHERE expires_at < ?", (now - 3600,))
            db.execute(
                "INSERT INTO confirmations (token_hash, key_id, tool, arguments_hash, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                row,
            )

        self.store.write(insert)
        return token

    def redeem(self, token: str, key_id: int | str, tool: str, digest: str) -> None:
        """Use ``token`` up; ConfirmationError says why it cannot confirm this call."""
        hashed = token_hash(token)
        now = time.time()

        def use(db: sqlite3.Connection) -> str | None:
            issued = db.execute(
                "SELECT key_id, tool, arguments_hash, expires_at, used_at FROM confirmations "
                "WHERE token_hash = ?",
                (hashed,),
            ).fetchone()
            problem = confirmation_problem(issued, key_id, tool, digest, now)
            if problem is None:
                db.execute(
                    "UPDATE confirmations SET used_at = ? WHERE token_hash = ?", (now, hashed)
                )
            return problem

        problem = self.store.write(use)
        if problem is not None:
            raise ConfirmationError(problem)


def entry_document(row: tuple[Any, ...]) -> dict[str, Any]:
    """An entry as ``GET /rest/audit`` shows it, from its id and its ``entry_row``."""
    (entry_id, at, key_id, key_name, door, tool, arguments, outcome, message, affected, ms) = row
    try:
        decoded: Any = orjson.loads(arguments)
    except orjson.JSONDecodeError:
        decoded = arguments  # cut short when it was stored
    return {
        "id": entry_id,
        "at": at,
        "keyId": key_id,
        "keyName": key_name,
        "door": door,
        "tool": tool,
        "arguments": decoded,
        "outcome": outcome,
        "message": message,
        "affected": affected,
        "durationMs": ms,
    }
